"""Modified UTF-7 mailbox names (RFC 3501 §5.1.3), the IMAP4rev1 wire form of
non-ASCII names; IMAP4rev2 and UTF8=ACCEPT sessions use UTF-8 instead (RFC 9051 §5.1).

Printable US-ASCII except "&" stands for itself; "&" is "&-"; other characters are
UTF-16 in modified base64 ("," for "/", no padding) between "&" and "-".
"""

from __future__ import annotations

import base64
import re

__all__ = ["decode_mutf7", "encode_mutf7"]

# RFC 3501 §5.1.3: printable US-ASCII is 0x20-0x7e; "&" starts a shift.
_PLAIN = re.compile(r"[\x20-\x25\x27-\x7e]+")
_RUN = re.compile(rb"&([A-Za-z0-9+,]*)-")
_WIRE = re.compile(rb"[\x20-\x7e]*\Z")


def encode_mutf7(name: str) -> bytes:
    out: list[bytes] = []
    position = 0
    for plain in _PLAIN.finditer(name):
        out.append(_shifted(name[position : plain.start()]))
        out.append(plain.group().encode("ascii"))
        position = plain.end()
    out.append(_shifted(name[position:]))
    return b"".join(out)


def _shifted(text: str) -> bytes:
    """A run of characters that cannot stand for themselves ("&" among them)."""
    if "&" in text:
        return b"&-".join(_shifted(piece) for piece in text.split("&"))
    if not text:
        return b""
    encoded = base64.b64encode(text.encode("utf-16-be")).rstrip(b"=").replace(b"/", b",")
    return b"&" + encoded + b"-"


def decode_mutf7(wire: bytes) -> str | None:
    """The name ``wire`` stands for, or None when it is not valid modified UTF-7
    (8-bit octets, a bad base64 run, or a run encoding printable ASCII, which
    §5.1.3 forbids)."""
    if not _WIRE.match(wire):
        return None
    out: list[str] = []
    position = 0
    for run in _RUN.finditer(wire):
        plain = wire[position : run.start()]
        if b"&" in plain:
            return None
        out.append(plain.decode("ascii"))
        decoded = _unshift(run.group(1))
        if decoded is None:
            return None
        out.append(decoded)
        position = run.end()
    rest = wire[position:]
    if b"&" in rest:
        return None
    out.append(rest.decode("ascii"))
    name = "".join(out)
    # RFC 3501 §5.1.3: one form per name, so "superfluous shifts" such as
    # "&U,BTFw-&ZeVnLIqe-" (two runs where one would do) are not permitted.
    return name if encode_mutf7(name) == wire else None


def _unshift(encoded: bytes) -> str | None:
    if not encoded:
        return "&"
    padded = encoded.replace(b",", b"/") + b"=" * (-len(encoded) % 4)
    try:
        text = base64.b64decode(padded, validate=True).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return None
    if encode_mutf7(text) != b"&" + encoded + b"-":
        return None  # not the one shortest form the RFC allows
    return text
