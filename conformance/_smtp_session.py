"""A blocking SMTP client for conformance tests: every octet recorded, every read bounded.

Unlike ``smtplib`` it never hides what the target did: replies keep their defects, bytes
the server sends out of turn stay visible, and nothing is retried or repaired.  Commands
are framed, and replies paired with them (pipelined ones too), by the reference client
core, so the harness and the reference client follow one reading of the RFC;
``send_raw`` sends anything else on purpose and says how many replies it earns.
"""

from __future__ import annotations

import collections
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from reference_impl.auth import (
    cram_md5_response,
    decode_sasl_base64,
    encode_sasl_base64,
    login_responses,
    plain_response,
)
from reference_impl.smtp import Reply, ReplyDefectKind, dot_stuff
from reference_impl.smtp._client import ClientConnection, ClientState, ReplyReceived, bdat_octets
from reference_impl.smtp._replies import ReplyTooLarge

from ._errors import TargetClosedConnection, TargetReplyTooLarge, TargetTimeout
from ._guard import TargetGuard
from ._targets import Security, Target
from ._transcript import Transcript
from ._wire import DEFAULT_TIMEOUT, WireSession, quoted, tls_context

__all__ = ["DEFAULT_TIMEOUT", "Bdat", "Content", "SmtpSession", "dot_stuff", "tls_context"]


# RFC 5321 §4.2: a reply that does not even start with a code is no reply.
_NOT_A_REPLY = (ReplyDefectKind.BAD_CODE, ReplyDefectKind.BAD_SEPARATOR)


@dataclass(frozen=True)
class Content:
    """Message content after a 354, dot-stuffed and terminated (RFC 5321 §4.5.2)."""

    message: bytes


@dataclass(frozen=True)
class Bdat:
    """A BDAT command with its chunk (RFC 3030 §2)."""

    chunk: bytes
    last: bool = False


