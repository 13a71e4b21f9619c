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
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from reference_impl.pop3._config import ServerConfig
from reference_impl.pop3._events import (
    ConnectionClosed,
    MaildropRequested,
    MessageRequested,
    StartTLS,
    UpdateRequested,
)
from reference_impl.pop3._maildrop import LOCKS, MaildropLocks, read_maildrop
from reference_impl.pop3._server import ServerConnection
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
    autologout: float = 600.0  # RFC 1939 §3: "at least 10 minutes"
    locks: MaildropLocks = field(default=LOCKS)
    connection_factory: Callable[..., ServerConnection] = ServerConnection


class _Pop3Protocol(asyncio.BufferedProtocol):
    def __init__(self, listener: Listener) -> None:
        self._listener = listener
        self._view = memoryview(bytearray(_READ_BUFFER))
        self._transport: asyncio.Transport | None = None
        self._conn = listener.connection_factory(listener.config, tls_active=listener.implicit_tls)
        self._timer: asyncio.TimerHandle | None = None
        self._locked: str | None = None  # the user whose maildrop this session holds
        self._tasks: set[asyncio.Task[None]] = set()
        self._early: bytearray | None = None  # decrypted before start_tls() returned

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._flush()
        self._restart_timer()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        self._restart_timer()
        if self._early is not None:
            self._early += self._view[:nbytes]
            return
        self._conn.receive_data(self._view[:nbytes])
        self._pump()

    def connection_lost(self, exc: Exception | None) -> None:
        # A dropped connection never reaches UPDATE: nothing is deleted (RFC 1939 §8).
        if self._timer is not None:
            self._timer.cancel()
        self._unlock()

    def _pump(self) -> None:
        assert self._transport is not None
        while (event := self._conn.next_event()) is not None:
            if isinstance(event, MaildropRequested):
                self._open(event.user)
            elif isinstance(event, MessageRequested):
                self._spawn(self._load(event))
            elif isinstance(event, UpdateRequested):
                self._spawn(self._update(event))
            elif isinstance(event, StartTLS):
                self._transport.pause_reading()  # the handshake is for the TLS layer
                self._flush()
                self._spawn(self._start_tls())
                return
            elif isinstance(event, ConnectionClosed):
                self._flush()
                self._transport.close()
                return
        self._flush()

    def _flush(self) -> None:
        assert self._transport is not None
        data = self._conn.data_to_send()
        if data and not self._transport.is_closing():
            self._transport.write(data)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._listener.autologout, self._autologout)

    def _autologout(self) -> None:
        self._conn.timed_out()  # no UPDATE: nothing is deleted (RFC 1939 §3)
        self._pump()

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

    async def _start_tls(self) -> None:
        assert self._transport is not None and self._listener.tls_context is not None
        loop = asyncio.get_running_loop()
        self._early = bytearray()
        try:
            transport = await loop.start_tls(
                self._transport, self, self._listener.tls_context, server_side=True
            )
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            log.info("TLS handshake failed: %s", exc)
            self._transport.close()
            return
        if transport is None:
            return
        self._transport = transport
        self._conn.tls_started()
        early, self._early = self._early, None
        if early:
            self._conn.receive_data(early)
        self._pump()


async def start_server(
    listener: Listener, *, host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Listen on ``host:port`` (0: the OS chooses); the caller closes the server."""
    loop = asyncio.get_running_loop()
    ssl_context = listener.tls_context if listener.implicit_tls else None
    return await loop.create_server(
        lambda: _Pop3Protocol(listener), host, port, ssl=ssl_context, reuse_address=True
    )
