"""The asyncio shell around the sans-IO POP2 server core.

It feeds the core from one reusable buffer per connection and does what the core
cannot: list, read and delete messages in worker threads, and keep timeout T2
(RFC 937 page 11).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from reference_impl.pop2._config import ServerConfig
from reference_impl.pop2._events import (
    ConnectionClosed,
    ListedMessage,
    MailboxReleased,
    MailboxRequested,
    MessageRequested,
)
from reference_impl.pop2._server import ServerConnection
from reference_impl.store import MailStore

__all__ = ["Listener", "start_server"]

log = logging.getLogger("reference_impl.pop2")

_READ_BUFFER = 64 * 1024


@dataclass(frozen=True, kw_only=True)
class Listener:
    """How one listening socket behaves."""

    config: ServerConfig
    store: MailStore
    # T2 (page 11): "a long timeout waiting for the next command".
    idle_timeout: float = 600.0
    connection_factory: Callable[..., ServerConnection] = ServerConnection


def _listing(store: MailStore, mailbox: str) -> tuple[ListedMessage, ...]:
    return tuple(ListedMessage(uid=m.uid, size=m.size) for m in store.messages(mailbox))


class _Pop2Protocol(asyncio.BufferedProtocol):
    def __init__(self, listener: Listener) -> None:
        self._listener = listener
        self._view = memoryview(bytearray(_READ_BUFFER))
        self._transport: asyncio.Transport | None = None
        self._conn = listener.connection_factory(listener.config)
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._flush()
        self._restart_timer()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        self._restart_timer()
        self._conn.receive_data(self._view[:nbytes])
        self._pump()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._conn.connection_lost()  # the session ends: messages marked by ACKD go
        self._pump()

    def _pump(self) -> None:
        assert self._transport is not None
        while (event := self._conn.next_event()) is not None:
            if isinstance(event, MailboxRequested):
                self._spawn(self._open(event))
            elif isinstance(event, MessageRequested):
                self._spawn(self._load(event))
            elif isinstance(event, MailboxReleased):
                self._spawn(self._release(event))
            elif isinstance(event, ConnectionClosed):
                self._flush()
                self._transport.close()
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
        self._timer = loop.call_later(self._listener.idle_timeout, self._idle)

    def _idle(self) -> None:
        self._conn.timed_out()
        self._pump()

    async def _open(self, event: MailboxRequested) -> None:
        try:
            listing = await asyncio.to_thread(_listing, self._listener.store, event.mailbox)
        except Exception:
            log.exception("cannot list mailbox %s", event.mailbox)
            self._conn.mailbox_failed()
        else:
            self._conn.mailbox_opened(listing)
        self._pump()

    async def _load(self, event: MessageRequested) -> None:
        try:
            data = await asyncio.to_thread(self._listener.store.read, event.mailbox, event.uid)
        except Exception:
            log.exception("cannot read message %d of %s", event.uid, event.mailbox)
            self._conn.message_failed()
        else:
            self._conn.message_loaded(data)
        self._pump()

    async def _release(self, event: MailboxReleased) -> None:
        try:
            await asyncio.to_thread(self._listener.store.delete, event.mailbox, event.uids)
        except Exception:
            # ACKD (page 9): "The response is the same whether or not the message
            # was actually deleted."
            log.exception("cannot delete messages of %s", event.mailbox)
        if event.awaited:
            self._conn.release_done()
            self._pump()


async def start_server(
    listener: Listener, *, host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Listen on ``host:port`` (0: the OS chooses); the caller closes the server."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Pop2Protocol(listener), host, port, reuse_address=True)
