"""The asyncio shell around the sans-IO POP3 server core.

It feeds the core from one reusable buffer per connection, and does what the
core cannot: hold the per-user maildrop lock (RFC 1939 §4), read and delete
messages in worker threads, run the TLS handshake, and keep the autologout
timer (RFC 1939 §3).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reference_impl._shell import ConnectionLimits, CoreProtocol, ObserverFactory
from reference_impl.pop3._config import ServerConfig
from reference_impl.pop3._events import (
    ConnectionClosed,
    MaildropRequested,
    MessageRequested,
    StartTLS,
    UpdateRequested,
)
from reference_impl.pop3._maildrop import LOCKS, MaildropLocks, read_maildrop
from reference_impl.pop3._server import Event, ServerConnection
from reference_impl.store import MailStore, NoSuchMessage

__all__ = ["Listener", "MaildropLocks", "start_server"]

log = logging.getLogger("reference_impl.pop3")

_READ_BUFFER = 64 * 1024


@dataclass(frozen=True, kw_only=True)
class Listener:
    """How one listening socket behaves."""

    config: ServerConfig
    store: MailStore
    tls_context: ssl.SSLContext | None = None
    implicit_tls: bool = False  # pop3s: TLS from the first octet (RFC 8314 §3)
    # RFC 1939 §3: "at least 10 minutes"; an autologout skips UPDATE, so
    # nothing is deleted.
    autologout: float = 600.0
    locks: MaildropLocks = field(default=LOCKS)
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    session_log_dir: Path | None = None  # one transcript file per connection there
    observer: ObserverFactory | None = None  # watches each connection (the judge)
    connection_factory: Callable[..., ServerConnection] = ServerConnection


class _Pop3Protocol(CoreProtocol[ServerConnection, Event]):
    def __init__(self, listener: Listener) -> None:
        super().__init__(
            buffer_size=_READ_BUFFER,
            idle_timeout=listener.autologout,
            log=log,
            limits=listener.limits,
            session_log_dir=listener.session_log_dir,
            observer=listener.observer,
            busy_reply=b"-ERR [SYS/TEMP] too many connections, try later\r\n",  # RFC 3206
            implicit_tls=listener.tls_context if listener.implicit_tls else None,
        )
        self._listener = listener
        self._locked: str | None = None  # the user whose maildrop this session holds

    def _make_core(self, peer_ip: str) -> ServerConnection:
        return self._listener.connection_factory(
            self._listener.config, tls_active=self._listener.implicit_tls
        )

    def _next_event(self) -> Event | None:
        return self._conn.next_event()

    def _handle(self, event: Event) -> bool:
        match event:
            case MaildropRequested():
                self._open(event.user)
            case MessageRequested():
                self._spawn(self._load(event))
            case UpdateRequested():
                self._spawn(self._update(event))
            case StartTLS():
                assert self._listener.tls_context is not None
                self._begin_tls(self._listener.tls_context, self._conn.tls_started)
                return False
            case ConnectionClosed():
                self._close()
                return False
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        # A dropped connection never reaches UPDATE: nothing is deleted (RFC 1939 §8).
        super().connection_lost(exc)
        self._unlock()

    def _unlock(self) -> None:
        if self._locked is not None:
            self._listener.locks.release(self._listener.store, self._locked)
            self._locked = None

    def _open(self, user: str) -> None:
        if not self._listener.locks.acquire(self._listener.store, user):
            self._conn.maildrop_locked()
            return
        self._locked = user
        self._spawn(self._list(user))

    async def _list(self, user: str) -> None:
        try:
            maildrop = await asyncio.to_thread(read_maildrop, self._listener.store, user)
        except Exception:
            log.exception("cannot list the maildrop of %s", user)
            self._unlock()  # RFC 1939 §4: release before the negative response
            self._conn.maildrop_failed()
        else:
            self._conn.maildrop_opened(maildrop)
        self._pump()

    async def _load(self, event: MessageRequested) -> None:
        try:
            data = await asyncio.to_thread(self._listener.store.read, event.user, event.uid)
        except NoSuchMessage:
            self._conn.message_failed(permanent=True)
        except Exception:
            log.exception("cannot read message %d of %s", event.uid, event.user)
            self._conn.message_failed()
        else:
            self._conn.message_loaded(data)
        self._pump()

    async def _update(self, event: UpdateRequested) -> None:
        ok = True
        if event.deleted_uids:
            try:
                await asyncio.to_thread(self._listener.store.delete, event.user, event.deleted_uids)
            except Exception:
                log.exception("cannot delete messages of %s", event.user)
                ok = False
        self._unlock()  # RFC 1939 §6: released "whether the removal was successful or not"
        self._conn.update_done(ok)
        self._pump()


async def start_server(
    listener: Listener, *, host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Listen on ``host:port`` (0: the OS chooses); the caller closes the server."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Pop3Protocol(listener), host, port, reuse_address=True)
