"""The receive buffer every sans-IO core reads from: whole lines, or counted octets.

Line framing is the same in SMTP, POP3, POP2 and IMAP: CRLF ends a line (RFC 5321 §2.3.8,
RFC 1939 §3, RFC 9051 §2.2), and a peer that sends more than a line may hold must not make
the buffer grow without bound.  Counted octets are what BDAT chunks (RFC 3030 §2) and IMAP
literals (RFC 9051 §4.3) carry: they are taken by count, never searched for line ends.
Lines are found with ``bytearray.find`` over the buffer, never with a per-octet loop.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Line", "ReceiveBuffer"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line without its CRLF.  ``too_long``: it exceeded the caller's limit, and
    its start was discarded; ``content`` then holds only what remained of it."""

    content: bytes
    too_long: bool


class ReceiveBuffer:
    """Octets received and not yet consumed."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._discarding = False

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def __bytes__(self) -> bytes:
        """A copy of what is buffered, leaving it in place."""
        return bytes(self._data)

    @property
    def discarding(self) -> bool:
        """A line is running past its limit and being thrown away as it arrives."""
        return self._discarding

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        self._data += data

    def clear(self) -> None:
        """Forget everything buffered (after STARTTLS, RFC 3207 §4.2; on close)."""
        self._data.clear()
        self._discarding = False

    def extract_line(self, limit: int) -> Line | None:
        """The next CRLF-ended line, or None until one is complete.

        ``limit`` counts the CRLF.  Past it the buffered octets are dropped as they come
        (all but the last, which may be the CR of the CRLF), so a runaway line costs at
        most ``limit`` octets of memory; when its CRLF arrives it is returned too long.
        """
        end = self._data.find(b"\r\n")
        if end < 0:
            if len(self._data) > limit:
                del self._data[:-1]
                self._discarding = True
            return None
        content = bytes(self._data[:end])
        del self._data[: end + 2]
        too_long = self._discarding or end + 2 > limit
        self._discarding = False
        return Line(content=content, too_long=too_long)

    def extract_at_most(self, count: int) -> bytes:
        """Up to ``count`` octets from the front (fewer when fewer are buffered)."""
        taken = bytes(self._data[:count])
        del self._data[:count]
        return taken

    def peek(self, count: int) -> bytes:
        """A copy of up to ``count`` octets from the front, leaving them in place."""
        return bytes(self._data[:count])

    def extract_all(self) -> bytes:
        taken = bytes(self._data)
        self._data.clear()
        return taken

    def unread(self, data: bytes) -> None:
        """Put octets back in front: what a reader took but did not use."""
        self._data[:0] = data
