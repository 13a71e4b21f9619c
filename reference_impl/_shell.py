"""The asyncio plumbing shared by the reference servers' shells.

A shell owns one sans-IO core per connection. :class:`CoreProtocol` reads
into one reusable buffer (``BufferedProtocol``), feeds the core, writes what
the core has to send, restarts the idle timer on every read, keeps the tasks
it spawns alive until they finish, and runs a STARTTLS-style handshake. What
is left to a subclass is the protocol's own events: storing a message,
opening a maildrop, and so on.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Coroutine
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["CoreProtocol", "SansIOCore"]


class SansIOCore(Protocol):
    """What a shell needs from a server core."""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None: ...

    def data_to_send(self) -> bytes: ...

    def timed_out(self) -> None: ...


CoreT = TypeVar("CoreT", bound=SansIOCore)
EventT = TypeVar("EventT")


class CoreProtocol(asyncio.BufferedProtocol, Generic[CoreT, EventT]):
    """One connection: a core driven by asyncio callbacks.

    Subclasses implement :meth:`_make_core`, :meth:`_next_event` and
    :meth:`_handle`; they may extend :meth:`connection_lost`.
    """

    _conn: CoreT  # built in connection_made, once the peer is known

    def __init__(self, *, buffer_size: int, idle_timeout: float, log: logging.Logger) -> None:
        self._view = memoryview(bytearray(buffer_size))
        self._idle_timeout = idle_timeout
        self._log = log
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._peer = "?"
        self._tasks: set[asyncio.Task[None]] = set()
        # Octets decrypted before start_tls() has returned: they belong to
        # the new TLS session, which the core enters only after the handshake.
        self._early: bytearray | None = None

    # -- hooks -------------------------------------------------------------------

    def _make_core(self, peer_ip: str) -> CoreT:
        raise NotImplementedError

    def _next_event(self) -> EventT | None:
        raise NotImplementedError

    def _handle(self, event: EventT) -> bool:
        """Act on one event; False stops the pump (the connection changes hands)."""
        raise NotImplementedError

    # -- asyncio callbacks ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        peer = transport.get_extra_info("peername") or ("?", 0)
        self._peer = f"{peer[0]}:{peer[1]}"
        self._conn = self._make_core(str(peer[0]))
        self._log.info("%s connected", self._peer)
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

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._log.info("%s disconnected%s", self._peer, f" ({exc})" if exc else "")

    # -- driving the core ------------------------------------------------------------

    def _pump(self) -> None:
        while (event := self._next_event()) is not None:
            if not self._handle(event):
                return
        self._flush()

    def _flush(self) -> None:
        assert self._transport is not None
        data = self._conn.data_to_send()
        if data and not self._transport.is_closing():
            self._transport.write(data)

    def _close(self) -> None:
        assert self._transport is not None
        self._flush()
        self._transport.close()

    def _pause(self) -> None:
        assert self._transport is not None
        self._transport.pause_reading()

    def _resume(self) -> None:
        assert self._transport is not None
        if not self._transport.is_closing():
            self._transport.resume_reading()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        # The loop keeps only weak references to tasks: hold them until done.
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._idle_timeout, self._idle)

    def _idle(self) -> None:
        self._log.info("%s idle for %.0f s: closing", self._peer, self._idle_timeout)
        self._conn.timed_out()
        self._pump()

    # -- TLS ---------------------------------------------------------------------------

    def _begin_tls(self, context: ssl.SSLContext, established: Callable[[], None]) -> None:
        """Hand the connection to TLS; ``established`` tells the core it succeeded.

        The caller's :meth:`_handle` returns False right after: no further
        event is read until the handshake is over.
        """
        # Pause now: the client's handshake must reach the TLS layer, not this
        # protocol (which would feed the ClientHello to the core).
        self._pause()
        self._flush()
        self._spawn(self._start_tls(context, established))

    async def _start_tls(self, context: ssl.SSLContext, established: Callable[[], None]) -> None:
        assert self._transport is not None
        loop = asyncio.get_running_loop()
        self._early = bytearray()
        try:
            transport = await loop.start_tls(self._transport, self, context, server_side=True)
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._log.info("%s TLS handshake failed: %s", self._peer, exc)
            self._transport.close()
            return
        if transport is None:
            return
        self._transport = transport
        established()
        self._log.info("%s TLS established", self._peer)
        early, self._early = self._early, None
        if early:
            self._conn.receive_data(early)
        self._pump()
