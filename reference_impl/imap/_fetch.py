"""FETCH responses (RFC 9051 §6.4.5, §7.5.2): the data items of one message."""

from __future__ import annotations

import base64
import quopri
from collections.abc import Callable

from reference_impl.imap._fetch_syntax import FetchItem, Section
from reference_impl.imap._mime_parts import Part, header_fields, parse_part
from reference_impl.imap._structure import imap_body_structure, imap_envelope
from reference_impl.imap._syntax import format_date_time
from reference_impl.imap._values import literal, serialize
from reference_impl.imap._view import flag_list
from reference_impl.store import StoredMessage

__all__ = ["needs_body", "render_items", "sets_seen"]

_METADATA = frozenset({"FLAGS", "UID", "INTERNALDATE", "RFC822.SIZE", "MODSEQ"})


def needs_body(items: list[FetchItem]) -> bool:
    return any(item.name not in _METADATA for item in items)


def sets_seen(items: list[FetchItem]) -> bool:
    """RFC 9051 §6.4.5: BODY[...] (not .PEEK), BINARY[...] and RFC822 / RFC822.TEXT
    set \\Seen."""
    return any(
        (item.section is not None and not item.peek and item.name != "BINARY.SIZE")
        or item.name in ("RFC822", "RFC822.TEXT")
        for item in items
    )


def render_items(
    items: list[FetchItem], message: StoredMessage, flags: frozenset[str], load: Callable[[], bytes]
) -> list[bytes]:
    """Each item as ``name SP value``; ``load`` reads the message when an item needs it."""
    raw: bytes | None = None
    out = []
    for item in items:
        if item.name in _METADATA:
            out.append(_metadata(item.name, message, flags))
            continue
        if raw is None:
            raw = load()
        out.append(item.response_name() + b" " + _content(item, raw))
    return out


def _metadata(name: str, message: StoredMessage, flags: frozenset[str]) -> bytes:
    if name == "FLAGS":
        return b"FLAGS " + flag_list(flags)
    if name == "UID":
        return b"UID %d" % message.uid
    if name == "INTERNALDATE":
        return b"INTERNALDATE " + format_date_time(message.internal_date)
    if name == "MODSEQ":
        return b"MODSEQ (%d)" % message.modseq
    return b"RFC822.SIZE %d" % message.size


def _content(item: FetchItem, raw: bytes) -> bytes:
    whole = parse_part(raw)
    match item.name:
        case "ENVELOPE":
            return serialize(imap_envelope(raw))
        case "BODYSTRUCTURE" | "BODY" if item.section is None:
            return serialize(imap_body_structure(raw, extensible=item.name == "BODYSTRUCTURE"))
        case "RFC822":
            return literal(raw)
        case "RFC822.HEADER":
            return literal(whole.header)
        case "RFC822.TEXT":
            return literal(whole.body)
    assert item.section is not None
    data = _section(whole, item.section, binary=item.name.startswith("BINARY"))
    if item.name == "BINARY.SIZE":
        return b"%d" % len(data or b"")
    if data is None:
        return b"NIL" if item.name == "BODY" else b'""'
    if item.partial is not None:
        start, count = item.partial
        data = data[start : start + count]
    return literal(data)


def _section(message: Part, section: Section, *, binary: bool) -> bytes | None:
    """The octets a section spec names, or None when the part does not exist."""
    part = message.find(section.part) if section.part else message
    if part is None:
        return None
    if binary:
        return _decoded(part)
    if section.text == "MIME":
        return part.header
    if section.part and section.text in ("HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT"):
        # RFC 9051 §6.4.5: HEADER and TEXT after a part number apply to an encapsulated
        # message (message/rfc822) only.
        if not part.is_message:
            return None
        part = part.children[0]
    if section.text == "HEADER":
        return part.header
    if section.text.startswith("HEADER.FIELDS"):
        return header_fields(part.header, section.fields, exclude=section.text.endswith(".NOT"))
    if section.text == "TEXT" or section.part:
        return part.body
    return part.header + part.body


def _decoded(part: Part) -> bytes:
    """BINARY (RFC 3516, RFC 9051 §6.4.5): the part's content with its
    Content-Transfer-Encoding removed."""
    encoding = str(part.fields.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "base64":
        return base64.b64decode(b"".join(part.body.split()), validate=False)
    if encoding == "quoted-printable":
        return quopri.decodestring(part.body)
    return part.body
