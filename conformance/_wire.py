"""The connection under every protocol session: bounded connect, recorded send and receive,
TLS (implicit or after STARTTLS / STLS), closing, and the rules every protocol shares.

Protocol sessions subclass ``WireSession`` and say only how received octets are parsed
(``_feed``), which octets nobody asked for (``_unasked``) and what makes a greeting no
greeting; what happens on the wire is written once here so every protocol records,
bounds and reports it the same way:

- a closed connection is never a reply: a close in the middle of one raises
  ``TargetClosedConnection`` with the fragment as evidence, and so does every later use;
- every wait is bounded, and a target whose replies keep timing out is given up on
  (``TargetGuard``);
- a session sending one command at a time knows that nothing may arrive unasked; octets
  that do are a framing fault of the target (``TargetFramingError``);
- a greeting that never ends or is no greeting fails the greeting tests and makes every
  other use of the session an error at once.
"""

from __future__ import annotations

import errno
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from typing import ClassVar, Generic, NoReturn, Self, TypeVar

from reference_impl._defects import Defect
from reference_impl._escape import escape_octets

from ._errors import (
    HarnessError,
    SessionUnusable,
    TargetClosedConnection,
    TargetFramingError,
    TargetReplyTooLarge,
    TargetTimeout,
    TargetTlsFailure,
    TargetUnreachable,
)
from ._guard import TargetGuard
from ._targets import Security, Target
from ._transcript import Transcript

__all__ = ["DEFAULT_TIMEOUT", "WireSession", "quoted", "tls_context"]

DEFAULT_TIMEOUT = 10.0
_RECV_SIZE = 65536
_EVIDENCE = 200  # octets of a target's reply quoted in a message
_PARTIAL_KEPT = 64 * 1024  # octets of a cut-off reply an exception carries as evidence

# Handshake failures where our own client refused what the target chose (an old protocol
# version, weak keys): a limit of the harness's TLS library, not a broken promise of the
# target.  Every other failure after the target's "ready for TLS" is the target's.
_OUR_REFUSALS = frozenset(
    {
        "UNSUPPORTED_PROTOCOL",
        "NO_PROTOCOLS_AVAILABLE",
        "NO_CIPHERS_AVAILABLE",
        "DH_KEY_TOO_SMALL",
        "EE_KEY_TOO_SMALL",
        "CA_MD_TOO_WEAK",
        "UNSAFE_LEGACY_RENEGOTIATION_DISABLED",
    }
)

_Greeting = TypeVar("_Greeting")


def tls_context(target: Target) -> ssl.SSLContext:
    """A client context from the target's TLS settings; no verification unless asked."""
    if target.tls.verify:
        cafile = str(target.tls.ca_file) if target.tls.ca_file else None
        return ssl.create_default_context(cafile=cafile)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def quoted(data: bytes) -> str:
    """A target's octets for a message: escaped, quoted, and at most ``_EVIDENCE`` long."""
    more = f" (+{len(data) - _EVIDENCE} octets)" if len(data) > _EVIDENCE else ""
    return f"'{escape_octets(data[:_EVIDENCE])}'{more}"


def _reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if exc.errno == errno.ECONNREFUSED:
        return "connection refused"
    return (exc.strerror or str(exc)).lower()


def _describe(data: bytes) -> str:
    """How a message names what was sent: the line, or its start and size."""
    text = escape_octets(data.removesuffix(b"\r\n")[:80])
    if len(data) <= 80 and "\\n" not in text:
        return f"'{text}'"
    return f"{len(data)} octets starting '{text[:40]}'"


