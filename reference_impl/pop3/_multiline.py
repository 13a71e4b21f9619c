"""Multi-line POP3 responses (RFC 1939 §3) with bulk bytes operations.

"Each line is terminated by a CRLF pair.  If any line of the multi-line
response begins with the termination octet, the line is 'byte-stuffed' by
pre-pending the termination octet to that line."  That is the transparency
rule of SMTP (RFC 5321 §4.5.2): reference_impl._transparency serves both.
"""

from __future__ import annotations

from reference_impl._transparency import dot_stuff, dot_unstuff
from reference_impl.mime import body_offset

__all__ = ["TERMINATOR", "dot_stuff", "dot_unstuff", "multiline", "top_of_message"]

TERMINATOR = b".\r\n"


def multiline(first_line: bytes, body: bytes) -> bytes:
    """``first_line`` (with its CRLF), the stuffed ``body`` and the terminator."""
    return first_line + dot_stuff(body) + TERMINATOR


def top_of_message(message: bytes, lines: int) -> bytes:
    """The header, the blank line and the first ``lines`` body lines (RFC 1939 §7 TOP)."""
    end = body_offset(message)
    if end >= len(message):
        return message  # no body: the whole message is header
    if lines >= message.count(b"\r\n", end):
        return message  # all of the body: skip the line walk
    for _ in range(lines):
        next_end = message.find(b"\r\n", end)
        if next_end < 0:
            return message
        end = next_end + 2
    return message[:end]
