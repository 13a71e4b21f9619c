"""Octets from a peer shown as text that cannot move a cursor or fool a reader.

CR, LF, TAB and backslash become ``\\r`` ``\\n`` ``\\t`` ``\\\\``; every other octet
outside printable US-ASCII becomes ``\\xNN``.  The result is printable ASCII, so a
peer's escape sequences (ESC, C1 controls) never reach a terminal or a report raw.
"""

from __future__ import annotations

import re

__all__ = ["escape_octets"]

_ESCAPES = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x5C: "\\\\"}
_TABLE = [_ESCAPES.get(b, chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in range(256)]
_PLAIN = re.compile(rb"[\x20-\x5b\x5d-\x7e]*")


def escape_octets(data: bytes) -> str:
    """Render octets as unambiguous printable text."""
    if _PLAIN.fullmatch(data):
        return data.decode("ascii")
    return "".join(_TABLE[b] for b in data)
