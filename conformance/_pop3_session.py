"""A blocking POP3 client for conformance tests: every octet recorded, every read bounded.

Unlike ``poplib`` it never hides what the target did: responses keep their defects
(status case, long lines, bare LF), multi-line bodies are un-stuffed but the raw octets
stay available, and nothing is retried or repaired.  Commands are framed, and responses
paired with them, by the reference client core; ``send_raw`` sends anything else on
purpose and says how many responses it earns.
"""

from __future__ import annotations

import collections
import hashlib
import re
import socket
import time
from collections.abc import Callable

from reference_impl.auth import encode_sasl_base64, plain_response
from reference_impl.pop3._client import ClientConnection, ClientState, ResponseReceived

from ._errors import TargetFramingError, TargetReplyTooLarge
from ._guard import TargetGuard
from ._pop3_responses import Pop3DefectKind, Pop3Response, ResponseTooLarge
from ._targets import Target
from ._transcript import Transcript
from ._wire import DEFAULT_TIMEOUT, WireSession, quoted

__all__ = ["Pop3Session", "apop_digest", "greeting_timestamp", "parse_capabilities"]

# RFC 1939 §7 APOP: the greeting carries a timestamp "<process-ID.clock@hostname>";
# RFC 2449 §3: timestamp = "<" *VCHAR ">".
_TIMESTAMP = re.compile(rb"<[\x21-\x7e]*?>")
_EVIDENCE_TAIL = 80


def greeting_timestamp(greeting: Pop3Response | None) -> bytes | None:
    """The APOP timestamp of a greeting (brackets included), or None."""
    if greeting is None or not greeting.ok:
        return None
    match = _TIMESTAMP.search(greeting.text)
    return match.group(0) if match else None


def apop_digest(timestamp: bytes, secret: str) -> str:
    """RFC 1939 §7: MD5 of the timestamp followed by the shared secret, lower-case hex."""
    return hashlib.md5(timestamp + secret.encode("utf-8")).hexdigest()


def parse_capabilities(response: Pop3Response) -> dict[str, str]:
    """CAPA lines (RFC 2449 §5): upper-cased capa-tag -> its parameters."""
    found: dict[str, str] = {}
    if not response.ok:
        return found
    for line in response.lines:
        tag, _, params = line.decode("utf-8", "replace").strip().partition(" ")
        if tag:
            found[tag.upper()] = params.strip()
    return found


