"""The sans-IO POP2 client (RFC 937): commands in, bytes out; bytes in, events out.

The client's state names the reply it waits for (client state diagram, page 17).
Once that reply has arrived (``ready``) the next command is chosen from
``CLIENT_TRANSITIONS``; anything but the awaited reply is garbage, after which only
QUIT may be sent (client decision table action 1).  After RETR the next ``=CCC``
octets are message data, counted, never scanned for a terminator (page 5).
What breaks RFC 937 in a reply is a ``Defect`` handled by the core's ``DefectPolicy``
(recorded on the event by default, raised as ``DefectError`` when strict); a "-"
refusal is an answer the protocol allows, not a defect.  A harness may send octets
past the framing on purpose (``raw``), saying how many replies and octets of data they
earn; after them only QUIT is framed.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, replace

from reference_impl._defects import RECORD, Defect, DefectPolicy
from reference_impl._transitions import LocalProtocolError, next_state
from reference_impl.pop2._replies import Pop2DefectKind, Reply, ReplyKind, parse_reply
from reference_impl.pop2._states import (
    CLIENT_TRANSITIONS,
    ClientEnd,
    ClientState,
    ClientStep,
    Command,
)
from reference_impl.pop2._syntax import quote

__all__ = [
    "ClientConnection",
    "ClientEvent",
    "LocalProtocolError",
    "MessageReceived",
    "ReplyReceived",
    "UnexpectedReply",
]

# The reply each waiting state expects (client decision table, page 20).
_EXPECTED: dict[ClientState, ReplyKind] = {
    ClientState.CALL: ReplyKind.OK,
    ClientState.NMBR: ReplyKind.COUNT,
    ClientState.SIZE: ReplyKind.LENGTH,
    ClientState.EXIT: ReplyKind.OK,
}


@dataclass(frozen=True, kw_only=True)
class ReplyReceived:
    """The reply the client was waiting for (the greeting, #NNN, =CCC or + to QUIT)."""

    reply: Reply


@dataclass(frozen=True, kw_only=True)
class MessageReceived:
    """The ``=CCC`` octets of message data that follow RETR."""

    data: bytes


@dataclass(frozen=True, kw_only=True)
class UnexpectedReply:
    """Anything else ("This is garbage", action 1): only QUIT may follow.  ``defect``
    is None for a "-" refusal, which the protocol allows."""

    reply: Reply
    expected: str
    defect: Defect | None = None


ClientEvent = ReplyReceived | MessageReceived | UnexpectedReply


def _expected_text(state: ClientState) -> str:
    if state is ClientState.CALL:
        return '"+ POP2 <host>"'
    kind = _EXPECTED.get(state)
    return f'"{kind.value}"' if kind is not None else "nothing"


class ClientConnection:
    def __init__(self, *, policy: DefectPolicy = RECORD) -> None:
        self.policy = policy
        self.state = ClientState.CALL
        self.ready = False  # the reply ``state`` waits for has arrived
        self.count: int | None = None  # from the last "#NNN"
        self.length: int | None = None  # from the last "=CCC"
        self._garbled = False
        self._raw_replies = 0  # replies still owed to raw octets
        self._raw_octets = 0  # octets of message data owed to raw octets, before them
        self._buffer = bytearray()
        self._events: collections.deque[ClientEvent] = collections.deque()

    # -- commands ---------------------------------------------------------------

    def helo(self, user: str, password: str) -> bytes:
        return self._send(Command.HELO, quote(user.encode()) + b" " + quote(password.encode()))

    def fold(self, mailbox: str) -> bytes:
        return self._send(Command.FOLD, quote(mailbox.encode()))

    def read(self, number: int | None = None) -> bytes:
        return self._send(Command.READ, None if number is None else str(number).encode())

    def retr(self) -> bytes:
        if self.length == 0:
            # READ (page 7): "Do not attempt to RETR a message of zero characters."
            raise LocalProtocolError("RETR after =0: the message does not exist")
        return self._send(Command.RETR)

    def acks(self) -> bytes:
        return self._send(Command.ACKS)

    def ackd(self) -> bytes:
        return self._send(Command.ACKD)

    def nack(self) -> bytes:
        return self._send(Command.NACK)

    def quit(self) -> bytes:
        return self._send(Command.QUIT)

    def may_send(self, command: Command) -> bool:
        """Whether RFC 937's client decision table allows ``command`` now."""
        allowed = (self.state, command) in CLIENT_TRANSITIONS
        garbled = self._garbled or self.state is ClientState.RAW
        return self.ready and allowed and (command is Command.QUIT or not garbled)

    def raw(self, data: bytes, *, replies: int, octets: int = 0) -> bytes:
        """``data`` exactly as given, past every check: a deliberate departure.  The
        caller says what it earns: ``octets`` of message data, then ``replies`` reply
        lines, taken as they come."""
        self.state = next_state(CLIENT_TRANSITIONS, self.state, ClientStep.RAW_SENT)
        self._raw_octets, self._raw_replies = octets, replies
        self.ready = not (octets or replies)
        return data

    @property
    def pending(self) -> bytes:
        """Octets received and not yet taken as a reply or as data."""
        return bytes(self._buffer)

    def discard(self) -> None:
        """Forget every octet and event not yet taken (a peer given up on)."""
        self._buffer.clear()
        self._events.clear()

    def frame(self, command: Command, argument: bytes | None = None) -> bytes:
        """``command`` with ``argument`` (already quoted, page 6), as the table allows."""
        return self._send(command, argument)

    def _send(self, command: Command, argument: bytes | None = None) -> bytes:
        if not self.may_send(command):
            waiting = "" if self.ready else f" (still waiting for {_expected_text(self.state)})"
            raise LocalProtocolError(f"cannot send {command.value} in {self.state.name}{waiting}")
        self.state, self.ready = next_state(CLIENT_TRANSITIONS, self.state, command), False
        line = command.value.encode() + (b"" if argument is None else b" " + argument)
        return line + b"\r\n"

    # -- replies ----------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        self._buffer += data
        while self._buffer and not self.ready and self.state is not ClientState.CLOSED:
            event = self._next_event()
            if event is None:
                return
            self._events.append(event)

    def next_event(self) -> ClientEvent | None:
        return self._events.popleft() if self._events else None

    def connection_closed(self) -> None:
        self._end()

    def _end(self) -> None:
        self.state, self.ready = next_state(CLIENT_TRANSITIONS, self.state, ClientEnd.CLOSED), False

    def _next_event(self) -> ClientEvent | None:
        if self.state is ClientState.RAW:
            return self._raw_event()
        if self.state is ClientState.XFER:
            return self._message_data()
        parsed = parse_reply(self._buffer)
        if parsed is None:
            return None
        reply, rest = parsed
        self._buffer[:] = rest
        self.ready = True
        if reply.defects:
            reply = replace(reply, defects=self.policy.handle_all(reply.defects))
        if not self._awaited(reply):
            return self._unexpected(reply)
        if reply.kind is ReplyKind.COUNT:
            self.count = reply.number
        elif reply.kind is ReplyKind.LENGTH:
            self.length = reply.number
        if self.state is ClientState.EXIT:
            self._end()
        return ReplyReceived(reply=reply)

    def _unexpected(self, reply: Reply) -> UnexpectedReply:
        self._garbled = True
        expected = _expected_text(self.state)
        if reply.kind is ReplyKind.ERROR:  # the server closes after "-" (action 1)
            self._end()
            return UnexpectedReply(reply=reply, expected=expected)
        defect = Defect(
            kind=Pop2DefectKind.UNEXPECTED_REPLY, line=1, detail=f"expected {expected}, got {reply}"
        )
        recorded = self.policy.handle_all([defect])
        return UnexpectedReply(reply=reply, expected=expected, defect=recorded[0])

    def _awaited(self, reply: Reply) -> bool:
        if reply.kind is not _EXPECTED.get(self.state):
            return False
        if self.state is ClientState.CALL:
            return reply.greeting_host is not None
        return reply.kind is ReplyKind.OK or reply.number is not None

    def _message_data(self, length: int | None = None) -> MessageReceived | None:
        length = (self.length or 0) if length is None else length
        if len(self._buffer) < length:
            return None
        data = bytes(self._buffer[:length])
        del self._buffer[:length]
        self.ready = True
        return MessageReceived(data=data)

    def _raw_event(self) -> ClientEvent | None:
        """What raw octets earn, taken as it comes: no reply is awaited, so none is
        unexpected (its own defects are still handled by the policy)."""
        if self._raw_octets:
            event = self._message_data(self._raw_octets)
            if event is not None:
                self._raw_octets = 0
                self.ready = not self._raw_replies
            return event
        parsed = parse_reply(self._buffer)
        if parsed is None:
            return None
        reply, rest = parsed
        self._buffer[:] = rest
        self._raw_replies -= 1
        self.ready = self._raw_replies <= 0
        if reply.defects:
            reply = replace(reply, defects=self.policy.handle_all(reply.defects))
        return ReplyReceived(reply=reply)
