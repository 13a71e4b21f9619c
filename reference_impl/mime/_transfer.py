"""Content-Transfer-Encoding: whether a body obeys its encoding, and the body decoded.

Checks run as regex searches over the whole body (RFC 2045 §2.7, §6.7, §6.8); decoding uses
``binascii``, which is lenient where RFC 2045 tells decoders to be (§6.7 note 3, §6.8: ignore
characters outside the alphabet).
"""

from __future__ import annotations

import binascii
import re

from reference_impl.mime._context import ParseContext
from reference_impl.mime._kinds import MimeDefectKind

__all__ = ["IDENTITY_ENCODINGS", "KNOWN_ENCODINGS", "check_and_decode"]

_K = MimeDefectKind
IDENTITY_ENCODINGS = frozenset({"7bit", "8bit", "binary"})
KNOWN_ENCODINGS = IDENTITY_ENCODINGS | {"quoted-printable", "base64"}
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")
_LONG_76 = re.compile(rb"[^\r\n]{77,}")
_QP_BAD_ESCAPE = re.compile(rb"=(?![0-9A-Fa-f]{2})(?![ \t]*(?:\r?\n|\Z))")
_QP_LOWER_HEX = re.compile(rb"=(?:[a-f][0-9A-Fa-f]|[0-9A-F][a-f])")
_QP_LITERAL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]")
_QP_TRAILING_SPACE = re.compile(rb"[ \t]+(?=\r?\n|\Z)")
_B64_OUTSIDE = re.compile(rb"[^A-Za-z0-9+/=\r\n]")
_B64_STRIP = re.compile(rb"[^A-Za-z0-9+/=]")
_B64_WHOLE = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def check_and_decode(ctx: ParseContext, encoding: str, start: int, end: int) -> bytes:
    """The body between ``start`` and ``end`` decoded per ``encoding``, its faults reported."""
    body = ctx.raw[start:end]
    if encoding == "quoted-printable":
        _check_quoted_printable(ctx, body, start)
        return binascii.a2b_qp(body)
    if encoding == "base64":
        return _base64(ctx, body, start)
    if encoding == "7bit":
        found = _EIGHT_BIT.search(body)
        if found:
            ctx.report(_K.BODY_8BIT_IN_7BIT, start + found.start(), _around(body, found.start()))
    return body


def _around(body: bytes, at: int) -> bytes:
    return body[at : at + 40]


def _check_quoted_printable(ctx: ParseContext, body: bytes, start: int) -> None:
    checks = (
        (_LONG_76, _K.QP_LINE_TOO_LONG),
        (_QP_BAD_ESCAPE, _K.QP_BAD_ESCAPE),
        (_QP_LOWER_HEX, _K.QP_LOWERCASE_HEX),
        (_QP_LITERAL, _K.QP_LITERAL_OCTET),
        (_QP_TRAILING_SPACE, _K.QP_TRAILING_SPACE),
    )
    for pattern, kind in checks:
        for found in pattern.finditer(body):
            ctx.report(kind, start + found.start(), _around(body, found.start()))


def _base64(ctx: ParseContext, body: bytes, start: int) -> bytes:
    for found in _LONG_76.finditer(body):
        ctx.report(_K.BASE64_LINE_TOO_LONG, start + found.start(), found.group())
    outside = _B64_OUTSIDE.search(body)
    if outside:
        ctx.report(_K.BASE64_BAD_CHAR, start + outside.start(), _around(body, outside.start()))
    data = _B64_STRIP.sub(b"", body)
    if not _B64_WHOLE.fullmatch(data):
        ctx.report(_K.BASE64_BAD_PADDING, start, data[-20:])
        data = data.replace(b"=", b"")
        data = data[: len(data) - len(data) % 4 if len(data) % 4 == 1 else len(data)]
        data += b"=" * (-len(data) % 4)
    return binascii.a2b_base64(data)
