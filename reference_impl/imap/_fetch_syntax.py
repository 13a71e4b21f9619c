"""FETCH attributes (RFC 9051 §6.4.5, §9 fetch-att; RFC 3501 §6.4.5) and section specs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._values import astring

__all__ = ["FetchItem", "Section", "fetch_items"]

# RFC 9051 §6.4.5 macros ("not to be used with other items"); RFC 3501 the same.
_MACROS = {
    b"ALL": (b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE", b"ENVELOPE"),
    b"FAST": (b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE"),
    b"FULL": (b"FLAGS", b"INTERNALDATE", b"RFC822.SIZE", b"ENVELOPE", b"BODY"),
}
_SIMPLE = frozenset(
    {
        b"ENVELOPE",
        b"FLAGS",
        b"INTERNALDATE",
        b"RFC822",
        b"RFC822.HEADER",
        b"RFC822.SIZE",
        b"RFC822.TEXT",
        b"BODY",
        b"BODYSTRUCTURE",
        b"UID",
        b"MODSEQ",
    }
)
_WITH_SECTION = frozenset({b"BODY", b"BODY.PEEK", b"BINARY", b"BINARY.PEEK", b"BINARY.SIZE"})
_ITEM_NAME = re.compile(rb"[A-Za-z0-9.]+")
_PART = re.compile(rb"[1-9][0-9]{0,8}(?:\.[1-9][0-9]{0,8})*")
_MSGTEXT = (b"HEADER.FIELDS.NOT", b"HEADER.FIELDS", b"HEADER", b"TEXT", b"MIME")


@dataclass(frozen=True, slots=True)
class Section:
    """section-spec: a part path (empty: the message) and what of it (RFC 9051 §6.4.5)."""

    part: tuple[int, ...] = ()
    text: str = ""  # "", HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME
    fields: tuple[bytes, ...] = ()

    def spec(self) -> bytes:
        """The section as the response names it."""
        path = b".".join(b"%d" % n for n in self.part)
        words = [path] if path else []
        if self.text:
            words.append(self.text.encode("ascii"))
        spec = b".".join(words)
        if self.fields:
            spec += b" (" + b" ".join(astring(name) for name in self.fields) + b")"
        return spec


@dataclass(frozen=True, slots=True)
class FetchItem:
    name: str  # BODY, BINARY, BINARY.SIZE for section items; else the attribute
    section: Section | None = None
    partial: tuple[int, int] | None = None
    peek: bool = False

    def response_name(self) -> bytes:
        if self.section is None:
            return self.name.encode("ascii")
        name = self.name.encode("ascii") + b"[" + self.section.spec() + b"]"
        if self.partial is not None:
            name += b"<%d>" % self.partial[0]  # RFC 9051 §7.5.2: origin only
        return name


def fetch_items(tokens: Tokens) -> list[FetchItem]:
    """``"ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"``."""
    if tokens.peek() == b"(":
        return tokens.paren_list(fetch_item, empty_ok=False)
    start = tokens.match(_ITEM_NAME)
    name = b"" if start is None else start.group().upper()
    if name in _MACROS:
        return [FetchItem(name=n.decode()) for n in _MACROS[name]]
    if start is None:
        raise fault(ImapDefectKind.UNKNOWN_ITEM, "expected a fetch attribute")
    return [_rest_of_item(tokens, name)]


def fetch_item(tokens: Tokens) -> FetchItem:
    found = tokens.match(_ITEM_NAME)
    if found is None:
        raise fault(ImapDefectKind.UNKNOWN_ITEM, "expected a fetch attribute")
    return _rest_of_item(tokens, found.group().upper())


def _rest_of_item(tokens: Tokens, name: bytes) -> FetchItem:
    if name in _WITH_SECTION and tokens.peek() == b"[":
        return _section_item(tokens, name)
    if name in _SIMPLE:
        return FetchItem(name=name.decode())
    raise fault(ImapDefectKind.UNKNOWN_ITEM, repr(name[:40])[2:-1])


def _section_item(tokens: Tokens, name: bytes) -> FetchItem:
    peek = name.endswith(b".PEEK")
    base = name.removesuffix(b".PEEK").decode()
    tokens.expect(b"[", ImapDefectKind.BAD_SECTION)
    binary = base.startswith("BINARY")
    section = _binary_section(tokens) if binary else _section_spec(tokens)
    tokens.expect(b"]", ImapDefectKind.BAD_SECTION)
    partial = None
    if base != "BINARY.SIZE" and tokens.skip(b"<"):
        start = tokens.number()
        tokens.expect(b".", ImapDefectKind.BAD_SECTION)
        count = tokens.nz_number()
        tokens.expect(b">", ImapDefectKind.BAD_SECTION)
        partial = (start, count)
    return FetchItem(name=base, section=section, partial=partial, peek=peek)


def _binary_section(tokens: Tokens) -> Section:
    # RFC 9051 §9: section-binary = "[" [section-part] "]".
    found = tokens.match(_PART)
    return Section(part=_part(found.group()) if found else ())


def _part(text: bytes) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(b"."))


def _section_spec(tokens: Tokens) -> Section:
    if tokens.peek() == b"]":
        return Section()
    found = tokens.match(_PART)
    part = _part(found.group()) if found else ()
    if part and not tokens.skip(b"."):
        return Section(part=part)
    for text in _MSGTEXT:
        if tokens.skip(text):
            break
    else:
        raise fault(ImapDefectKind.BAD_SECTION, "expected HEADER, TEXT, MIME or a part")
    if text == b"MIME" and not part:
        raise fault(ImapDefectKind.BAD_SECTION, "MIME needs a part number (RFC 9051 §9)")
    fields: tuple[bytes, ...] = ()
    if text.startswith(b"HEADER.FIELDS"):
        tokens.sp()
        fields = tuple(tokens.paren_list(Tokens.astring, empty_ok=False))
    return Section(part=part, text=text.decode(), fields=fields)
