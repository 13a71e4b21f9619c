"""The sans-IO POP3 client: commands in, bytes out; bytes in, responses out.

It keeps the commands sent in order, so every response is paired with the
command it answers even when they are pipelined (RFC 2449 §6.6), knows which
responses are multi-line (RFC 1939 §3) and un-stuffs their bodies.
"""

from __future__ import annotations

import collections
import enum
import re
from dataclasses import dataclass

from reference_impl.auth import encode_sasl_base64
from reference_impl.pop3._multiline import dot_unstuff
from reference_impl.pop3._states import MULTILINE_COMMANDS

__all__ = [
    "ClientConnection",
    "ClientState",
    "LocalProtocolError",
    "Pop3Response",
    "ResponseReceived",
]

_CODE = re.compile(rb"\[([^\]]*)\]")
_TIMESTAMP = re.compile(rb"<[^<>]*@[^<>]*>")
_END = b"\r\n.\r\n"


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
class Pop3Response:
    """One response: ``status`` is "+OK", "-ERR" or "+" (a SASL continuation)."""

    status: str
    text: bytes  # after the status indicator and its space; no CRLF
    body: bytes | None = None  # un-stuffed multi-line content, CRLF lines, no terminator
    raw: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status == "+OK"

    @property
    def code(self) -> str | None:
        """The RFC 2449 §8 response code, e.g. "IN-USE" or "SYS/TEMP"."""
        if self.status != "-ERR" and self.status != "+OK":
            return None
        match = _CODE.match(self.text)
        return match.group(1).decode("ascii", "replace") if match else None

    @property
    def lines(self) -> list[bytes]:
        """The lines of a multi-line body, without their CRLFs."""
        if not self.body:
            return []
        return self.body.removesuffix(b"\r\n").split(b"\r\n")

    @property
    def timestamp(self) -> bytes | None:
        """The APOP timestamp of a greeting (RFC 1939 §7), brackets included."""
        match = _TIMESTAMP.search(self.text)
        return match.group(0) if match else None


@dataclass(frozen=True, kw_only=True)
class ResponseReceived:
    """``response`` answers ``command`` (its upper-cased keyword; "" for the greeting)."""

    command: str
    response: Pop3Response


def _status(line: bytes) -> tuple[str, bytes]:
    for status in ("+OK", "-ERR", "+"):
        prefix = status.encode()
        if line == prefix or line.startswith(prefix + b" "):
            return status, line[len(prefix) + 1 :]
    return "", line


class ClientConnection:
    def __init__(self) -> None:
        self.state = ClientState.GREETING
        self._buffer = bytearray()
        self._search_from = 0  # where the terminator search resumes
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
        self._buffer += data
        while self._buffer and (response := self._next_response()) is not None:
            self._events.append(response)

    def next_event(self) -> ResponseReceived | None:
        return self._events.popleft() if self._events else None

    def tls_started(self) -> None:
        """RFC 2595 §4: forget everything learnt before the handshake."""
        if self.state is not ClientState.TLS:
            raise LocalProtocolError("no +OK to STLS was received")
        self.state = ClientState.COMMANDS

    def _next_response(self) -> ResponseReceived | None:
        first_end = self._buffer.find(b"\r\n")
        if first_end < 0:
            return None
        status, text = _status(bytes(self._buffer[:first_end]))
        command, multi = self._outstanding[0] if self._outstanding else ("?", False)
        body: bytes | None = None
        end = first_end + 2
        if status == "+OK" and multi:
            # The first line's CRLF is the one that precedes a terminator of an empty body.
            found = self._buffer.find(_END, max(first_end, self._search_from))
            if found < 0:
                self._search_from = max(first_end, len(self._buffer) - len(_END) + 1)
                return None
            body = dot_unstuff(bytes(self._buffer[first_end + 2 : found + 2]))
            end = found + len(_END)
        raw = bytes(self._buffer[:end])
        del self._buffer[:end]
        self._search_from = 0
        if status != "+" and self._outstanding:
            self._outstanding.popleft()  # an unsolicited response answers "?"
        self._advance(command, status)
        response = Pop3Response(status=status, text=text, body=body, raw=raw)
        return ResponseReceived(command=command, response=response)

    def _advance(self, command: str, status: str) -> None:
        if status == "+":
            self.state = ClientState.SASL
        elif command == "":
            self.state = ClientState.COMMANDS if status == "+OK" else ClientState.CLOSED
        elif command == "QUIT":
            self.state = ClientState.CLOSED
        elif command == "STLS" and status == "+OK":
            self.state = ClientState.TLS
