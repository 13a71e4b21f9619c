"""Address lists (RFC 5322 §3.4, §3.4.1) and message identifiers (§3.6.4), parsed from tokens.

A parse returns what it could read and the rules the text broke; it never raises.  Obsolete
forms that §4.4 lets a reader accept (routes, empty list elements, dots in phrases) are read
and reported, since §4 says they MUST NOT be generated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._lexer import Token, TokenKind, tokenize, unquote

__all__ = ["Address", "Group", "Issue", "Mailbox", "parse_address_list", "parse_msg_ids"]

Issue = tuple[MimeDefectKind, str]
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[^?\s]+\?[^?\s]*\?=")
_K = MimeDefectKind


@dataclass(frozen=True)
class Mailbox:
    """One mailbox; ``name`` is the display name as written, quotes gone, encoded words kept."""

    name: str | None
    local: str
    domain: str
    route: str | None = None


@dataclass(frozen=True)
class Group:
    """A named group of mailboxes (RFC 5322 §3.4)."""

    name: str
    members: tuple[Mailbox, ...] = ()


Address = Mailbox | Group


@dataclass
class _Reader:
    tokens: list[Token]
    pos: int = 0
    issues: list[Issue] = field(default_factory=list)

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take_special(self, char: str) -> bool:
        token = self.peek()
        if token is not None and token.kind is TokenKind.SPECIAL and token.text == char:
            self.pos += 1
            return True
        return False

    def fail(self, why: str, kind: MimeDefectKind = _K.ADDRESS_SYNTAX) -> None:
        if not any(issue[0] is kind for issue in self.issues):
            self.issues.append((kind, why))


def parse_address_list(
    text: str, *, allow_empty: bool = False
) -> tuple[list[Address], list[Issue]]:
    """Read an address-list; ``allow_empty`` for Bcc, whose body may be only CFWS (§3.6.3)."""
    tokens = tokenize(text)
    if tokens is None:
        return [], [(_K.ADDRESS_SYNTAX, "unclosed comment")]
    reader = _Reader(tokens)
    addresses: list[Address] = []
    if not tokens:
        if not allow_empty:
            reader.fail("empty address list")
        return addresses, reader.issues
    while reader.peek() is not None:
        if reader.take_special(","):
            reader.fail("empty list element (obsolete, RFC 5322 §4.4)")
            continue
        address = _address(reader)
        if address is None:
            _skip_to_comma(reader)
        else:
            addresses.append(address)
        if reader.peek() is not None and not reader.take_special(","):
            reader.fail(f"unexpected {reader.peek().text!r}")  # type: ignore[union-attr]
            _skip_to_comma(reader)
    return addresses, reader.issues


def _skip_to_comma(reader: _Reader) -> None:
    while (token := reader.peek()) is not None and token.text != ",":
        reader.pos += 1
    reader.take_special(",")


def _address(reader: _Reader) -> Address | None:
    start = reader.pos
    plain = _addr_spec(reader)
    if plain is not None and _at_address_end(reader):
        return plain
    reader.pos = start
    phrase = _phrase(reader)
    if reader.take_special("<"):
        return _angle_addr(reader, phrase)
    if phrase is not None and reader.take_special(":"):
        return _group(reader, phrase)
    reader.fail("neither an addr-spec, a name-addr nor a group")
    return None


def _at_address_end(reader: _Reader) -> bool:
    token = reader.peek()
    return token is None or (token.kind is TokenKind.SPECIAL and token.text in ",;")


def _phrase(reader: _Reader) -> str | None:
    """A display name: words (atoms, quoted strings) and, obsolete, dots (RFC 5322 §3.2.5)."""
    words: list[str] = []
    while (token := reader.peek()) is not None:
        if token.kind is TokenKind.ATOM:
            words.append(token.text)
        elif token.kind is TokenKind.QUOTED:
            _no_encoded_word(reader, token.text, "quoted-string")
            words.append(unquote(token.text))
        elif token.text == "." and words:
            reader.fail("'.' in a phrase (obsolete, RFC 5322 §4.1)")
            words[-1] += "."
        else:
            break
        reader.pos += 1
    return " ".join(words) if words else None


def _angle_addr(reader: _Reader, name: str | None) -> Mailbox | None:
    route = _obs_route(reader)
    spec = _addr_spec(reader)
    if spec is None or not reader.take_special(">"):
        reader.fail("angle-addr is not '<' addr-spec '>'")
        while (token := reader.peek()) is not None and token.text not in (">", ","):
            reader.pos += 1
        reader.take_special(">")
        return None
    return Mailbox(name, spec.local, spec.domain, route)


def _obs_route(reader: _Reader) -> str | None:
    """'@domain,@domain:' before an addr-spec (obsolete, RFC 5322 §4.4)."""
    token = reader.peek()
    if token is None or token.text != "@":
        return None
    start = reader.pos
    while (token := reader.peek()) is not None and token.text != ":":
        if token.text in "<>;":
            reader.pos = start
            return None
        reader.pos += 1
    reader.take_special(":")
    reader.fail("source route in angle-addr (obsolete, RFC 5322 §4.4)")
    return "".join(t.text for t in reader.tokens[start : reader.pos - 1])


def _group(reader: _Reader, name: str) -> Group:
    members: list[Mailbox] = []
    while not reader.take_special(";"):
        if reader.peek() is None:
            reader.fail("group without its closing ';'")
            break
        if reader.take_special(","):
            continue
        member = _address(reader)
        if isinstance(member, Mailbox):
            members.append(member)
        elif member is None:
            _skip_to_comma(reader)
        else:
            reader.fail("group inside a group")
    return Group(name, tuple(members))


def _addr_spec(reader: _Reader) -> Mailbox | None:
    """local-part '@' domain (RFC 5322 §3.4.1); None, position unchanged, when absent."""
    start = reader.pos
    local = _dotted(reader, TokenKind.QUOTED)
    if local is None or not reader.take_special("@"):
        reader.pos = start
        return None
    domain = _dotted(reader, TokenKind.LITERAL)
    if domain is None:
        reader.pos = start
        return None
    _no_encoded_word(reader, f"{local}@{domain}", "addr-spec")
    return Mailbox(None, local, domain)


def _dotted(reader: _Reader, alternative: TokenKind) -> str | None:
    """dot-atom, or one token of the ``alternative`` kind (quoted local part, domain literal)."""
    token = reader.peek()
    if token is None:
        return None
    if token.kind is alternative:
        reader.pos += 1
        return unquote(token.text) if alternative is TokenKind.QUOTED else token.text
    parts: list[str] = []
    while (token := reader.peek()) is not None and token.kind is TokenKind.ATOM:
        parts.append(token.text)
        reader.pos += 1
        if not reader.take_special("."):
            break
    else:
        if parts:
            reader.fail("dot-atom ends with '.'")
    if not parts:
        return None
    return ".".join(parts)


def _no_encoded_word(reader: _Reader, text: str, where: str) -> None:
    if _ENCODED_WORD.search(text):
        reader.fail(f"encoded-word in a {where}", _K.EW_MISPLACED)


def parse_msg_ids(text: str) -> tuple[list[str], list[Issue]]:
    """Read 1*msg-id: '<' id-left '@' id-right '>' each (RFC 5322 §3.6.4)."""
    tokens = tokenize(text)
    if tokens is None:
        return [], [(_K.MSG_ID_SYNTAX, "unclosed comment")]
    reader = _Reader(tokens)
    ids: list[str] = []
    while reader.peek() is not None:
        if not reader.take_special("<"):
            reader.fail("msg-id does not start with '<'", _K.MSG_ID_SYNTAX)
            reader.pos += 1
            continue
        spec = _addr_spec(reader)
        if spec is None or not reader.take_special(">"):
            reader.fail("msg-id is not '<' id-left '@' id-right '>'", _K.MSG_ID_SYNTAX)
            while (token := reader.peek()) is not None and token.text != "<":
                reader.pos += 1
            continue
        ids.append(f"<{spec.local}@{spec.domain}>")
    if not ids and not reader.issues:
        reader.fail("no msg-id", _K.MSG_ID_SYNTAX)
    return ids, reader.issues
