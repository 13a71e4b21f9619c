"""FETCH responses (RFC 9051 §6.4.5, §7.5.2): the data items of one message."""

from __future__ import annotations

import base64
import quopri
import re
from collections.abc import Callable

from reference_impl.imap._fetch_syntax import FetchItem
from reference_impl.imap._structure import body_structure_wire, envelope_wire
from reference_impl.imap._syntax import format_date_time
from reference_impl.imap._values import literal
from reference_impl.imap._view import flag_list
from reference_impl.mime import part_of
from reference_impl.store import StoredMessage

__all__ = ["needs_body", "render_items", "sets_seen"]

# RFC 2045 §6.1: the field of a part's MIME header that names its encoding.
_TRANSFER_ENCODING = re.compile(rb"(?im)^content-transfer-encoding:[ \t]*([A-Za-z0-9-]+)")
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
    match item.name:
        case "ENVELOPE":
            return envelope_wire(raw)
        case "BODYSTRUCTURE" | "BODY" if item.section is None:
            return body_structure_wire(raw, extensible=item.name == "BODYSTRUCTURE")
        case "RFC822":
            return literal(raw)
        case "RFC822.HEADER":
            return literal(part_of(raw, "HEADER") or b"")
        case "RFC822.TEXT":
            return literal(part_of(raw, "TEXT") or b"")
    assert item.section is not None
    binary = item.name.startswith("BINARY")
    data = (
        _decoded(raw, item.section.part) if binary else part_of(raw, item.section.spec().decode())
    )
    if item.name == "BINARY.SIZE":
        return b"%d" % len(data or b"")
    if data is None:
        return b"NIL" if item.name == "BODY" else b'""'
    if item.partial is not None:
        start, count = item.partial
        data = data[start : start + count]
    if binary and b"\0" in data:
        return b"~" + literal(data)  # RFC 9051 §4.3: only literal8 may carry NUL
    return literal(data)


def _decoded(raw: bytes, path: tuple[int, ...]) -> bytes | None:
    """BINARY (RFC 3516, RFC 9051 §6.4.5): the part's content with its
    Content-Transfer-Encoding removed; None when there is no such part."""
    numbers = ".".join(str(n) for n in path)
    content = part_of(raw, numbers)
    header = part_of(raw, numbers + ".MIME" if numbers else "HEADER")
    if content is None or header is None:
        return None
    found = _TRANSFER_ENCODING.search(header)
    encoding = found.group(1).lower() if found else b""
    if encoding == b"base64":
        return base64.b64decode(b"".join(content.split()), validate=False)
    if encoding == b"quoted-printable":
        return quopri.decodestring(content)
    return content