class SmtpSession(WireSession[Reply]):
    """One SMTP connection.  Create with ``SmtpSession.connect`` (reads the greeting)."""

    protocol = "smtp"
    line_rule = "RFC 5321 §4.2: every reply line ends with CRLF"
    reply_rule = "RFC 5321 §4.2: every command MUST generate exactly one reply"

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
        self.extensions: dict[str, str] = {}
        self.plaintext_after_starttls = b""
        self.authenticated = False
        self._core = ClientConnection(max_reply_octets=self.guard.limits.max_reply_octets)
        self._replies: collections.deque[ReplyReceived] = collections.deque()

    def _read_first(self) -> Reply:
        return self.read_reply()

    def _malformed_greeting(self, greeting: Reply) -> str | None:
        if any(defect.kind in _NOT_A_REPLY for defect in greeting.defects):
            return (
                f"the greeting from {self.target.url} is not a reply: {quoted(greeting.raw)} "
                '(RFC 5321 §4.2: Greeting = "220 " Domain ... CRLF)'
            )
        return None

    # -- reading replies ----------------------------------------------------------------------

    def read_reply(self, timeout: float | None = None) -> Reply:
        """Read one complete reply, waiting at most ``timeout`` (default: the session's)."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while not self._replies:
            if time.monotonic() >= deadline:
                self._timed_out(limit, self._core.pending)
            if not self._receive(deadline):
                what = f"without replying to {self._last_command}"
                self._closed_by_target(what, self._core.pending)
        self._answered()
        return self._replies.popleft().reply

    def unasked_reply(self, timeout: float) -> Reply | None:
        """A reply arriving within ``timeout`` with nothing sent; None if none comes (or
        the target closes).  A probe: the short wait is no sign of a silent target."""
        try:
            return self.read_reply(timeout)
        except (TargetTimeout, TargetClosedConnection):
            return None

    def _forget_received(self) -> None:
        # In place: the core's frames in a kept traceback still reference it.
        self._core.discard()
        self._replies.clear()

    def _feed(self, data: bytes) -> None:
        try:
            self._core.receive_data(data)
        except ReplyTooLarge as exc:
            self._abandon(TargetReplyTooLarge(str(exc)))
        while (event := self._core.next_event()) is not None:
            self._saw(event.reply.defects)
            self._replies.append(event)

    def _unasked(self) -> bytes:
        pending = b"".join(event.reply.raw for event in self._replies) + self._core.pending
        # RFC 5321 §3.8: a server shutting down may send 421 at any time, then close.
        if b"\n" not in pending or pending.startswith(b"421"):
            return b""
        return pending

    # -- commands ---------------------------------------------------------------------------

    def command(self, line: str | bytes, *, timeout: float | None = None) -> Reply:
        """Send one command line (CRLF appended) and read its reply.

        The client core frames it, so a line it would never send (CR or LF inside, an
        RFC 821 #-literal, a command while message content is owed) is refused as our
        own fault; ``send_raw`` sends such octets on purpose.
        """
        return self._one(self._framed(lambda: self._command_octets(line)), timeout)

    def bdat(self, chunk: bytes, *, last: bool = False) -> Reply:
        """BDAT with ``chunk`` (RFC 3030 §2) and its reply.

        Sent out of step: a target that misreads the chunk as commands answers them, and
        those replies are evidence for the test, not a framing fault of the session.
        """
        self._send_raw(self._framed(lambda: self._frame(Bdat(chunk, last))))
        return self.read_reply()

    def _framed(self, frame: Callable[[], bytes]) -> bytes:
        """The core's octets for what is sent next; a session that can carry nothing
        more (closed, given up on) says so before the core is asked."""
        self._usable("send a command")
        return frame()

    def _one(self, data: bytes, timeout: float | None) -> Reply:
        self._send_command(data)
        reply = self.read_reply(timeout)
        self._check_unasked(f"with the reply to {self._last_command}")
        return reply

    def pipeline(
        self, *items: str | bytes | Content | Bdat, timeout: float | None = None
    ) -> list[Reply]:
        """Send ``items`` in one write (RFC 2920 §3.1) and read one reply for each, in
        order, as the core pairs them.

        A target that stops answering (timeout) or closes yields fewer replies, so a
        test fails on what is missing instead of erroring in the harness.
        """
        try:
            self._send_raw(self._framed(lambda: b"".join(self._frame(item) for item in items)))
        except TargetClosedConnection:
            return []
        replies: list[Reply] = []
        for _ in items:
            try:
                replies.append(self.read_reply(timeout))
            except (TargetTimeout, TargetClosedConnection):
                break
        return replies

    def _frame(self, item: str | bytes | Content | Bdat) -> bytes:
        if isinstance(item, Content):
            return self._core.content(item.message)
        if isinstance(item, Bdat):
            if self._core.state is ClientState.CLOSED:
                return self._after_goodbye(bdat_octets(item.chunk, last=item.last))
            return self._core.bdat(item.chunk, last=item.last)
        return self._command_octets(item)

    def _command_octets(self, line: str | bytes) -> bytes:
        if self._core.state is ClientState.CLOSED:
            raw = line.encode("utf-8") if isinstance(line, str) else line
            return self._after_goodbye(raw + b"\r\n")
        return self._core.command(line)

    def _after_goodbye(self, data: bytes) -> bytes:
        # The target said 221 or 421, which ends the client's model of the session;
        # whether it really closed is what a test sending more finds out, so the octets
        # go raw and earn one reply if the target is still there.
        return self._core.raw(data, replies=1)

    def send_raw(self, data: bytes, *, replies: int) -> None:
        """Send ``data`` exactly as given: malformed commands, bare CR or LF, smuggled
        text.  ``replies`` is how many replies a conforming target gives to it; the core
        pairs them so the replies to later commands stay theirs."""
        self._send_raw(self._framed(lambda: self._core.raw(data, replies=replies)))

    def ehlo(self, name: str = "conformance.test") -> Reply:
        """EHLO (RFC 5321 §4.1.1.1); on 250 ``extensions`` maps keywords to parameters."""
        reply = self.command(f"EHLO {name}")
        if reply.code == 250:
            self.extensions = _parse_extensions(reply)
        return reply

    def helo(self, name: str = "conformance.test") -> Reply:
        return self.command(f"HELO {name}")

    def establish(self, name: str = "conformance.test", *, authenticate: bool = True) -> Reply:
        """Bring the session to where a mail transaction may start; return the EHLO reply.

        EHLO; STARTTLS and a fresh EHLO when the target requires TLS (``smtp+starttls://``,
        ``submission://``) or when its credentials are to be used and AUTH is only offered
        under TLS; then, with ``authenticate``, AUTH PLAIN with the target's credentials
        (RFC 6409 §4.3: a submission server may refuse MAIL before AUTH).  The first reply
        that is not the expected 250 / 220 / 235 is returned instead, for the caller to
        assert on.
        """
        reply = self.ehlo(name)
        if reply.code != 250:
            return reply
        if self._tls_wanted(authenticate):
            started = self.starttls()
            if started.code != 220:
                return started
            reply = self.ehlo(name)
            if reply.code != 250:
                return reply
        if authenticate:
            login = self.authenticate()
            if login is not None and login.code != 235:
                return login
        return reply

    def _tls_wanted(self, authenticate: bool) -> bool:
        if self.tls_active:
            return False
        if self.target.security is Security.STARTTLS:
            return True
        return (
            authenticate
            and self.target.has_credentials
            and "AUTH" not in self.extensions
            and "STARTTLS" in self.extensions
        )

    def authenticate(self) -> Reply | None:
        """AUTH PLAIN with the target's credentials; None when it has none or it is done."""
        target = self.target
        if self.authenticated or target.user is None or target.password is None:
            return None
        reply = self.auth_plain(target.user, target.password)
        self.authenticated = reply.code == 235
        return reply

    def mail(self, from_: str, params: str = "") -> Reply:
        return self.command(f"MAIL FROM:<{from_}>" + (f" {params}" if params else ""))

    def rcpt(self, to: str, params: str = "") -> Reply:
        return self.command(f"RCPT TO:<{to}>" + (f" {params}" if params else ""))

    def data(self, message: bytes) -> Reply:
        """DATA; on 354 send ``message`` dot-stuffed and terminated; return the final reply.

        ``message`` should use CRLF line ends: the core refuses a bare CR or LF in it.
        """
        reply = self.command("DATA")
        if reply.code != 354:
            return reply
        return self.content(message)

    def content(self, message: bytes, *, timeout: float | None = None) -> Reply:
        """After a 354: ``message`` dot-stuffed and terminated (RFC 5321 §4.5.2, the
        reference clients' rule), and the reply to it."""
        self._send_command(self._framed(lambda: self._core.content(message)))
        self._last_command = f"the end of data ({len(message)} octets)"
        reply = self.read_reply(timeout)
        self._check_unasked(f"with the reply to {self._last_command}")
        return reply

    def send_raw_data(self, payload: bytes) -> Reply:
        """DATA; on 354 send ``payload`` verbatim (no stuffing, no terminator added)."""
        reply = self.command("DATA")
        if reply.code != 354:
            return reply
        self.send_raw(payload, replies=1)
        self._last_command = f"a raw data payload ({len(payload)} octets)"
        return self.read_reply()

    def rset(self) -> Reply:
        return self.command("RSET")

    def noop(self) -> Reply:
        return self.command("NOOP")

    def quit(self) -> Reply:
        """QUIT; the connection is left for ``expect_closed`` to observe."""
        return self.command("QUIT")

    def starttls(self, trailing: bytes = b"") -> Reply:
        """STARTTLS (RFC 3207); on 220 perform the handshake and forget the extensions.

        ``trailing`` octets leave in the same write as ``STARTTLS\\r\\n`` (a plaintext
        injection probe, CVE-2011-0411); they are sent exactly as given.  Octets the server
        sent after the 220 and before the handshake are kept in ``plaintext_after_starttls``
        (they must not be read as protected replies).
        """
        command = self._framed(lambda: self._core.command("STARTTLS"))
        if trailing:
            self._send_raw(command + self._core.raw(trailing, replies=0))
        else:
            self._send_command(command)
        reply = self.read_reply()
        if reply.code == 220:
            self.plaintext_after_starttls = self._core.pending
            self._wrap_tls(after="220 to STARTTLS (RFC 3207 §4: 220 Ready to start TLS)")
            self._core.tls_started()
            # RFC 3207 §4.2: the client MUST discard knowledge obtained before TLS.
            self.extensions = {}
            self.authenticated = False
        return reply

    # -- AUTH (RFC 4954) ----------------------------------------------------------------------

    def auth_plain(self, user: str, password: str, authzid: str = "") -> Reply:
        """AUTH PLAIN with an initial response (RFC 4616 §2)."""
        message = plain_response(user, password, authzid)
        return self.command(b"AUTH PLAIN " + encode_sasl_base64(message, initial_response=True))

    def auth_login(self, user: str, password: str) -> Reply:
        """AUTH LOGIN: user name and password each answer one 334 challenge."""
        reply = self.command("AUTH LOGIN")
        for answer in login_responses(user, password):
            if reply.code != 334:
                return reply
            reply = self.command(encode_sasl_base64(answer))
        return reply

    def auth_cram_md5(self, user: str, password: str) -> Reply:
        """AUTH CRAM-MD5 (RFC 2195): answer the challenge with an HMAC-MD5 digest."""
        reply = self.command("AUTH CRAM-MD5")
        if reply.code != 334:
            return reply
        challenge = decode_sasl_base64(reply.lines[0]) if reply.lines else None
        if challenge is None:
            return self.command(b"*")  # RFC 4954 §4: cancel an exchange we cannot answer
        return self.command(encode_sasl_base64(cram_md5_response(challenge, user, password)))


def _parse_extensions(reply: Reply) -> dict[str, str]:
    """EHLO keywords (RFC 5321 §4.1.1.1), upper-cased, to their parameter strings."""
    extensions: dict[str, str] = {}
    for line in reply.lines[1:]:
        keyword, _, params = line.decode("utf-8", "replace").strip().partition(" ")
        if keyword:
            extensions[keyword.upper()] = params.strip()
    return extensions