class Pop3Session(WireSession[Pop3Response]):
    """One POP3 connection.  Create with ``Pop3Session.connect`` (reads the greeting)."""

    protocol = "pop3"
    line_rule = "RFC 1939 §3: all responses are terminated by a CRLF pair"
    reply_rule = "RFC 1939 §3: the server sends a response to each command"

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
        self.capabilities: dict[str, str] = {}
        self.plaintext_after_stls = b""
        limits = self.guard.limits
        self._core = ClientConnection(
            max_line=limits.max_reply_octets,
            max_multiline=limits.max_multiline_octets,
            max_lines=limits.max_lines,
        )
        self._responses: collections.deque[ResponseReceived] = collections.deque()

    def _read_first(self) -> Pop3Response:
        return self.read_response()

    def _malformed_greeting(self, greeting: Pop3Response) -> str | None:
        if any(defect.kind is Pop3DefectKind.BAD_STATUS for defect in greeting.defects):
            return (
                f"the greeting from {self.target.url} is not a response: "
                f"{quoted(greeting.raw)} (RFC 1939 §3: a status indicator, +OK or -ERR)"
            )
        return None

    @property
    def timestamp(self) -> bytes | None:
        """The APOP timestamp of the greeting, or None."""
        return greeting_timestamp(self.greeting)

    # -- reading responses --------------------------------------------------------------------

    def read_response(self, *, timeout: float | None = None) -> Pop3Response:
        """Read the next response, bounded by ``timeout``; the client core knows from
        the command it answers whether it is multi-line."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while not self._responses:
            if time.monotonic() >= deadline:
                self._no_terminator()
                self._timed_out(limit, self._core.pending)
            if not self._receive(deadline):
                what = f"without responding to {self._last_command}"
                self._closed_by_target(what, self._core.pending)
        self._answered()
        return self._responses.popleft().response

    def _no_terminator(self) -> None:
        """A multi-line response that ended with "." after a bare LF never ends: the
        target's fault, whatever it meant (RFC 1939 §3: terminated by "CRLF.CRLF")."""
        if self._core.ends_with_bare_lf_terminator():
            pending = self._core.pending
            message = (
                f"{self.target.url} ended the multi-line response to {self._last_command} "
                f"with a '.' line after a bare LF: {quoted(pending[-_EVIDENCE_TAIL:])} "
                "(RFC 1939 §3: a multi-line response is terminated with the five octets "
                '"CRLF.CRLF")'
            )
            self.transcript.note(self.label, "multi-line response without CRLF.CRLF")
            self._unusable = message
            raise TargetFramingError(message)

    def _forget_received(self) -> None:
        # In place: the core's frames in a kept traceback still reference it.
        self._core.discard()
        self._responses.clear()

    def _feed(self, data: bytes) -> None:
        try:
            self._core.receive_data(data)
        except ResponseTooLarge as exc:
            self._abandon(TargetReplyTooLarge(str(exc)))
        while (event := self._core.next_event()) is not None:
            self._saw(event.response.defects)
            self._responses.append(event)

    def _unasked(self) -> bytes:
        # RFC 1939 §3 has no unsolicited responses (an idle server closes silently).
        pending = b"".join(event.response.raw for event in self._responses) + self._core.pending
        return pending if b"\n" in pending else b""

    # -- commands ---------------------------------------------------------------------------

    def command(self, line: str | bytes, *, timeout: float | None = None) -> Pop3Response:
        """Send one command line (CRLF appended) and read a single-line response; after
        a ``+`` challenge the line is the SASL answer (RFC 5034 §4)."""
        raw = line.encode("utf-8") if isinstance(line, str) else line
        if self._core.state is ClientState.SASL:
            return self._exchange(lambda: self._core.sasl_answer(raw), timeout)
        return self._exchange(lambda: self._command_octets(raw, multiline=False), timeout)

    def multiline(self, line: str | bytes, *, timeout: float | None = None) -> Pop3Response:
        """Send a command whose ``+OK`` is multi-line (RFC 1939 §3); read it to ".CRLF"."""
        raw = line.encode("utf-8") if isinstance(line, str) else line
        return self._exchange(lambda: self._command_octets(raw, multiline=True), timeout)

    def _command_octets(self, line: bytes, *, multiline: bool) -> bytes:
        if self._core.state is ClientState.CLOSED:
            # QUIT answered (or a negative greeting) ends the client's model of the
            # session; whether the target really closed is what a test sending more
            # finds out, so the line goes raw and earns one response if it is there.
            return self._core.raw(line + b"\r\n", replies=1)
        return self._core.command(line, multiline=multiline)

    def _exchange(self, frame: Callable[[], bytes], timeout: float | None) -> Pop3Response:
        self._usable("send a command")  # a closed session says so before the core is asked
        self._send_command(frame())
        response = self.read_response(timeout=timeout)
        self._check_unasked(f"with the response to {self._last_command}")
        return response

    def send_raw(self, data: bytes, *, replies: int) -> None:
        """Send ``data`` exactly as given (pipelined or malformed commands).  ``replies``
        is how many single-line responses a conforming target gives to it; the core
        pairs them so the responses to later commands stay theirs."""
        self._usable("send a command")
        self._send_raw(self._core.raw(data, replies=replies))

    def user(self, name: str) -> Pop3Response:
        return self.command(f"USER {name}")

    def pass_(self, password: str) -> Pop3Response:
        return self.command(f"PASS {password}")

    def login(self, user: str, password: str) -> Pop3Response:
        """USER then PASS (RFC 1939 §7); the USER response is returned when it is not +OK."""
        response = self.user(user)
        return self.pass_(password) if response.ok else response

    def apop(self, name: str, password: str) -> Pop3Response:
        """APOP with the digest of the greeting's timestamp (RFC 1939 §7); needs one."""
        timestamp = self.timestamp
        if timestamp is None:
            raise ValueError("the greeting has no APOP timestamp")
        return self.command(f"APOP {name} {apop_digest(timestamp, password)}")

    def stat(self) -> Pop3Response:
        return self.command("STAT")

    def list(self, number: int | None = None) -> Pop3Response:
        """LIST: the scan listing (multi-line) or, with ``number``, one scan line."""
        if number is None:
            return self.multiline("LIST")
        return self.command(f"LIST {number}")

    def uidl(self, number: int | None = None) -> Pop3Response:
        """UIDL (RFC 1939 §7): the unique-id listing (multi-line) or one line."""
        if number is None:
            return self.multiline("UIDL")
        return self.command(f"UIDL {number}")

    def retr(self, number: int | str) -> Pop3Response:
        return self.multiline(f"RETR {number}")

    def top(self, number: int | str, lines: int | str) -> Pop3Response:
        return self.multiline(f"TOP {number} {lines}")

    def dele(self, number: int | str) -> Pop3Response:
        return self.command(f"DELE {number}")

    def rset(self) -> Pop3Response:
        return self.command("RSET")

    def noop(self) -> Pop3Response:
        return self.command("NOOP")

    def capa(self) -> Pop3Response:
        """CAPA (RFC 2449 §5); on +OK ``capabilities`` maps each capa-tag to its params."""
        response = self.multiline("CAPA")
        self.capabilities = parse_capabilities(response)
        return response

    def quit(self) -> Pop3Response:
        """QUIT; the connection is left for ``expect_closed`` to observe."""
        return self.command("QUIT")

    def stls(self, trailing: bytes = b"") -> Pop3Response:
        """STLS (RFC 2595 §4); ``trailing`` octets go in the same send, before the handshake.

        On +OK the handshake is performed; octets the server sent after the +OK and before
        the handshake are kept in ``plaintext_after_stls``, and capabilities are forgotten.
        """
        self._usable("send a command")
        command = self._core.command("STLS")
        if trailing:
            self._send_raw(command + self._core.raw(trailing, replies=0))
        else:
            self._send_command(command)
        response = self.read_response()
        if response.ok:
            self.plaintext_after_stls = self._core.pending
            self._wrap_tls(after="+OK to STLS (RFC 2595 §4: +OK - begin TLS negotiation)")
            self._core.tls_started()
            # RFC 2595 §4: the client MUST discard cached capability information.
            self.capabilities = {}
        return response

    def auth_plain(self, user: str, password: str, authzid: str = "") -> Pop3Response:
        """AUTH PLAIN with an initial response (RFC 5034 §4, RFC 4616 §2)."""
        message = plain_response(user, password, authzid)
        return self.command(b"AUTH PLAIN " + encode_sasl_base64(message, initial_response=True))
