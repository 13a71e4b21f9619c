"""The strict parser: raw octets in, an ``Entity`` tree and every defect out; never raises
on what a message holds (only a ``STRICT`` policy raises, on purpose).

Whole-message checks (line ends, NUL, line length: RFC 5322 §2.1.1, §2.3) run once as regex
scans; then each entity's header section is read, its MIME fields interpreted with the RFC
2045 §5.2 defaults, and its body split (multipart), parsed (message/rfc822) or decoded.
"""

from __future__ import annotations

import re

from reference_impl._defects import RECORD, DefectPolicy
from reference_impl.mime._checks import check_message_fields, check_unstructured
from reference_impl.mime._context import ParseContext
from reference_impl.mime._headers import HeaderField, read_header_section
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._multipart import boundary_is_valid, split_multipart
from reference_impl.mime._params import MimeValue, parse_mime_value
from reference_impl.mime._transfer import IDENTITY_ENCODINGS, KNOWN_ENCODINGS, check_and_decode
from reference_impl.mime._tree import Entity, ParsedMessage

__all__ = ["MAX_DEPTH", "parse_message"]

_K = MimeDefectKind
# Nesting past this depth is kept as one opaque body: bounded recursion, bounded work.
MAX_DEPTH = 64
_BARE_CR = re.compile(rb"\r(?!\n)")
_BARE_LF = re.compile(rb"(?<!\r)\n")
_NUL = re.compile(rb"\x00")
_LONG = re.compile(rb"^[^\n]{79,}", re.MULTILINE)  # anchored: one try per line
_LINE_MUST = 998  # RFC 5322 §2.1.1
_LINE_SHOULD = 78
_TEXT_PLAIN = MimeValue("text", "plain", {"charset": "us-ascii"}, (("CHARSET", "US-ASCII"),))
_RFC822 = MimeValue("message", "rfc822")
_ENCAPSULATING = ("rfc822", "global")
_SEVEN_BIT_ONLY = ("partial", "external-body")  # RFC 2046 §5.2.2, §5.2.3


def parse_message(
    raw: bytes, *, utf8: bool = False, policy: DefectPolicy = RECORD
) -> ParsedMessage:
    """Parse ``raw``; ``utf8`` when RFC 6532 applies (e.g. the message came with SMTPUTF8)."""
    ctx = ParseContext(raw, policy, utf8=utf8)
    _check_lines(ctx)
    root = _entity(ctx, 0, len(raw), depth=0, default=_TEXT_PLAIN, message=True)
    defects = tuple(sorted(ctx.defects, key=lambda d: d.line))
    return ParsedMessage(root=root, defects=defects, dropped=sum(ctx.dropped.values()))


def _check_lines(ctx: ParseContext) -> None:
    for kind, pattern in ((_K.BARE_CR, _BARE_CR), (_K.BARE_LF, _BARE_LF), (_K.NUL, _NUL)):
        for found in pattern.finditer(ctx.raw):
            ctx.report(kind, found.start(), ctx.raw[max(0, found.start() - 20) : found.end() + 20])
    for found in _LONG.finditer(ctx.raw):
        length = len(found.group()) - found.group().endswith(b"\r")
        if length > _LINE_MUST:
            ctx.report(_K.LINE_TOO_LONG, found.start(), f"{length} octets")
        elif length > _LINE_SHOULD:
            ctx.report(_K.LINE_OVER_78, found.start(), f"{length} octets")


def _entity(
    ctx: ParseContext, start: int, end: int, *, depth: int, default: MimeValue, message: bool
) -> Entity:
    fields, body_start = read_header_section(ctx, start, end)
    if message:
        check_message_fields(ctx, fields, nested=depth > 0)
        if depth == 0:
            _check_mime_version(ctx, fields)
    else:
        for header in fields:
            if header.key == "content-description":
                check_unstructured(ctx, header)
    entity = Entity(
        source=ctx.raw, offset=start, body_offset=body_start, end=end, fields=fields,
        content_type=_content_type(ctx, fields, default),
        transfer_encoding=_transfer_encoding(ctx, fields),
        disposition=_disposition(ctx, fields),
    )
    if depth >= MAX_DEPTH and (entity.content_type.main in ("multipart", "message")):
        ctx.report(_K.NESTING_TOO_DEEP, start, f"depth {depth}")
        entity.body = entity.raw_body
        return entity
    _fill_body(ctx, entity, depth)
    return entity


