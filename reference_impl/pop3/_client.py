"""The sans-IO POP3 client: commands in, bytes out; bytes in, responses out.

It keeps the commands sent in order, so every response is paired with the
command it answers even when they are pipelined (RFC 2449 §6.6), and tells the
strict response parser (``Pop3ResponseReader``) which of them are multi-line
(RFC 1939 §3), since only the command decides that (or the caller, probing a
server).  A harness may send octets past the framing on purpose (``raw``), saying how
many (single-line) responses they earn, so later responses stay paired.  Response
defects go through the ``DefectPolicy`` it is given.
"""

from __future__ import annotations

import collections
import functools
from dataclasses import dataclass

from reference_impl._defects import RECORD, DefectPolicy
from reference_impl._transitions import LocalProtocolError, next_state
from reference_impl.auth import encode_sasl_base64
from reference_impl.pop3._responses import (
    DEFAULT_MAX_LINE,
    DEFAULT_MAX_LINES,
    DEFAULT_MAX_MULTILINE,
    Pop3Response,
    Pop3ResponseReader,
)
from reference_impl.pop3._states import (
    CLIENT_TRANSITIONS,
    MULTILINE_COMMANDS,
    ClientState,
    ClientStep,
)

__all__ = [
    "RAW",
    "ClientConnection",
    "ClientState",
    "LocalProtocolError",
    "ResponseReceived",
]


# What a response to octets sent with ``raw`` answers.
RAW = "<raw>"


@dataclass(frozen=True, kw_only=True)
class ResponseReceived:
    """``response`` answers ``command`` (its upper-cased keyword; "" for the greeting,
    ``RAW`` for octets sent past the framing, "?" for nothing sent)."""

    command: str
    response: Pop3Response


class ClientConnection:
    def __init__(
        self,
        *,
        policy: DefectPolicy = RECORD,
        max_line: int = DEFAULT_MAX_LINE,
        max_multiline: int = DEFAULT_MAX_MULTILINE,
        max_lines: int = DEFAULT_MAX_LINES,
    ) -> None:
        self.state = ClientState.GREETING
        self._new_reader = functools.partial(
            Pop3ResponseReader,
            max_line=max_line,
            max_multiline=max_multiline,
            max_lines=max_lines,
            policy=policy,
        )
        self._reader = self._new_reader()
        self._outstanding: collections.deque[tuple[str, bool]] = collections.deque([("", False)])
        self._events: collections.deque[ResponseReceived] = collections.deque()

    @property
    def outstanding(self) -> int:
        """Commands sent whose responses have not arrived (pipelining depth)."""
        return len(self._outstanding)

    @property
    def pending(self) -> bytes:
        """Octets received that are not part of a complete response yet (after +OK to
        STLS: everything received after it)."""
        return self._reader.pending

    def ends_with_bare_lf_terminator(self) -> bool:
        """Whether a multi-line response so far ends with "." after a bare LF."""
        return self._reader.ends_with_bare_lf_terminator()

    def command(self, line: str | bytes, *, multiline: bool | None = None) -> bytes:
        """The octets of one command line; its response will be paired with it.

        Whether a ``+OK`` to it is multi-line comes from the command (RFC 1939 §3), or
        from ``multiline`` when the caller probes what a server does with it.
        """
        raw = line.encode("utf-8") if isinstance(line, str) else line
        if self.state not in (ClientState.COMMANDS, ClientState.GREETING, ClientState.RAW):
            raise LocalProtocolError(f"cannot send {raw[:80]!r} in state {self.state.name}")
        if b"\r" in raw or b"\n" in raw:
            raise LocalProtocolError("a command line must not contain CR or LF")
        if self.state is ClientState.RAW:
            self.state = next_state(CLIENT_TRANSITIONS, self.state, ClientStep.FRAMED)
        verb, _, argument = raw.partition(b" ")
        name = verb.decode("ascii", "replace").upper()
        if multiline is None:
            only_bare = MULTILINE_COMMANDS.get(name)
            multiline = only_bare is not None and not (only_bare and argument)
        self._outstanding.append((name, multiline))
        return raw + b"\r\n"

    def sasl_response(self, data: bytes | None) -> bytes:
        """The line answering a ``+`` challenge: base64 of ``data``, or ``*`` for None."""
        return self.sasl_answer(b"*" if data is None else encode_sasl_base64(data))

    def sasl_answer(self, line: bytes) -> bytes:
        """``line`` as the answer to a ``+`` challenge, as given (RFC 5034 §4: base64,
        or "*" to cancel)."""
        if self.state is not ClientState.SASL:
            raise LocalProtocolError("no SASL challenge is waiting for a response")
        if b"\r" in line or b"\n" in line:
            raise LocalProtocolError("a SASL response line must not contain CR or LF")
        self.state = next_state(CLIENT_TRANSITIONS, self.state, ClientStep.SASL_ANSWERED)
        return line + b"\r\n"

    def raw(self, data: bytes, *, replies: int) -> bytes:
        """``data`` exactly as given, past every check: a deliberate departure.  The
        caller says how many single-line responses it earns; they are paired with
        ``RAW`` and move nothing."""
        self.state = next_state(CLIENT_TRANSITIONS, self.state, ClientStep.RAW_SENT)
        self._outstanding.extend([(RAW, False)] * replies)
        return data

    def discard(self) -> None:
        """Forget every octet and response not yet taken (a peer given up on)."""
        self._reader.discard()
        self._events.clear()

    def receive_data(self, data: bytes) -> None:
        self._reader.feed(data)
        # After +OK to STLS nothing more is read in the clear: what follows it before
        # the handshake is discarded by tls_started (RFC 2595 §4, CVE-2011-0411).
        while self.state is not ClientState.TLS and (received := self._next_response()):
            self._events.append(received)

    def next_event(self) -> ResponseReceived | None:
        return self._events.popleft() if self._events else None

    def tls_started(self) -> None:
        """RFC 2595 §4: forget everything learnt before the handshake."""
        if self.state is not ClientState.TLS:
            raise LocalProtocolError("no +OK to STLS was received")
        self._reader = self._new_reader()  # plaintext after the +OK is not a response
        self.state = next_state(CLIENT_TRANSITIONS, self.state, ClientStep.TLS_STARTED)

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
        # A response that fits no transition (a peer's defect, which the reader records)
        # leaves the state as it is: only our own misuse raises LocalProtocolError.
        step = _step_of(command, response)
        if step is not None:
            self.state = CLIENT_TRANSITIONS.get((self.state, step)) or self.state


def _step_of(command: str, response: Pop3Response) -> ClientStep | None:
    """The step a response to ``command`` is, if it moves the client."""
    if response.continuation:
        return ClientStep.CONTINUATION
    if command == "":
        return ClientStep.GREETED if response.ok else ClientStep.CLOSING
    if command == "QUIT":
        return ClientStep.CLOSING
    if command == "STLS" and response.ok:
        return ClientStep.TLS_ACCEPTED
    return None
