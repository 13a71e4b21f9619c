"""The value type IMAP data is built from, and its wire form.

``ImapValue`` is what a FETCH item, an ENVELOPE or a BODYSTRUCTURE is made of
(RFC 9051 §4): ``None`` is NIL, an ``int`` a number, ``bytes`` a string and a ``list`` a
parenthesized list.  The MIME code produces ENVELOPE and BODYSTRUCTURE in this same type,
so one serializer writes both.
"""

from __future__ import annotations

import re

__all__ = [
    "ImapValue",
    "astring",
    "compress_set",
    "literal",
    "nstring",
    "quoted",
    "serialize",
    "string",
]

ImapValue = None | int | bytes | list["ImapValue"]

# RFC 9051 §9: QUOTED-CHAR is any TEXT-CHAR but DQUOTE and "\" (those two are escaped);
# TEXT-CHAR excludes CR and LF, and CHAR is 7-bit, so anything else goes as a literal.
_QUOTABLE = re.compile(rb"[\x01-\x09\x0b\x0c\x0e-\x7f]*\Z")
# RFC 9051 §9: under IMAP4rev2 QUOTED-CHAR also takes UTF-8 (UTF8-2 / UTF8-3 / UTF8-4).
_QUOTABLE_8BIT = re.compile(rb"[\x01-\x09\x0b\x0c\x0e-\xff]*\Z")
# RFC 9051 §9: ASTRING-CHAR = ATOM-CHAR / "]"; an empty string is never an atom.
_ATOM = re.compile(rb"[^(){ %*\"\\\x00-\x1f\x7f-\xff]+\Z")
_QUOTE_ESCAPES = re.compile(rb'(["\\])')
# Quoting long strings gains nothing and risks line-length limits on the peer (RFC 2683
# §3.2.1.5): beyond this they go as literals.
_MAX_QUOTED = 1024


def quoted(data: bytes) -> bytes:
    """``data`` as a quoted string; the caller checked it is quotable."""
    return b'"' + _QUOTE_ESCAPES.sub(rb"\\\1", data) + b'"'


def literal(data: bytes, *, non_synchronizing: bool = False) -> bytes:
    """``data`` as a literal (RFC 9051 §4.3); ``{n+}`` is RFC 7888's form."""
    plus = b"+" if non_synchronizing else b""
    return b"{%d%s}\r\n" % (len(data), plus) + data


def string(data: bytes, *, utf8: bool = False) -> bytes:
    """A quoted string when that is possible, else a literal; ``utf8``: UTF-8 may be
    quoted (IMAP4rev2)."""
    if len(data) <= _MAX_QUOTED and (_QUOTABLE.match(data) or (utf8 and _is_utf8(data))):
        return quoted(data)
    return literal(data)


def _is_utf8(data: bytes) -> bool:
    if not _QUOTABLE_8BIT.match(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def nstring(data: bytes | None) -> bytes:
    return b"NIL" if data is None else string(data)


def astring(data: bytes, *, utf8: bool = False) -> bytes:
    """An atom when ``data`` is one (and not NIL, which would read as nothing), else a
    string: how mailbox names and flags in responses read best."""
    if _ATOM.match(data) and data.upper() != b"NIL":
        return data
    return string(data, utf8=utf8)


def serialize(value: ImapValue) -> bytes:
    """The wire form of ``value``."""
    if value is None:
        return b"NIL"
    if isinstance(value, bool):
        raise TypeError("a bool is not an IMAP value")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("IMAP numbers are unsigned")
        return b"%d" % value
    if isinstance(value, bytes):
        return string(value)
    return b"(" + b" ".join(serialize(item) for item in value) + b")"


def compress_set(numbers: list[int]) -> bytes:
    """``numbers`` as a sequence-set with runs as ranges: 1,2,3,7 -> ``1:3,7`` (RFC 9051 §9)."""
    pieces: list[bytes] = []
    ordered = sorted(set(numbers))
    start = 0
    for index in range(1, len(ordered) + 1):
        if index == len(ordered) or ordered[index] != ordered[index - 1] + 1:
            low, high = ordered[start], ordered[index - 1]
            pieces.append(b"%d" % low if low == high else b"%d:%d" % (low, high))
            start = index
    return b",".join(pieces)
