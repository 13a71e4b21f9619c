"""The sans-IO IMAP client: commands in, octets out; octets in, responses out.

- Tags are generated (``A0001``, ``A0002`` ...) and every tagged completion is paired
  with its command, with the untagged responses that arrived while it was in flight
  (RFC 9051 §2.2.2), even with several commands in flight (§5.5).
- Untagged responses are also events of their own the moment they arrive: a server may
  send them at any time (RFC 9051 §7: "unsolicited" EXISTS, EXPUNGE, FETCH, BYE).
- A synchronizing literal is held back until the server's ``+`` (RFC 9051 §7.5); a
  non-synchronizing one (RFC 7888) goes at once.  A ``+`` that no literal waits for is a
  continuation request for AUTHENTICATE or IDLE, answered with ``continue_with``.
- ``send_raw`` sends octets as they are, for malformed input.
- After OK to STARTTLS nothing more is read in the clear; ``tls_started`` discards what
  was buffered (RFC 9051 §6.2.1).
"""

from __future__ import annotations

import collections
import itertools
from dataclasses import dataclass

from reference_impl._defects import RECORD, Defect, DefectPolicy
from reference_impl._receive import ReceiveBuffer
from reference_impl._transitions import LocalProtocolError, next_state
from reference_impl.imap._framing import (
    CommandFramed,
    CommandFramer,
    FramingLimits,
    FramingRefused,
    LiteralAnnounced,
)
from reference_impl.imap._grammar import ImapDefectKind
from reference_impl.imap._response_parser import ImapResponse, parse_response
from reference_impl.imap._states import CLIENT_TRANSITIONS, ClientState, ClientStep

__all__ = [
    "ClientConnection",
    "CommandCompleted",
    "ContinuationRequested",
    "Literal",
    "ResponseReceived",
]

# Untagged responses kept for one command's completion; past this a server that never
# completes the command costs no more memory (each response is still an event).
MAX_COLLECTED = 100_000
# What the client accepts from a server: a response line, and one literal (a message).
RESPONSE_LIMITS = FramingLimits(max_line=1024 * 1024, max_literal=256 * 1024 * 1024)


@dataclass(frozen=True)
class Literal:
    """A command argument sent as a literal (RFC 9051 §4.3; ``{n+}``: RFC 7888)."""

    data: bytes
    non_synchronizing: bool = False


@dataclass(frozen=True, kw_only=True)
class ResponseReceived:
    """Any untagged response (the greeting too), as it arrives."""

    response: ImapResponse


@dataclass(frozen=True, kw_only=True)
class ContinuationRequested:
    """A ``+`` for AUTHENTICATE or IDLE (no literal was waiting for it)."""

    tag: bytes
    response: ImapResponse


@dataclass(frozen=True, kw_only=True)
class CommandCompleted:
    """The tagged completion of ``tag`` and the untagged responses seen meanwhile."""

    tag: bytes
    command: bytes  # the command name, upper-cased ("" for a tag the client never sent)
    response: ImapResponse
    untagged: tuple[ImapResponse, ...]


Event = ResponseReceived | ContinuationRequested | CommandCompleted


@dataclass(frozen=True)
class _Segment:
    data: bytes
    tag: bytes
    gated: bool = False  # a synchronizing literal: waits for the server's "+"


@dataclass
class _InFlight:
    command: bytes
    untagged: list[ImapResponse]
    overflowed: bool = False


