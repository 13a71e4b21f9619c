"""The connection under every protocol session: bounded connect, recorded send and receive,
TLS (implicit or after STARTTLS / STLS), and closing.

Protocol sessions subclass ``WireSession`` and say only how received octets are parsed
(``_feed``) and how a timeout is worded; what happens on the wire is written once here so
every protocol records and reports it the same way.
"""

from __future__ import annotations

import errno
import socket
import ssl
import time
from typing import ClassVar, NoReturn, Self

from ._errors import TargetClosedConnection, TargetTimeout, TargetUnreachable
from ._targets import Security, SmtpTarget
from ._transcript import Transcript

__all__ = ["DEFAULT_TIMEOUT", "WireSession", "tls_context"]

DEFAULT_TIMEOUT = 10.0
_RECV_SIZE = 65536


def tls_context(target: SmtpTarget) -> ssl.SSLContext:
    """A client context from the target's TLS settings; no verification unless asked."""
    if target.tls.verify:
        cafile = str(target.tls.ca_file) if target.tls.ca_file else None
        return ssl.create_default_context(cafile=cafile)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if exc.errno == errno.ECONNREFUSED:
        return "connection refused"
    return (exc.strerror or str(exc)).lower()


def _describe(data: bytes) -> str:
    """How a timeout message names what was sent: the line, or its start and size."""
    text = data.removesuffix(b"\r\n").decode("utf-8", "replace")
    if len(data) <= 80 and "\n" not in text:
        return repr(text)
    return f"{len(data)} octets starting {text[:40]!r}"


class WireSession:
    """One recorded connection to a target; subclasses add the protocol."""

    protocol: ClassVar[str]  # the transcript label prefix, e.g. "smtp"

    def __init__(
        self,
        sock: socket.socket,
        *,
        target: SmtpTarget,
        transcript: Transcript,
        label: str,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.target = target
        self.transcript = transcript
        self.label = label
        self.timeout = timeout
        self.closed = False
        self._sock: socket.socket = sock
        self._last_command = "the greeting"

    @classmethod
    def _open(
        cls, target: SmtpTarget, *, transcript: Transcript | None, label: str | None, timeout: float
    ) -> Self:
        """Open a TCP connection (with TLS for an implicit-TLS target) and record it."""
        transcript = transcript if transcript is not None else Transcript()
        label = label or transcript.new_label(cls.protocol)
        try:
            sock = socket.create_connection((target.host, target.port), timeout=timeout)
        except OSError as exc:
            raise TargetUnreachable(f"cannot connect to {target.url}: {_reason(exc)}") from None
        transcript.open_session(
            label, host=target.host, port=target.port, client_port=sock.getsockname()[1]
        )
        session = cls(sock, target=target, transcript=transcript, label=label, timeout=timeout)
        if target.security is Security.IMPLICIT:
            session._wrap_tls()
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

    def send(self, data: bytes) -> None:
        """Send octets exactly as given."""
        self._last_command = _describe(data)
        self.transcript.sent(self.label, data)
        try:
            self._sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as exc:
            self._closed_by_target(f"while sending ({_reason(exc)})")

    def expect_closed(self, timeout: float | None = None) -> bool:
        """Wait until the target closes the connection; False if it is still open.

        Octets that arrive meanwhile are recorded and parsed as usual.
        """
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not self._receive(deadline):
                self.closed = True
                self._sock.close()
                return True
        return False

    def _feed(self, data: bytes) -> None:
        """Hand received octets to the protocol's parser."""
        raise NotImplementedError

    def _receive(self, deadline: float) -> bool:
        """Receive one chunk before the deadline; False when the target closed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return True  # the caller checks the deadline
        self._sock.settimeout(remaining)
        try:
            data = self._sock.recv(_RECV_SIZE)
        except TimeoutError:
            return True
        except ConnectionResetError:
            self.transcript.note(self.label, "connection reset by the target")
            return False
        if not data:
            self.transcript.note(self.label, "connection closed by the target")
            return False
        self.transcript.received(self.label, data)
        self._feed(data)
        return True

    def _closed_by_target(self, what: str) -> NoReturn:
        self.closed = True
        self._sock.close()
        raise TargetClosedConnection(f"{self.target.url} closed the connection {what}")

    def _wrap_tls(self) -> None:
        context = tls_context(self.target)
        self._sock.settimeout(self.timeout)
        try:
            self._sock = context.wrap_socket(self._sock, server_hostname=self.target.server_name)
        except TimeoutError:
            self.transcript.note(self.label, "TLS handshake timed out")
            raise TargetTimeout(
                f"no TLS handshake from {self.target.url} within {self.timeout} s"
            ) from None
        except ssl.SSLError as exc:
            self.transcript.note(self.label, f"TLS handshake failed: {exc}")
            raise
        assert isinstance(self._sock, ssl.SSLSocket)
        cipher = self._sock.cipher()
        self.transcript.note(
            self.label, f"TLS started: {self._sock.version()} {cipher[0] if cipher else ''}"
        )
