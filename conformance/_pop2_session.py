"""A blocking POP2 (RFC 937) client for conformance tests: every octet recorded, every
read bounded.

Replies are parsed by the reference parser but never judged here: a reply whose first
character is none of "+", "-", "#", "=" comes back with ``kind`` None for the test to
fail on.  Message data after RETR is read by count (the "=CCC" length), as RFC 937
page 5 defines it, so a server that sends more or fewer octets is visible.  Commands RFC
937's client decision table allows go through the reference client core; anything else
(a command out of sequence, one after garbage) goes raw, saying what it earns.
"""

from __future__ import annotations

import collections
import socket
import time
from collections.abc import Callable

from reference_impl.pop2 import ClientConnection, Command, Reply, ReplyKind, quote
from reference_impl.pop2._client import ClientEvent, MessageReceived

from ._errors import TargetFramingError, TargetReplyTooLarge
from ._guard import TargetGuard
from ._targets import Target
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
        target: Target,
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
        self._core = ClientConnection()
        self._events: collections.deque[ClientEvent] = collections.deque()

    def _read_first(self) -> Reply:
        return self.read_reply()

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
        event = self._next(timeout, f"without replying to {self._last_command}")
        if isinstance(event, MessageReceived):
            raise TargetFramingError(
                f"{self.target.url} sent message data where a reply was due "
                f"({quoted(event.data)}; RFC 937: data follows RETR only)"
            )
        reply = event.reply
        if reply.kind is ReplyKind.COUNT:
            self.count = reply.number
        elif reply.kind is ReplyKind.LENGTH:
            self.length = reply.number
        return reply

    def read_data(self, length: int, timeout: float | None = None) -> bytes:
        """Read exactly ``length`` octets of message data (the core counts them)."""
        if length == 0:
            return b""
        event = self._next(
            timeout, f"after {len(self._core.pending)} of the {length} octets announced"
        )
        if not isinstance(event, MessageReceived):
            raise TargetFramingError(
                f"{self.target.url} sent a reply where message data was due: {event.reply}"
            )
        return event.data

    @property
    def pending(self) -> bytes:
        """Octets received and not yet read as a reply or as data."""
        return self._core.pending

    def _next(self, timeout: float | None, what: str) -> ClientEvent:
        limit = self.timeout if timeout is None else timeout
        end = time.monotonic() + limit
        while not self._events:
            if (
                len(self._core.pending) > self.guard.limits.max_reply_octets
                and not self._core.ready
            ):
                bound = self.guard.limits.max_reply_octets
                self._abandon(TargetReplyTooLarge(f"reply exceeds {bound} octets"))
            if time.monotonic() >= end:
                self._timed_out(limit, self._core.pending)
            if not self._receive(end):
                self._closed_by_target(what, self._core.pending)
        self._answered()
        return self._events.popleft()

    def _forget_received(self) -> None:
        self._core.discard()
        self._events.clear()

    def _feed(self, data: bytes) -> None:
        self._core.receive_data(data)
        while (event := self._core.next_event()) is not None:
            if not isinstance(event, MessageReceived):
                self._saw(event.reply.defects)
            self._events.append(event)

    def _unasked(self) -> bytes:
        return b"".join(_octets(event) for event in self._events) + self._core.pending

    # -- commands (RFC 937 pages 7-10) -------------------------------------------------------

    def command(self, line: str | bytes, *, timeout: float | None = None) -> Reply:
        """Send one command line (CRLF appended), as given, and read one reply line."""
        raw = line.encode("utf-8") if isinstance(line, str) else line
        return self._exchange(lambda: self._core.raw(raw + b"\r\n", replies=1), timeout)

    def _typed(self, command: Command, argument: bytes | None = None) -> Reply:
        """``command`` framed by the core when RFC 937's client table allows it now,
        else as raw octets earning one reply (the test is probing the server)."""
        if self._core.may_send(command):
            return self._exchange(lambda: self._core.frame(command, argument), None)
        line = command.value.encode() + (b"" if argument is None else b" " + argument)
        return self.command(line)

    def _exchange(self, frame: Callable[[], bytes], timeout: float | None) -> Reply:
        self._usable("send a command")  # a closed session says so before the core is asked
        self._send_command(frame())
        reply = self.read_reply(timeout)
        self._check_unasked(f"with the reply to {self._last_command}")
        return reply

    def send_raw(self, data: bytes, *, replies: int) -> None:
        """Send ``data`` exactly as given (a command out of sequence, a malformed one).
        ``replies`` is how many reply lines a conforming server gives to it."""
        self._usable("send a command")
        self._send_raw(self._core.raw(data, replies=replies))

    def helo(self, user: str, password: str) -> Reply:
        """HELO with both arguments quoted (page 6: back-slash before space and itself)."""
        return self._typed(Command.HELO, quote(user.encode()) + b" " + quote(password.encode()))

    def fold(self, mailbox: str) -> Reply:
        return self._typed(Command.FOLD, quote(mailbox.encode()))

    def read(self, number: int | None = None) -> Reply:
        return self._typed(Command.READ, None if number is None else str(number).encode())

    def retr(self, length: int | None = None, *, timeout: float | None = None) -> bytes:
        """RETR, then exactly ``length`` octets (default: the last "=CCC")."""
        count = self.length if length is None else length
        if count is None:
            raise ValueError("RETR needs a length: no =CCC reply was read")
        self._usable("send RETR")
        if self._core.may_send(Command.RETR) and count == self._core.length and count:
            self._send_command(self._core.retr())
        else:  # the caller's own count, or RETR out of sequence: the data taken as it comes
            self._send_command(self._core.raw(b"RETR\r\n", replies=0, octets=count))
        limit = self.guard.limits.max_multiline_octets
        if count > limit:  # the "=CCC" a target announced is no licence to fill memory
            self._abandon(TargetReplyTooLarge(f"reply exceeds {limit} octets ({count} announced)"))
        return self.read_data(count, timeout)

    def acks(self) -> Reply:
        return self._typed(Command.ACKS)

    def ackd(self) -> Reply:
        return self._typed(Command.ACKD)

    def nack(self) -> Reply:
        return self._typed(Command.NACK)

    def quit(self) -> Reply:
        """QUIT; the connection is left for ``expect_closed`` to observe."""
        return self._typed(Command.QUIT)


def _octets(event: ClientEvent) -> bytes:
    return event.data if isinstance(event, MessageReceived) else event.reply.raw
