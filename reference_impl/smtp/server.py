"""The asyncio shell around the sans-IO SMTP server core.

It reads into one reusable buffer per connection (``BufferedProtocol``),
hands the octets to :class:`ServerConnection`, and does the three things the
core cannot: write to the store (in a worker thread, fsynced before the 250),
run the TLS handshake, and keep the idle timer of RFC 5321 §4.5.3.2.

With a :class:`MessageSink` the listener runs the whole protocol, with every check,
but counts and hashes each accepted message instead of storing it: a server to
measure clients and the protocol path against, without the disk.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reference_impl._defects import ClientDefect
from reference_impl._service import MessageSink
from reference_impl._shell import ConnectionLimits, CoreProtocol, ObserverFactory
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._events import ConnectionClosed, MessageReceived, StartTLS
from reference_impl.smtp._server import Event, ServerConnection
from reference_impl.smtp._transaction import return_path_field
from reference_impl.store import MailStore

__all__ = ["Listener", "MessageSink", "start_server"]
log = logging.getLogger("reference_impl.smtp")

_READ_BUFFER = 256 * 1024


@dataclass(frozen=True, kw_only=True)
class Listener:
    """How one listening socket behaves."""

    config: ServerConfig
    store: MailStore
    tls_context: ssl.SSLContext | None = None
    implicit_tls: bool = False  # smtps (RFC 8314 §3): TLS from the first octet
    idle_timeout: float = 300.0  # §4.5.3.2.7: at least 5 minutes
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    session_log_dir: Path | None = None  # one transcript file per connection there
    sink: MessageSink | None = None  # count and hash messages instead of storing them
    observer: ObserverFactory | None = None  # watches each connection (the judge)
    # Builds the core for each connection; tests substitute deliberately
    # broken cores here to prove the suites catch them.
    connection_factory: Callable[..., ServerConnection] = ServerConnection


class _SmtpProtocol(CoreProtocol[ServerConnection, Event]):
    def __init__(self, listener: Listener) -> None:
        # RFC 5321 §3.8: a server that cannot take the connection answers 421.
        busy = f"421 4.7.0 {listener.config.hostname} too many connections, try later\r\n"
        super().__init__(
            buffer_size=_READ_BUFFER,
            idle_timeout=listener.idle_timeout,
            log=log,
            limits=listener.limits,
            session_log_dir=listener.session_log_dir,
            busy_reply=busy.encode("ascii", "replace"),
            implicit_tls=listener.tls_context if listener.implicit_tls else None,
            observer=listener.observer,
        )
        self._listener = listener

    def _make_core(self, peer_ip: str) -> ServerConnection:
        return self._listener.connection_factory(
            self._listener.config, peer_ip=peer_ip, tls_active=self._listener.implicit_tls
        )

    def _next_event(self) -> Event | None:
        return self._conn.next_event()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._core_made:
            self._conn.connection_lost()  # mail data the client left unended
            for event in iter(self._conn.next_event, None):
                if isinstance(event, ClientDefect):
                    self._client_defect(event.defect)
        super().connection_lost(exc)

    def _handle(self, event: Event) -> bool:
        match event:
            case MessageReceived() if self._listener.sink is not None:
                digest = self._listener.sink.take(event.content)
                log.info("%s accepted %d octets, sha256 %s", self._peer, len(event.content), digest)
                self._conn.message_stored()
            case MessageReceived():
                self._pause()  # no next command before this message is stored
                self._spawn(self._store(event))
            case StartTLS():
                assert self._listener.tls_context is not None
                self._begin_tls(self._listener.tls_context, self._conn.tls_started)
                return False
            case ConnectionClosed():
                self._close()
                return False
        return True

    async def _store(self, event: MessageReceived) -> None:
        # Stored here is final delivery: the return-path line goes on top (RFC 5321 §4.4).
        data = return_path_field(event.envelope) + event.trace + event.content
        try:
            await asyncio.to_thread(self._deliver, event.envelope.mailboxes, data)
        except Exception:
            log.exception("%s could not store a message", self._peer)
            self._conn.message_failed()
        else:
            log.info(
                "%s stored %d octets from <%s> for %s",
                self._peer,
                len(data),
                event.envelope.sender,
                ", ".join(event.envelope.mailboxes),
            )
            self._conn.message_stored()
        self._resume()
        self._pump()

    def _deliver(self, mailboxes: tuple[str, ...], data: bytes) -> None:
        for mailbox in mailboxes:
            self._listener.store.deliver(mailbox, data)


async def start_server(
    listener: Listener, *, host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Listen on ``host:port`` (0: the OS chooses); the caller closes the server."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _SmtpProtocol(listener), host, port, reuse_address=True)
