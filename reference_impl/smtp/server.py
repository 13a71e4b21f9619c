"""The asyncio shell around the sans-IO SMTP server core.

It reads into one reusable buffer per connection (``BufferedProtocol``),
hands the octets to :class:`ServerConnection`, and does the three things the
core cannot: write to the store (in a worker thread, fsynced before the 250),
run the TLS handshake, and keep the idle timer of RFC 5321 §4.5.3.2.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._events import ConnectionClosed, MessageReceived, StartTLS
from reference_impl.smtp._server import ServerConnection
from reference_impl.store import MailStore

__all__ = ["Listener", "start_server"]

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
    # Builds the core for each connection; tests substitute deliberately
    # broken cores here to prove the suites catch them.
    connection_factory: Callable[..., ServerConnection] = ServerConnection


class _SmtpProtocol(asyncio.BufferedProtocol):
    def __init__(self, listener: Listener) -> None:
        self._listener = listener
        self._buffer = bytearray(_READ_BUFFER)
        self._view = memoryview(self._buffer)
        self._transport: asyncio.Transport | None = None
        self._conn: ServerConnection | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._peer = "?"
        self._tasks: set[asyncio.Task[None]] = set()
        # Octets decrypted before start_tls() has returned: they belong to
        # the new TLS session, which the core enters only after the handshake.
        self._early: bytearray | None = None

    # -- asyncio callbacks ---------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        peer = transport.get_extra_info("peername") or ("?", 0)
        self._peer = f"{peer[0]}:{peer[1]}"
        self._conn = self._listener.connection_factory(
            self._listener.config,
            peer_ip=str(peer[0]),
            tls_active=self._listener.implicit_tls,
        )
        log.info("%s connected", self._peer)
        self._flush()
        self._restart_timer()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        assert self._conn is not None
        self._restart_timer()
        if self._early is not None:
            self._early += self._view[:nbytes]
            return
        self._conn.receive_data(self._view[:nbytes])
        self._pump()

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        log.info("%s disconnected%s", self._peer, f" ({exc})" if exc else "")

    # -- driving the core --------------------------------------------------------

    def _pump(self) -> None:
        assert self._conn is not None and self._transport is not None
        while (event := self._conn.next_event()) is not None:
            if isinstance(event, MessageReceived):
                self._transport.pause_reading()
                self._spawn(self._store(event))
            elif isinstance(event, StartTLS):
                # Pause now: the client's handshake must reach the TLS layer,
                # not this protocol (which would discard it).
                self._transport.pause_reading()
                self._flush()
                self._spawn(self._start_tls())
                return
            elif isinstance(event, ConnectionClosed):
                self._flush()
                self._transport.close()
                return
        self._flush()

    def _flush(self) -> None:
        assert self._conn is not None and self._transport is not None
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
        assert self._conn is not None
        log.info("%s idle for %.0f s: closing", self._peer, self._listener.idle_timeout)
        self._conn.timed_out()
        self._pump()

    # -- the shell's duties ------------------------------------------------------

    async def _store(self, event: MessageReceived) -> None:
        assert self._conn is not None and self._transport is not None
        data = event.trace + event.content
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
        if not self._transport.is_closing():
            self._transport.resume_reading()
        self._pump()

    def _deliver(self, mailboxes: tuple[str, ...], data: bytes) -> None:
        for mailbox in mailboxes:
            self._listener.store.deliver(mailbox, data)

    async def _start_tls(self) -> None:
        assert self._conn is not None and self._transport is not None
        context = self._listener.tls_context
        assert context is not None
        loop = asyncio.get_running_loop()
        self._early = bytearray()
        try:
            transport = await loop.start_tls(self._transport, self, context, server_side=True)
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            log.info("%s TLS handshake failed: %s", self._peer, exc)
            self._transport.close()
            return
        if transport is None:
            return
        self._transport = transport
        self._conn.tls_started()
        log.info("%s TLS established", self._peer)
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
        lambda: _SmtpProtocol(listener), host, port, ssl=ssl_context, reuse_address=True
    )