class ClientConnection:
    def __init__(self, *, tag_prefix: str = "A", policy: DefectPolicy = RECORD) -> None:
        self.state = ClientState.GREETING
        self.defects: list[Defect] = []
        self._policy = policy
        self._prefix = tag_prefix.encode("ascii")
        self._counter = itertools.count(1)
        self._inbox = ReceiveBuffer()
        self._framer = CommandFramer(RESPONSE_LIMITS)
        self._in_flight: dict[bytes, _InFlight] = {}
        self._outgoing: collections.deque[_Segment] = collections.deque()
        self._awaiting_plus: bytes | None = None  # the tag whose literal waits for "+"
        self._events: collections.deque[Event] = collections.deque()

    # -- sending ---------------------------------------------------------------------

    @property
    def in_flight(self) -> list[bytes]:
        """Tags of the commands sent and not yet completed, oldest first."""
        return list(self._in_flight)

    def command(self, name: str, *arguments: bytes | Literal) -> bytes:
        """Queue a command; return its tag.  Arguments are sent as given (atoms, quoted
        strings, lists already in wire form) or as literals."""
        if self.state is not ClientState.READY:
            raise LocalProtocolError(f"cannot send {name} in state {self.state.name}")
        tag = b"%s%04d" % (self._prefix, next(self._counter))
        line = tag + b" " + name.encode("ascii")
        for argument in arguments:
            if isinstance(argument, Literal):
                plus = b"+" if argument.non_synchronizing else b""
                self._outgoing.append(
                    _Segment(line + b" {%d%s}\r\n" % (len(argument.data), plus), tag)
                )
                gated = not argument.non_synchronizing
                self._outgoing.append(_Segment(argument.data, tag, gated))
                line = b""
            else:
                if b"\r" in argument or b"\n" in argument:
                    raise LocalProtocolError("CR or LF in an argument: send it as a literal")
                line += b" " + argument
        self._outgoing.append(_Segment(line + b"\r\n", tag))
        self._in_flight[tag] = _InFlight(command=name.upper().encode("ascii"), untagged=[])
        return tag

    def continue_with(self, line: bytes) -> None:
        """Answer a continuation request: a SASL response (base64, or ``*`` to cancel,
        RFC 9051 §6.2.2) or IDLE's ``DONE`` (RFC 2177 §3)."""
        self._outgoing.append(_Segment(line + b"\r\n", b""))

    def send_raw(self, data: bytes, *, expect_tag: bytes | None = None) -> None:
        """Send ``data`` unchanged; ``expect_tag``: a completion with it is expected."""
        self._outgoing.append(_Segment(data, expect_tag or b""))
        if expect_tag is not None:
            self._in_flight[expect_tag] = _InFlight(command=b"", untagged=[])

    def data_to_send(self) -> bytes:
        out = []
        while self._outgoing and self._awaiting_plus is None:
            segment = self._outgoing[0]
            if segment.gated:
                self._awaiting_plus = segment.tag
                break
            out.append(segment.data)
            self._outgoing.popleft()
        return b"".join(out)

    # -- receiving ------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        self._inbox.feed(data)
        # After BYE the responses already sent are still read (LOGOUT's tagged OK
        # follows its BYE, RFC 9051 §6.1.3); after OK to STARTTLS nothing is.
        while self.state is not ClientState.TLS:
            output = self._framer.next(self._inbox)
            if output is None:
                return
            self._framed(output)

    def next_event(self) -> Event | None:
        return self._events.popleft() if self._events else None

    def tls_started(self) -> None:
        """Handshake done: anything received in the clear after the OK is discarded."""
        if self.state is not ClientState.TLS:
            raise LocalProtocolError("no OK to STARTTLS was received")
        self._inbox.clear()
        self._framer.reset()
        self.state = next_state(CLIENT_TRANSITIONS, self.state, ClientStep.TLS_STARTED)

    def _framed(self, output: CommandFramed | LiteralAnnounced | FramingRefused) -> None:
        match output:
            case LiteralAnnounced():
                self._framer.accept_literal()  # a server's literal needs no "+"
            case FramingRefused(first_line=first, refusal=refusal):
                self._defect(ImapDefectKind.RESPONSE_TOO_BIG, f"{refusal.value}: {first[:60]!r}")
            case CommandFramed(framed=framed):
                response = parse_response(framed)
                if response is None:
                    self._defect(ImapDefectKind.BAD_RESPONSE, repr(framed.parts[0][:60]))
                else:
                    self._dispatch(response)

    def _dispatch(self, response: ImapResponse) -> None:
        if response.continuation:
            self._continuation(response)
        elif response.untagged:
            self._untagged(response)
        else:
            self._completed(response)

    def _continuation(self, response: ImapResponse) -> None:
        if self._awaiting_plus is not None:
            self._awaiting_plus = None
            held = self._outgoing[0]
            self._outgoing[0] = _Segment(held.data, held.tag)  # the literal may go now
            return
        tag = next(reversed(self._in_flight), b"")
        self._events.append(ContinuationRequested(tag=tag, response=response))

    def _untagged(self, response: ImapResponse) -> None:
        for pending in self._in_flight.values():
            if len(pending.untagged) < MAX_COLLECTED:
                pending.untagged.append(response)
            elif not pending.overflowed:
                pending.overflowed = True
                self._defect(ImapDefectKind.RESPONSE_TOO_BIG, "untagged responses past the bound")
        self._events.append(ResponseReceived(response=response))
        if self.state is ClientState.GREETING:
            self._step(ClientStep.BYE if response.status == b"BYE" else ClientStep.GREETED)
        elif response.status == b"BYE":
            self._step(ClientStep.BYE)

    def _completed(self, response: ImapResponse) -> None:
        pending = self._in_flight.pop(response.tag, None)
        if pending is None:
            self._defect(ImapDefectKind.UNKNOWN_TAG, repr(response.tag[:40]))
            pending = _InFlight(command=b"", untagged=[])
        elif self._awaiting_plus == response.tag:
            # RFC 9051 §7.5: refused instead of answered with "+": the rest of the
            # command, its literal included, is not sent.
            self._awaiting_plus = None
            self._outgoing = collections.deque(s for s in self._outgoing if s.tag != response.tag)
        self._events.append(
            CommandCompleted(
                tag=response.tag,
                command=pending.command,
                response=response,
                untagged=tuple(pending.untagged),
            )
        )
        if pending.command == b"STARTTLS" and response.status == b"OK":
            self._step(ClientStep.TLS_ACCEPTED)

    def _step(self, step: ClientStep) -> None:
        self.state = next_state(CLIENT_TRANSITIONS, self.state, step)

    def _defect(self, kind: ImapDefectKind, detail: str) -> None:
        self._policy.handle(Defect(kind=kind, detail=detail), self.defects)
