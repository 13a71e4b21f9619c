"""The sans-IO POP3 client: commands in, bytes out; bytes in, responses out.

It keeps the commands sent in order, so every response is paired with the
command it answers even when they are pipelined (RFC 2449 §6.6), and tells the
strict response parser (``Pop3ResponseReader``) which of them are multi-line
(RFC 1939 §3), since only the command decides that.
"""

from __future__ import annotations

import collections
import enum
from dataclasses import dataclass

from reference_impl.auth import encode_sasl_base64
from reference_impl.pop3._responses import Pop3Response, Pop3ResponseReader
from reference_impl.pop3._states import MULTILINE_COMMANDS

__all__ = [
    "ClientConnection",
    "ClientState",
    "LocalProtocolError",
    "ResponseReceived",
]


class LocalProtocolError(Exception):
    """We were about to break the protocol ourselves."""


class ClientState(enum.Enum):
    GREETING = enum.auto()
    """Connected; the +OK greeting is awaited (RFC 1939 §4)."""
    COMMANDS = enum.auto()
    """Commands may be sent."""
    SASL = enum.auto()
    """A ``+`` continuation arrived: a SASL response line is owed (RFC 5034 §4)."""
    TLS = enum.auto()
    """+OK to STLS received: the handshake must come next (RFC 2595 §4)."""
    CLOSED = enum.auto()
    """QUIT answered, or the greeting was negative."""


@dataclass(frozen=True, kw_only=True)
class ResponseReceived:
    """``response`` answers ``command`` (its upper-cased keyword; "" for the greeting)."""

    command: str
    response: Pop3Response


class ClientConnection:
    def __init__(self) -> None:
        self.state = ClientState.GREETING
        self._reader = Pop3ResponseReader()
        self._outstanding: collections.deque[tuple[str, bool]] = collections.deque([("", False)])
        self._events: collections.deque[ResponseReceived] = collections.deque()

    @property
    def outstanding(self) -> int:
        """Commands sent whose responses have not arrived (pipelining depth)."""
        return len(self._outstanding)

    def command(self, line: str | bytes) -> bytes:
        """The octets of one command line; its response will be paired with it."""
        raw = line.encode("utf-8") if isinstance(line, str) else line
        if self.state not in (ClientState.COMMANDS, ClientState.GREETING):
            raise LocalProtocolError(f"cannot send {raw!r} in state {self.state.name}")
        if b"\r" in raw or b"\n" in raw:
            raise LocalProtocolError("a command line must not contain CR or LF")
        verb, _, argument = raw.partition(b" ")
        name = verb.decode("ascii", "replace").upper()
        only_bare = MULTILINE_COMMANDS.get(name)
        multi = only_bare is not None and not (only_bare and argument)
        self._outstanding.append((name, multi))
        return raw + b"\r\n"

    def sasl_response(self, data: bytes | None) -> bytes:
        """The line answering a ``+`` challenge: base64 of ``data``, or ``*`` for None."""
        if self.state is not ClientState.SASL:
            raise LocalProtocolError("no SASL challenge is waiting for a response")
        self.state = ClientState.COMMANDS
        return (b"*" if data is None else encode_sasl_base64(data)) + b"\r\n"

    def receive_data(self, data: bytes) -> None:
        self._reader.feed(data)
        while (received := self._next_response()) is not None:
            self._events.append(received)

    def next_event(self) -> ResponseReceived | None:
        return self._events.popleft() if self._events else None

    def tls_started(self) -> None:
        """RFC 2595 §4: forget everything learnt before the handshake."""
        if self.state is not ClientState.TLS:
            raise LocalProtocolError("no +OK to STLS was received")
        self.state = ClientState.COMMANDS

    def _next_response(self) -> ResponseReceived | None:
        command, multi = self._outstanding[0] if self._outstanding else ("?", False)
        response = self._reader.next_response(multiline=multi)
        if response is None:
            return None
        if not response.continuation and self._outstanding:
            self._outstanding.popleft()  # an unsolicited response answers "?"
        self._advance(command, response)
        return ResponseReceived(command=command, response=response)

    def _advance(self, command: str, response: Pop3Response) -> None:
        if response.continuation:
            self.state = ClientState.SASL
        elif command == "":
            self.state = ClientState.COMMANDS if response.ok else ClientState.CLOSED
        elif command == "QUIT":
            self.state = ClientState.CLOSED
        elif command == "STLS" and response.ok:
            self.state = ClientState.TLS