def _fill_body(ctx: ParseContext, entity: Entity, depth: int) -> None:
    kind, encoding = entity.content_type, entity.transfer_encoding
    restricted = kind.main == "multipart" or (kind.main, kind.sub) == ("message", "rfc822")
    seven_bit_only = kind.main == "message" and kind.sub in _SEVEN_BIT_ONLY
    if (restricted and encoding not in IDENTITY_ENCODINGS) or (
        seven_bit_only and encoding != "7bit"
    ):
        ctx.report(_K.CTE_NOT_ALLOWED, entity.offset, encoding)
    if kind.main == "multipart":
        _split(ctx, entity, depth)
    elif kind.main == "message" and kind.sub in _ENCAPSULATING and (
        kind.sub == "rfc822" or encoding in IDENTITY_ENCODINGS
    ):
        _encapsulated(ctx, entity, depth, utf8=ctx.utf8 or kind.sub == "global")
    elif encoding in KNOWN_ENCODINGS:
        entity.body = check_and_decode(ctx, encoding, entity.body_offset, entity.end)
    else:
        entity.body = entity.raw_body  # RFC 2045 §6.4: treat as application/octet-stream


def _encapsulated(ctx: ParseContext, entity: Entity, depth: int, *, utf8: bool) -> None:
    """The message a message/rfc822 or message/global body holds; in message/global its
    header fields may carry UTF-8 (RFC 6532 §3.7).  An encoded message/global (§3.7
    allows it) is kept as a decoded leaf: its octets are not those of this message."""
    outer, ctx.utf8 = ctx.utf8, utf8
    try:
        entity.message = _entity(
            ctx, entity.body_offset, entity.end, depth=depth + 1, default=_TEXT_PLAIN, message=True
        )
    finally:
        ctx.utf8 = outer
    entity.body = entity.raw_body


def _split(ctx: ParseContext, entity: Entity, depth: int) -> None:
    boundary = entity.content_type.params["boundary"]
    split = split_multipart(ctx, boundary, entity.body_offset, entity.end)
    default = _RFC822 if entity.content_type.sub == "digest" else _TEXT_PLAIN  # RFC 2046 §5.1.5
    entity.parts = [
        _entity(ctx, s, e, depth=depth + 1, default=default, message=False) for s, e in split.parts
    ]
    entity.preamble = ctx.raw[split.preamble[0] : split.preamble[1]]
    entity.epilogue = ctx.raw[split.epilogue[0] : split.epilogue[1]]
    entity.body = entity.raw_body


def _content_type(ctx: ParseContext, fields: list[HeaderField], default: MimeValue) -> MimeValue:
    """The effective Content-Type: the field's, or the default when absent or invalid (§5.2)."""
    header = next((f for f in fields if f.key == "content-type"), None)
    if header is None:
        return default
    value = _parse_field(ctx, header, subtype=True)
    if value is None:
        return _TEXT_PLAIN
    if value.main == "multipart":
        boundary = value.params.get("boundary")
        if boundary is None:
            ctx.report(_K.BOUNDARY_MISSING, header.offset, header.text)
            return _TEXT_PLAIN
        if not boundary_is_valid(boundary):
            ctx.report(_K.BOUNDARY_SYNTAX, header.offset, boundary)
            if not boundary:
                return _TEXT_PLAIN
    return value


def _disposition(ctx: ParseContext, fields: list[HeaderField]) -> MimeValue | None:
    header = next((f for f in fields if f.key == "content-disposition"), None)
    return None if header is None else _parse_field(ctx, header, subtype=False)


def _parse_field(ctx: ParseContext, header: HeaderField, *, subtype: bool) -> MimeValue | None:
    text = header.value.decode("utf-8", "surrogateescape")
    value, issues = parse_mime_value(text, subtype=subtype)
    for kind, why in issues:
        ctx.report(kind, header.offset, f"{header.name}: {why}")
    return value


def _transfer_encoding(ctx: ParseContext, fields: list[HeaderField]) -> str:
    header = next((f for f in fields if f.key == "content-transfer-encoding"), None)
    if header is None:
        return "7bit"  # RFC 2045 §6.1
    encoding = header.text.lower()
    if encoding not in KNOWN_ENCODINGS and not encoding.startswith("x-"):
        ctx.report(_K.CTE_UNKNOWN, header.offset, header.text)
    return encoding


def _check_mime_version(ctx: ParseContext, fields: list[HeaderField]) -> None:
    """RFC 2045 §4: a MIME message carries MIME-Version at its top level."""
    keys = {f.key for f in fields}
    if "mime-version" not in keys and keys & {"content-type", "content-transfer-encoding"}:
        ctx.report(_K.MIME_VERSION_MISSING, fields[0].offset)