class WireSession(Generic[_Greeting]):
    """One recorded connection to a target; subclasses add the protocol."""

    protocol: ClassVar[str]  # the transcript label prefix, e.g. "smtp"
    line_rule: ClassVar[str]  # the sentence a reply line without its end breaks
    reply_rule: ClassVar[str]  # the sentence a reply nobody asked for breaks

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
        self.target = target
        self.transcript = transcript
        self.label = label
        self.timeout = timeout
        self.guard = guard if guard is not None else TargetGuard(url=target.url)
        self.closed = False
        self._sock: socket.socket = sock
        self._last_command = "the greeting"
        self._commands_sent = False
        # One command at a time from the greeting on: then nothing may arrive unasked.
        self._in_step = False
        self._greeting: _Greeting | None = None
        self._greeting_failure: str | None = None
        self._target_closed: str | None = None  # how the target closed, if it did
        self._unusable: str | None = None  # why no command can be sent any more

    @classmethod
    def connect(
        cls,
        target: Target,
        *,
        transcript: Transcript | None = None,
        label: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        read_greeting: bool = True,
        guard: TargetGuard | None = None,
    ) -> Self:
        """Open a TCP (for an implicit-TLS scheme, TLS) connection and, by default, read
        the greeting."""
        session = cls._open(
            target, transcript=transcript, label=label, timeout=timeout, guard=guard
        )
        if read_greeting:
            session._read_greeting(session._read_first)
        return session

    def _read_first(self) -> _Greeting:
        """Read what the target sends first: its greeting."""
        raise NotImplementedError

    @classmethod
    def _open(
        cls,
        target: Target,
        *,
        transcript: Transcript | None,
        label: str | None,
        timeout: float,
        guard: TargetGuard | None = None,
    ) -> Self:
        """Open a TCP connection (with TLS for an implicit-TLS target) and record it."""
        if guard is not None:
            guard.check()
        transcript = transcript if transcript is not None else Transcript()
        label = label or transcript.new_label(cls.protocol)
        try:
            sock = socket.create_connection((target.host, target.port), timeout=timeout)
        except OSError as exc:
            raise TargetUnreachable(f"cannot connect to {target.url}: {_reason(exc)}") from None
        transcript.open_session(
            label, host=target.host, port=target.port, client_port=sock.getsockname()[1]
        )
        session = cls(
            sock, target=target, transcript=transcript, label=label, timeout=timeout, guard=guard
        )
        if target.security is Security.IMPLICIT:
            session._wrap_tls(after=None)
        return session

    def close(self) -> None:
        """Close the socket (idempotent); never sends QUIT by itself."""
        if self.closed:
            return
        self.closed = True
        self.transcript.note(self.label, "connection closed by the harness")
        self._sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def tls_active(self) -> bool:
        return isinstance(self._sock, ssl.SSLSocket)

    # -- the greeting -------------------------------------------------------------------------

    @property
    def greeting(self) -> _Greeting | None:
        """The greeting; a greeting that was no greeting fails whoever looks at it."""
        if self._greeting_failure is not None:
            raise TargetFramingError(self._greeting_failure)
        return self._greeting

    @greeting.setter
    def greeting(self, value: _Greeting | None) -> None:
        self._greeting = value

    def _read_greeting(self, read: Callable[[], _Greeting]) -> None:
        """Read the greeting, or learn (once per target) that it cannot be read."""
        problem = self.guard.greeting_problem
        if problem is None:
            try:
                self._greeting = read()
                problem = self._malformed_greeting(self._greeting)
            except TargetTimeout as exc:
                if not exc.partial:
                    raise  # silence: the timeout counts towards "stopped answering"
                problem = (
                    f"the greeting from {self.target.url} did not end its line within "
                    f"{self.timeout} s: {quoted(exc.partial)} ({self.line_rule})"
                )
            except TargetReplyTooLarge:
                limit = self.guard.limits.max_reply_octets
                problem = (
                    f"the greeting from {self.target.url} did not end within {limit} octets "
                    f"({self.line_rule})"
                )
            if problem is None:
                self._in_step = True
                return
            self.guard.greeting_problem = problem
        self.transcript.note(self.label, "the greeting is unusable")
        self._greeting, self._greeting_failure = None, problem
        self._unusable = f"no command can be sent after a broken greeting: {problem}"

    def _malformed_greeting(self, greeting: _Greeting) -> str | None:
        """Why ``greeting`` is no greeting at all (not merely a defective one), or None."""
        raise NotImplementedError

    # -- sending ------------------------------------------------------------------------------

    def _send_raw(self, data: bytes) -> None:
        """Send octets exactly as given, out of step.

        Whether raw octets earn the replies the caller expects (pipelined commands,
        smuggling probes) is what the test judges, so from here on the session no
        longer treats queued replies as unasked.
        """
        self._in_step = False
        self._transmit(data)

    def _send_command(self, data: bytes) -> None:
        """Send one command whose single reply the caller reads next."""
        self._usable(f"send {_describe(data)}")
        if self._in_step:
            self._receive_waiting()
            self._check_unasked(f"before {_describe(data)} was sent")
        self._transmit(data)

    def _transmit(self, data: bytes) -> None:
        self._usable(f"send {_describe(data)}")
        self._last_command = _describe(data)
        self._commands_sent = True
        self.transcript.sent(self.label, data)
        try:
            self._sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError) as exc:
            self._closed_by_target(f"while {self._last_command} was sent ({exc})")

    def _usable(self, doing: str) -> None:
        """Raise when this session can carry nothing more."""
        if self._target_closed is not None:
            raise TargetClosedConnection(
                f"{self.target.url} had closed the connection {self._target_closed}; cannot {doing}"
            )
        if self._unusable is not None:
            raise SessionUnusable(self._unusable)
        if self.closed:
            raise SessionUnusable(f"the harness had closed this session; cannot {doing}")
        self.guard.check()

    # -- receiving ----------------------------------------------------------------------------

    def expect_closed(self, timeout: float | None = None) -> bool:
        """Wait until the target closes the connection; False if it is still open.

        Octets that arrive meanwhile are recorded and parsed as usual.
        """
        if self._target_closed is not None:
            return True
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not self._receive(deadline):
                self._mark_closed("as expected")
                return True
        return False

    def _feed(self, data: bytes) -> None:
        """Hand received octets to the protocol's parser."""
        raise NotImplementedError

    def _forget_received(self) -> None:
        """Drop the octets received and not yet taken (the transcript keeps the evidence)."""
        raise NotImplementedError

    def _unasked(self) -> bytes:
        """Octets received after the last reply that make up (part of) a reply nobody asked
        for; empty when there are none (or they may be legitimate)."""
        raise NotImplementedError

    def _receive(self, deadline: float) -> bool:
        """Receive one chunk before the deadline; False when the target closed."""
        self._usable("read a reply")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return True  # the caller checks the deadline
        self._sock.settimeout(remaining)
        return self._receive_chunk()

    def _receive_waiting(self) -> None:
        """Take in what has already arrived, without waiting."""
        self._sock.settimeout(0)
        try:
            open_ = self._receive_chunk()
        finally:
            self._sock.settimeout(self.timeout)
        if not open_:
            self._mark_closed(f"after answering {self._last_command}")

    def _receive_chunk(self) -> bool:
        try:
            data = self._sock.recv(_RECV_SIZE)
        except (TimeoutError, BlockingIOError, ssl.SSLWantReadError):
            return True
        except (ConnectionResetError, ssl.SSLError) as exc:
            self.transcript.note(self.label, f"connection reset by the target ({exc})")
            return False
        if not data:
            self.transcript.note(self.label, "connection closed by the target")
            return False
        self.transcript.received(self.label, data)
        self._feed(data)
        return True

    def _saw(self, defects: Iterable[Defect]) -> None:
        """Keep the defects a parser recorded in what the target sent, for the report."""
        for defect in defects:
            self.transcript.defect(self.label, defect)

    def _check_unasked(self, when: str) -> None:
        """A session in step has read every reply it asked for; anything more is a fault."""
        if not self._in_step:
            return
        unasked = self._unasked()
        if not unasked:
            return
        message = (
            f"{self.target.url} sent a reply nobody asked for {when}: {quoted(unasked)} "
            f"({self.reply_rule})"
        )
        self.transcript.note(self.label, "a reply nobody asked for")
        self._unusable = message  # out of step: no later verdict on this session holds
        raise TargetFramingError(message)

    def _answered(self) -> None:
        """A complete reply arrived: the target is answering."""
        if self._commands_sent:
            self.guard.answered()

    def _timed_out(self, limit: float, partial: bytes) -> NoReturn:
        """No complete reply in ``limit`` seconds; ``partial`` is what did arrive."""
        if limit >= self.timeout:  # a deliberately short wait is a probe, not a symptom
            self.guard.timed_out(f"after {self._last_command}")
        if partial:
            # The start of a reply (say two lines of a multi-line one) stays in the
            # exception and the transcript so a test can still judge it.
            self.transcript.note(
                self.label, f"no complete reply within {limit} s; {len(partial)} octets pending"
            )
            raise TargetTimeout(
                f"incomplete reply from {self.target.url} within {limit} s after "
                f"{self._last_command}: {quoted(partial)}",
                partial=partial[:_PARTIAL_KEPT],
            )
        self.transcript.note(self.label, f"no complete reply within {limit} s")
        raise TargetTimeout(
            f"no reply from {self.target.url} within {limit} s after {self._last_command}"
        )

    def _abandon(self, exc: HarnessError) -> NoReturn:
        """The target sent what cannot be read on (too large): close and say why."""
        message = f"{self.target.url}: {exc} (after {self._last_command})"
        self.transcript.note(self.label, f"session abandoned: {exc}")
        self._unusable = f"session abandoned: {message}"
        self._sock.close()
        self.closed = True
        self._forget_received()  # the session may outlive the test in a traceback
        raise type(exc)(message) from None

    def _mark_closed(self, how: str) -> None:
        self.closed = True
        self._target_closed = how
        self._sock.close()

    def _closed_by_target(self, what: str, partial: bytes = b"") -> NoReturn:
        """The target closed: never a reply, whatever had arrived of one."""
        self._mark_closed(what)
        self._forget_received()
        message = f"{self.target.url} closed the connection {what}"
        if partial:
            message += f", in the middle of a reply: {quoted(partial)}"
        raise TargetClosedConnection(message, partial=partial[:_PARTIAL_KEPT])

    # -- TLS ----------------------------------------------------------------------------------

    def _wrap_tls(self, *, after: str | None) -> None:
        """The TLS handshake; ``after`` names the target's "go ahead" (None: implicit TLS)."""
        context = tls_context(self.target)
        self._sock.settimeout(self.timeout)
        try:
            self._sock = context.wrap_socket(self._sock, server_hostname=self.target.server_name)
        except TimeoutError:
            self.transcript.note(self.label, "TLS handshake timed out")
            self._timed_out(self.timeout, b"")
        except (ssl.SSLError, OSError) as exc:
            self._tls_failed(exc, after)
        assert isinstance(self._sock, ssl.SSLSocket)
        cipher = self._sock.cipher()
        self.transcript.note(
            self.label, f"TLS started: {self._sock.version()} {cipher[0] if cipher else ''}"
        )

    def _tls_failed(self, exc: OSError, after: str | None) -> NoReturn:
        self.transcript.note(self.label, f"TLS handshake failed: {exc}")
        self._mark_closed("during the TLS handshake")
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise HarnessError(
                f"the TLS certificate of {self.target.url} was not accepted "
                f"({exc.verify_message}); give the CA in the profile or turn verification off"
            ) from None
        ours = isinstance(exc, ssl.SSLError) and exc.reason in _OUR_REFUSALS
        if after is None or ours:
            raise HarnessError(f"no TLS session with {self.target.url}: {exc}") from None
        raise TargetTlsFailure(
            f"{self.target.url} answered {after}, then failed the TLS handshake: {exc}"
        ) from None
