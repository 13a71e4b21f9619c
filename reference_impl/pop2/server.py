"""The asyncio shell around the sans-IO POP2 server core.

It feeds the core from one reusable buffer per connection and does what the core
cannot: list, read and delete messages in worker threads, and keep timeout T2
(RFC 937 page 11).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reference_impl._shell import ConnectionLimits, CoreProtocol
from reference_impl.pop2._config import ServerConfig
from reference_impl.pop2._events import (
    ConnectionClosed,
    ListedMessage,
    MailboxReleased,
    MailboxRequested,
    MessageRequested,
)
from reference_impl.pop2._server import Event, ServerConnection
from reference_impl.store import LOCKS, MaildropLocks, MailStore

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
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    session_log_dir: Path | None = None  # one transcript file per connection there
    locks: MaildropLocks = field(default=LOCKS)  # shared with POP3
    connection_factory: Callable[..., ServerConnection] = ServerConnection


def _listing(store: MailStore, mailbox: str) -> tuple[ListedMessage, ...]:
    return tuple(ListedMessage(uid=m.uid, size=m.size) for m in store.messages(mailbox))


class _Pop2Protocol(CoreProtocol[ServerConnection, Event]):
    def __init__(self, listener: Listener) -> None:
        super().__init__(
            buffer_size=_READ_BUFFER,
            idle_timeout=listener.idle_timeout,
            log=log,
            limits=listener.limits,
            session_log_dir=listener.session_log_dir,
            busy_reply=b"- too many connections, try later\r\n",  # RFC 937: "-" is an error
        )
        self._listener = listener
        self._locked: str | None = None  # the mailbox this session holds

    def _make_core(self, peer_ip: str) -> ServerConnection:
        return self._listener.connection_factory(self._listener.config)

    def _next_event(self) -> Event | None:
        return self._conn.next_event()

    def _handle(self, event: Event) -> bool:
        match event:
            case MailboxRequested():
                self._spawn(self._open(event))
            case MessageRequested():
                self._spawn(self._load(event))
            case MailboxReleased():
                self._spawn(self._release(event))
            case ConnectionClosed():
                self._close()  # keep pumping: the release of the mailbox may follow
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._conn.connection_lost()  # the session ends: messages marked by ACKD go
        releases = [e for e in iter(self._conn.next_event, None) if isinstance(e, MailboxReleased)]
        for event in releases:
            self._spawn(self._release(event))
        if not releases:
            self._unlock()  # else once the marked messages are gone

    def _unlock(self) -> None:
        if self._locked is not None:
            self._listener.locks.release(self._listener.store, self._locked)
            self._locked = None

    def _lock(self, mailbox: str) -> bool:
        """Hold ``mailbox`` (the one this session held is let go); False if another
        session holds it."""
        if mailbox == self._locked:
            return True
        if not self._listener.locks.acquire(self._listener.store, mailbox):
            return False
        self._unlock()
        self._locked = mailbox
        return True

    async def _open(self, event: MailboxRequested) -> None:
        if not self._lock(event.mailbox):
            self._conn.mailbox_locked()
            self._pump()
            return
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
        else:
            self._unlock()  # the end of the session's release


async def start_server(
    listener: Listener, *, host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Listen on ``host:port`` (0: the OS chooses); the caller closes the server."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Pop2Protocol(listener), host, port, reuse_address=True)
