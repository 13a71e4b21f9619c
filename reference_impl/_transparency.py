"""Text transparency with bulk bytes operations: SMTP's mail data (RFC 5321 §4.5.2) and
POP3's multi-line responses (RFC 1939 §3) end at a line holding one period, and a line
that starts with a period gets one more.  One module, so both protocols (and both sides
of each) stuff and unstuff by the same contract.

Nothing here walks the data line by line in Python: terminators are found
with ``bytes.find``, (un)stuffing is one ``replace`` over the whole message,
and line checks are single split or count passes, all in C.
"""

from __future__ import annotations

__all__ = [
    "END_OF_DATA",
    "DataAccumulator",
    "dot_stuff",
    "dot_unstuff",
    "has_bare_line_end",
    "longest_line_exceeds",
]

# §4.1.1.4: the mail data is terminated by a line containing only a period,
# i.e. <CRLF>.<CRLF>; the first CRLF ends the last text line.
END_OF_DATA = b"\r\n.\r\n"


def dot_stuff(content: bytes) -> bytes:
    """Client side of §4.5.2: double a period that starts a line.

    ``content`` is a message in CRLF form; the result does not include the
    terminator, and ends with CRLF so the terminator can follow directly.
    """
    stuffed = b"\r\n" + content
    stuffed = stuffed.replace(b"\r\n.", b"\r\n..")[2:]
    if stuffed and not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed


def dot_unstuff(stuffed: bytes) -> bytes:
    """Server side of §4.5.2: delete the first period of each line that has one.

    ``stuffed`` is the received data up to and including the CRLF that ends
    the last line (the ``.CRLF`` terminator excluded).
    """
    return (b"\r\n" + stuffed).replace(b"\r\n.", b"\r\n")[2:]


def has_bare_line_end(content: bytes) -> bool:
    """True if CR or LF occurs other than as part of CRLF (§2.3.8)."""
    pairs = content.count(b"\r\n")
    return content.count(b"\r") != pairs or content.count(b"\n") != pairs


def longest_line_exceeds(content: bytes, limit: int) -> bool:
    """True if some line, counting its CRLF, is longer than ``limit`` octets.

    A line of ``limit`` octets holds ``limit - 1`` octets other than LF (its
    text and the CR), so one more than that is too long.
    """
    # Splitting is one C pass: a regex over the message cost ten times as much (and
    # unanchored, it rescanned each line from every octet).
    return max(map(len, content.split(b"\n"))) >= limit


class DataAccumulator:
    """Collects DATA octets until ``<CRLF>.<CRLF>``.

    The received text starts right after the CRLF of the DATA command, so a
    virtual CRLF is kept in front: an immediate ``.CRLF`` is then an empty
    message and a leading ``..`` is unstuffed like any other line.  Past
    ``max_size`` octets the data is no longer kept (only scanned for the
    terminator), so an oversized message cannot exhaust memory.
    """

    def __init__(self, *, max_size: int) -> None:
        self._buffer = bytearray(b"\r\n")
        self._max_size = max_size
        self._dropped = 0  # octets discarded after the size limit was passed

    @property
    def oversized(self) -> bool:
        return self._dropped > 0

    def feed(self, data: bytes | bytearray) -> tuple[bytes, bytes] | None:
        """Add octets; on end of data return ``(stuffed_content, leftover)``.

        ``stuffed_content`` is the data as received, including the CRLF ending
        the last line and excluding ``.CRLF``; ``leftover`` is what followed the
        terminator (pipelined commands).
        """
        search_from = max(0, len(self._buffer) - len(END_OF_DATA) + 1)
        self._buffer += data
        end = self._buffer.find(END_OF_DATA, search_from)
        if end < 0:
            self._drop_excess()
            return None
        content = bytes(self._buffer[2 : end + 2])
        leftover = bytes(self._buffer[end + len(END_OF_DATA) :])
        return content, leftover

    def _drop_excess(self) -> None:
        # Keep the tail that could start a terminator split across reads.
        excess = len(self._buffer) - 2 - self._max_size
        if excess > len(END_OF_DATA):
            keep_from = len(self._buffer) - len(END_OF_DATA)
            self._dropped += keep_from - 2
            del self._buffer[2:keep_from]
            # The virtual CRLF must not pair with the kept tail into a false
            # terminator: the content is refused anyway once oversized.
            self._buffer[0:2] = b"\0\0"
