"""A blocking POP2 (RFC 937) client for conformance tests: every octet recorded, every
read bounded.

Replies are parsed by the reference parser but never judged here: a reply whose first
character is none of "+", "-", "#", "=" comes back with ``kind`` None for the test to
fail on.  Message data after RETR is read by count (the "=CCC" length), as RFC 937
page 5 defines it, so a server that sends more or fewer octets is visible.
"""

from __future__ import annotations

import socket
import time

from reference_impl.pop2 import Reply, ReplyKind, parse_reply, quote

from ._errors import TargetReplyTooLarge
from ._guard import TargetGuard
from ._targets import Pop2Target
from ._transcript import Transcript
from ._wire import DEFAULT_TIMEOUT, WireSession, quoted

__all__ = ["Pop2Session"]


class Pop2Session(WireSession[Reply]):
    """One POP2 connection.  Create with ``Pop2Session.connect`` (reads the greeting)."""

    protocol = "pop2"
    line_rule = "RFC 937: every reply is one line ended by CRLF"
    reply_rule = "RFC 937: the server answers each command with one reply (RETR: the data)"

    def __init__(
        self,
        sock: socket.socket,
        *,
        target: Pop2Target,
        transcript: Transcript,
        label: str,
        timeout: float = DEFAULT_TIMEOUT,
        guard: TargetGuard | None = None,
    ) -> None:
        super().__init__(
            sock, target=target, transcript=transcript, label=label, timeout=timeout, guard=guard
        )
        self.count: int | None = None  # from the last "#NNN" reply
        self.length: int | None = None  # from the last "=CCC" reply
        self._buffer = bytearray()

    @classmethod
    def connect(
        cls,
        target: Pop2Target,
        *,
        transcript: Transcript | None = None,
        label: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        read_greeting: bool = True,
        guard: TargetGuard | None = None,
    ) -> Pop2Session:
        """Open a TCP connection and, by default, read the greeting."""
        session = cls._open(
            target, transcript=transcript, label=label, timeout=timeout, guard=guard
        )
        if read_greeting:
            session._read_greeting(session.read_reply)
        return session

    def _malformed_greeting(self, greeting: Reply) -> str | None:
        if greeting.kind is None:
            return (
                f"the greeting from {self.target.url} is not a reply: {quoted(greeting.raw)} "
                '(RFC 937: replies start with "+", "-", "#" or "=")'
            )
        return None

    # -- reading replies and data -----------------------------------------------------------

    def read_reply(self, timeout: float | None = None) -> Reply:
        """Read one reply line (to CRLF), waiting at most ``timeout``."""
        deadline = self._deadline(timeout)
        while (parsed := parse_reply(self._buffer)) is None:
            if len(self._buffer) > self.guard.limits.max_reply_octets:
                limit = self.guard.limits.max_reply_octets
                self._abandon(TargetReplyTooLarge(f"reply exceeds {limit} octets"))
            self._fill(deadline, f"without replying to {self._last_command}")
        reply, rest = parsed
        self._buffer[:] = rest
        self._answered()
        self._saw(reply.defects)
        if reply.kind is ReplyKind.COUNT:
            self.count = reply.number
        elif reply.kind is ReplyKind.LENGTH:
            self.length = reply.number
        return reply

    def read_data(self, length: int, timeout: float | None = None) -> bytes:
        """Read exactly ``length`` octets of message data."""
        limit = self.guard.limits.max_multiline_octets
        if length > limit:  # the "=CCC" a target announced is no licence to fill memory
            self._abandon(TargetReplyTooLarge(f"reply exceeds {limit} octets ({length} announced)"))
        deadline = self._deadline(timeout)
        while len(self._buffer) < length:
            self._fill(deadline, f"after {len(self._buffer)} of the {length} octets announced")
        data = bytes(self._buffer[:length])
        del self._buffer[:length]
        self._answered()
        return data

    @property
    def pending(self) -> bytes:
        """Octets received and not yet read as a reply or as data."""
        return bytes(self._buffer)

    def _deadline(self, timeout: float | None) -> tuple[float, float]:
        limit = self.timeout if timeout is None else timeout
        return time.monotonic() + limit, limit

    def _fill(self, deadline: tuple[float, float], what: str) -> None:
        """Receive one chunk; raise on the deadline or when the target closed."""
        end, limit = deadline
        if time.monotonic() >= end:
            self._timed_out(limit, bytes(self._buffer))
        if not self._receive(end):
            self._closed_by_target(what, bytes(self._buffer))

    def _forget_received(self) -> None:
        self._buffer.clear()

    def _feed(self, data: bytes) -> None:
        self._buffer += data

    def _unasked(self) -> bytes:
        return bytes(self._buffer)

    # -- commands (RFC 937 pages 7-10) -------------------------------------------------------

    def command(self, line: str | bytes, *, timeout: float | None = None) -> Reply:
        """Send one command line (CRLF appended) and read one reply line."""
        raw = line.encode("utf-8") if isinstance(line, str) else line
        self._send_command(raw + b"\r\n")
        reply = self.read_reply(timeout)
        self._check_unasked(f"with the reply to {self._last_command}")
        return reply

    def send_raw(self, data: bytes) -> None:
        """Send ``data`` exactly as given (a command out of sequence, a malformed one);
        the test reads and judges what it earns."""
        self._send_raw(data)

    def helo(self, user: str, password: str) -> Reply:
        """HELO with both arguments quoted (page 6: back-slash before space and itself)."""
        return self.command(b"HELO " + quote(user.encode()) + b" " + quote(password.encode()))

    def fold(self, mailbox: str) -> Reply:
        return self.command(b"FOLD " + quote(mailbox.encode()))

    def read(self, number: int | None = None) -> Reply:
        return self.command("READ" if number is None else f"READ {number}")

    def retr(self, length: int | None = None, *, timeout: float | None = None) -> bytes:
        """RETR, then exactly ``length`` octets (default: the last "=CCC")."""
        count = self.length if length is None else length
        if count is None:
            raise ValueError("RETR needs a length: no =CCC reply was read")
        self._send_command(b"RETR\r\n")
        return self.read_data(count, timeout)

    def acks(self) -> Reply:
        return self.command("ACKS")

    def ackd(self) -> Reply:
        return self.command("ACKD")

    def nack(self) -> Reply:
        return self.command("NACK")

    def quit(self) -> Reply:
        """QUIT; the connection is left for ``expect_closed`` to observe."""
        return self.command("QUIT")
