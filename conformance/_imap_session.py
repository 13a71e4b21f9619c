"""A blocking IMAP session for conformance tests, driven by the sans-IO IMAP client core.

The client core (``reference_impl.imap._client``) generates tags, holds a synchronizing
literal back until the server's ``+``, and pairs every tagged completion with the
untagged responses that arrived meanwhile; this module only moves octets between it and
the socket, every wait bounded and every octet recorded (``WireSession``).  ``send_raw``
sends octets exactly as given, for the tests that misbehave on purpose.

IMAP servers may send untagged responses at any time (RFC 9051 §7: EXISTS, EXPUNGE,
FETCH, BYE, unsolicited), so nothing that arrives between commands is a framing fault.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from reference_impl.imap import (
    ClientConnection,
    ClientState,
    CommandCompleted,
    ContinuationRequested,
    ImapResponse,
    Literal,
    ResponseReceived,
)

from ._errors import TargetReplyTooLarge
from ._guard import TargetGuard
from ._targets import Target
from ._transcript import Transcript
from ._wire import DEFAULT_TIMEOUT, WireSession, quoted

__all__ = ["Completion", "ImapSession", "Literal", "capabilities_in", "quoted_string"]

Completion = CommandCompleted
_Event = ResponseReceived | ContinuationRequested | CommandCompleted
_Wanted = Callable[[_Event], bool]
_EVIDENCE_KEPT = 64 * 1024  # octets of an unfinished response kept as evidence
# RFC 9051 §7.1: greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF.
_GREETING_STATUSES = (b"OK", b"PREAUTH", b"BYE")


def capabilities_in(responses: tuple[ImapResponse, ...] | list[ImapResponse]) -> set[str]:
    """The capability atoms of ``* CAPABILITY`` responses and ``[CAPABILITY ...]`` codes,
    upper-cased (RFC 9051 §7.2.2: capability names are case-insensitive)."""
    found: set[str] = set()
    for response in responses:
        if response.keyword == b"CAPABILITY" and not response.status:
            found.update(_atoms(response.text))
        elif response.code.upper().startswith(b"CAPABILITY "):
            found.update(_atoms(response.code[len(b"CAPABILITY ") :]))
    return found


def _atoms(text: bytes) -> set[str]:
    atoms = {atom.decode("ascii", "replace").upper() for atom in text.split()}
    # A limit given as NAME=<number> advertises NAME too (RFC 7889 §2: APPENDLIMIT=n).
    named = {name for name, _, value in (a.partition("=") for a in atoms) if value.isdigit()}
    return atoms | named


class ImapSession(WireSession[ImapResponse]):
    """One IMAP connection.  Create with ``ImapSession.connect`` (reads the greeting)."""

    protocol = "imap"
    line_rule = "RFC 9051 §2.2: all interactions are in the form of lines ending with CRLF"
    reply_rule = "RFC 9051 §2.2.2: the server completes each command with a tagged response"

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
        self.core = ClientConnection()
        self.unsolicited: list[ImapResponse] = []  # untagged responses seen, in order
        self.rev2 = False  # ENABLE IMAP4rev2 succeeded (RFC 9051 §6.3.1)
        self._events: list[_Event] = []
        # Octets since the last whole response: how many, and the first of them (evidence
        # for a timeout or a close in the middle of a response).
        self._received_since_event = 0
        self._pending = bytearray()

    def _read_first(self) -> ImapResponse:
        return self._wait(lambda e: True, "the greeting").response

    def _malformed_greeting(self, greeting: ImapResponse) -> str | None:
        # A status response with the wrong tag is still a greeting, a defective one the
        # greeting tests judge; anything else leaves nothing to judge by.
        if greeting.status in _GREETING_STATUSES:
            return None
        return (
            f"the greeting from {self.target.url} is not a greeting: {quoted(greeting.line)} "
            "(RFC 9051 §7.1: an untagged OK, PREAUTH or BYE)"
        )

    # -- commands --------------------------------------------------------------------------------

    def command(self, name: str, *arguments: bytes | str | Literal) -> Completion:
        """Send a command (the core picks the tag and waits for ``+`` before each
        synchronizing literal) and read until its tagged completion."""
        return self.completion(self.start(name, *arguments))

    def start(self, name: str, *arguments: bytes | str | Literal) -> bytes:
        """Send a command without waiting for its completion; its tag."""
        tag = self.core.command(name, *(_wire(a) for a in arguments))
        self._flush()
        return tag

    def completion(self, tag: bytes, *, timeout: float | None = None) -> Completion:
        """Read until the tagged completion of ``tag`` (sending held literals on ``+``)."""
        event = self._wait(
            lambda e: isinstance(e, CommandCompleted) and e.tag == tag,
            f"the completion of {tag.decode('ascii', 'replace')}",
            timeout=timeout,
        )
        assert isinstance(event, CommandCompleted)
        return event

    def send_raw(self, data: bytes, *, expect_tag: bytes | None = None) -> None:
        """Send ``data`` exactly as given; with ``expect_tag`` its completion is awaited
        later by ``completion(expect_tag)``."""
        self.core.send_raw(data, expect_tag=expect_tag)
        pending = self.core.data_to_send()
        if pending:
            self._send_raw(pending)

    def raw(self, data: bytes, tag: bytes, *, timeout: float | None = None) -> Completion:
        """``send_raw`` then wait for the completion tagged ``tag``."""
        self.send_raw(data, expect_tag=tag)
        return self.completion(tag, timeout=timeout)

    def next_response(self, *, timeout: float | None = None) -> _Event:
        """The next thing the server sent: an untagged response, a continuation request
        (``+``) or a completion."""
        return self._wait(lambda e: True, "a response", timeout=timeout)

    def continue_with(self, line: bytes) -> None:
        """Answer a continuation request (a SASL response, IDLE's DONE)."""
        self.core.continue_with(line)
        self._flush()

    def login(self, user: str, password: str) -> Completion:
        """LOGIN with both arguments as quoted strings (RFC 9051 §6.2.3)."""
        return self.command("LOGIN", quoted_string(user), quoted_string(password))

    def select(self, mailbox: str, *, examine: bool = False) -> Completion:
        return self.command("EXAMINE" if examine else "SELECT", quoted_string(mailbox))

    def logout(self) -> Completion:
        """LOGOUT; the connection is left for ``expect_closed`` to observe."""
        return self.command("LOGOUT")

    def starttls(self, trailing: bytes = b"") -> Completion:
        """STARTTLS (RFC 9051 §6.2.1); on OK the handshake, and the core drops what it
        had buffered in the clear.  ``trailing`` octets leave in the same write as
        ``STARTTLS\r\n``, exactly as given (a plaintext injection probe, CVE-2011-0411)."""
        tag = self.core.command("STARTTLS")
        if trailing:
            self.core.send_raw(trailing)
        self._flush()
        completed = self.completion(tag)
        if completed.response.status == b"OK":
            self._wrap_tls(after="OK to STARTTLS (RFC 9051 §6.2.1)")
            self.core.tls_started()
        return completed

    @property
    def logged_out(self) -> bool:
        """Whether the server said BYE."""
        return self.core.state is ClientState.CLOSED

    # -- the wire --------------------------------------------------------------------------------

    def _flush(self) -> None:
        data = self.core.data_to_send()
        if data:
            self._transmit(data)

    def _wait(self, wanted: _Wanted, what: str, *, timeout: float | None = None) -> _Event:
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            while self._events:
                event = self._events.pop(0)
                if wanted(event):
                    return event
            if time.monotonic() >= deadline:
                self._timed_out(limit, bytes(self._pending))
            if not self._receive(deadline):
                partial = bytes(self._pending)
                self._closed_by_target(f"before {what} (after {self._last_command})", partial)
            self._collect()

    def _collect(self) -> None:
        """Take the core's events; send what a ``+`` released."""
        while (event := self.core.next_event()) is not None:
            self._received_since_event = 0
            self._pending.clear()
            self._answered()
            if isinstance(event, ResponseReceived):
                self.unsolicited.append(event.response)
            self._events.append(event)
        self._flush()

    def _feed(self, data: bytes) -> None:
        self._received_since_event += len(data)
        self._pending += data[: max(0, _EVIDENCE_KEPT - len(self._pending))]
        limit = max(self.guard.limits.max_multiline_octets, self.guard.limits.max_reply_octets)
        if self._received_since_event > limit:
            self._abandon(
                TargetReplyTooLarge(f"a response of more than {limit} octets without its end")
            )
        self.core.receive_data(data)

    def _forget_received(self) -> None:
        self.core = ClientConnection()
        self._events.clear()
        self._pending = bytearray()

    def _unasked(self) -> bytes:
        return b""  # RFC 9051 §7: untagged responses may come at any time


def _wire(argument: bytes | str | Literal) -> bytes | Literal:
    return argument.encode("utf-8") if isinstance(argument, str) else argument


def quoted_string(text: str) -> bytes:
    """A quoted string (RFC 9051 §4.3): backslash and double quote escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'.encode()
