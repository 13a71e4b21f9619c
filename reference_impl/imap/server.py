"""The asyncio shell around the sans-IO IMAP server core.

It feeds the core, runs the store work of each command in a worker thread (the store
blocks), tells the core when its selected mailbox changes (the store's change feed,
for IDLE, RFC 2177), runs the TLS handshake (STARTTLS, RFC 9051 §6.2.1; IMAPS,
RFC 8314 §3) and keeps the autologout timer (RFC 9051 §5.4).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reference_impl._shell import ConnectionLimits, CoreProtocol, ObserverFactory
from reference_impl.imap._config import ServerConfig
from reference_impl.imap._events import ConnectionClosed, Event, StartTLS, StoreWork, WatchMailbox
from reference_impl.imap._server import ServerConnection
from reference_impl.store import MailboxChange, MailStore, Watch

__all__ = ["Listener", "start_server"]

log = logging.getLogger("reference_impl.imap")

_READ_BUFFER = 64 * 1024


@dataclass(frozen=True, kw_only=True)
class Listener:
    """How one listening socket behaves."""

    config: ServerConfig
    store: MailStore
    tls_context: ssl.SSLContext | None = None
    implicit_tls: bool = False  # imaps: TLS from the first octet (RFC 8314 §3)
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    session_log_dir: Path | None = None  # one transcript file per connection there
    observer: ObserverFactory | None = None  # watches each connection (the judge)
    connection_factory: Callable[..., ServerConnection] = ServerConnection


class _ImapProtocol(CoreProtocol[ServerConnection, Event]):
    def __init__(self, listener: Listener) -> None:
        super().__init__(
            buffer_size=_READ_BUFFER,
            idle_timeout=listener.config.autologout,
            log=log,
            limits=listener.limits,
            session_log_dir=listener.session_log_dir,
            observer=listener.observer,
            busy_reply=b"* BYE [UNAVAILABLE] too many connections, try later\r\n",  # RFC 5530
        )
        self._listener = listener
        self._watch: Watch | None = None

    def _make_core(self, peer_ip: str) -> ServerConnection:
        return self._listener.connection_factory(
            self._listener.config, tls_active=self._listener.implicit_tls
        )

    def _next_event(self) -> Event | None:
        return self._conn.next_event()

    def _handle(self, event: Event) -> bool:
        match event:
            case StoreWork():
                # The next command waits for this one: reading waits too, so a client
                # that pipelines without end does not fill the core's buffer meanwhile.
                self._pause("store")
                self._spawn(self._run(event))
            case WatchMailbox():
                self._rewatch(event)
            case StartTLS():
                assert self._listener.tls_context is not None
                self._begin_tls(self._listener.tls_context, self._conn.tls_started)
                return False
            case ConnectionClosed():
                self._close()
                return False
        return True

    async def _run(self, event: StoreWork) -> None:
        try:
            reply = await asyncio.to_thread(event.work, self._listener.store)
        except Exception:
            log.exception("%s store work failed", self._peer)
            self._conn.work_failed()
        else:
            self._conn.work_done(reply)
        if not self._lost:
            self._resume("store")
            self._pump()

    def _rewatch(self, event: WatchMailbox) -> None:
        self._unwatch()
        if event.mailbox is not None:
            loop = asyncio.get_running_loop()

            def changed(change: MailboxChange) -> None:
                # Called in the writer's thread: hand it to this connection's loop.
                loop.call_soon_threadsafe(self._changed)

            self._watch = self._listener.store.watch(event.user, event.mailbox, changed)

    def _changed(self) -> None:
        if not self._lost:
            self._conn.mailbox_changed()
            self._pump()

    def _unwatch(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._unwatch()


async def start_server(
    listener: Listener, *, host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Listen on ``host:port`` (0: the OS chooses); the caller closes the server."""
    loop = asyncio.get_running_loop()
    ssl_context = listener.tls_context if listener.implicit_tls else None
    return await loop.create_server(
        lambda: _ImapProtocol(listener), host, port, ssl=ssl_context, reuse_address=True
    )
