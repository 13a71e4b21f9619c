"""The asyncio plumbing shared by the reference servers' shells.

A shell owns one sans-IO core per connection. :class:`CoreProtocol` reads
into a reusable buffer (``BufferedProtocol``), feeds the core, writes what
the core has to send, keeps the tasks it spawns alive until they finish, and
runs a STARTTLS-style handshake. What is left to a subclass is the protocol's
own events: storing a message, opening a maildrop, and so on.  What a core reports
the client did wrong (``ClientDefect``) is logged here for every protocol, and noted
in the session's transcript file.

What one client can cost is bounded here, for every protocol at once:

- Backpressure: when the client does not read, the transport's write buffer
  passes its high-water mark and the shell stops reading and stops acting on
  the core's events until it drains, so a pipelining client that never reads
  holds a bounded amount of the server's memory (and the core is fed in
  slices, so one large read cannot multiply into unbounded output at once).
- Nothing is done for a connection that is gone: its queued work is dropped.
- One read buffer per thread, shared by all connections: an idle connection
  costs its core and its transport, not a read buffer.
- The idle timer restarts only on progress (a reply, an event, or a minimum
  number of octets), so a client sending one octet at a time is closed when
  the timeout passes like a silent one (RFC 5321 §4.5.3.2, RFC 1939 §3).
- Connection limits, in total and per client address, answered with the
  protocol's "try later" reply.
- A core's delay (after a failed login) is served by a timer, not a sleep: the
  reply is held and nothing more is read until it fires.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import ssl
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from reference_impl._defects import ClientDefect, Defect
from reference_impl._session_log import SessionLog

__all__ = ["ConnectionLimits", "CoreProtocol", "SansIOCore", "SessionObserver"]

# The transport's write buffer past which the shell stops reading (and resumes once
# it drains below a quarter of it).
_WRITE_HIGH_WATER = 256 * 1024
# How many octets the core is given at a time: what one slice can make it write is
# bounded by this times the protocol's largest reply-to-command ratio.
_FEED_SLICE = 16 * 1024
# Octets that count as progress for the idle timer even without a reply (mail data).
_MIN_PROGRESS = 1024

_READ_BUFFERS = threading.local()


def _read_buffer(size: int) -> memoryview:
    """This thread's read buffer: asyncio fills it and calls buffer_updated in one
    callback, and the data is copied into the core at once, so every connection served
    by this thread's loop can share it."""
    buffer: memoryview | None = getattr(_READ_BUFFERS, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = memoryview(bytearray(size))
        _READ_BUFFERS.buffer = buffer
    return buffer


@dataclass
class ConnectionLimits:
    """How many connections a listener serves at once, in total and per client address.

    Past either limit the connection gets the protocol's temporary refusal (SMTP 421,
    RFC 5321 §3.8; POP3 -ERR [SYS/TEMP], RFC 3206) and is closed.
    """

    total: int = 1000
    per_address: int = 100
    _open: collections.Counter[str] = field(default_factory=collections.Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, address: str) -> bool:
        with self._lock:
            if sum(self._open.values()) >= self.total or self._open[address] >= self.per_address:
                return False
            self._open[address] += 1
            return True

    def release(self, address: str) -> None:
        with self._lock:
            self._open[address] -= 1
            if self._open[address] <= 0:
                del self._open[address]


class SansIOCore(Protocol):
    """What a shell needs from a server core."""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None: ...

    def data_to_send(self) -> bytes: ...

    def timed_out(self) -> None: ...

    @property
    def delay(self) -> float: ...

    def delay_served(self) -> None: ...

    @property
    def pace(self) -> float: ...

    def pace_served(self) -> None: ...


class SessionObserver(Protocol):
    """What watches one connection: its transcript file (``SessionLog``), or the judge
    grading the client (``reference_impl._judge.SessionRecord``)."""

    def received(self, data: bytes) -> None: ...

    def sent(self, data: bytes) -> None: ...

    def note(self, text: str) -> None: ...

    def event(self, event: object) -> None: ...

    def defect(self, defect: Defect) -> None: ...

    def close(self) -> None: ...


# Builds the observer of a connection from its core and its peer ("ip:port").
ObserverFactory = Callable[[Any, str], SessionObserver]

CoreT = TypeVar("CoreT", bound=SansIOCore)
EventT = TypeVar("EventT")


class CoreProtocol(asyncio.BufferedProtocol, Generic[CoreT, EventT]):
    """One connection: a core driven by asyncio callbacks.

    Subclasses implement :meth:`_make_core`, :meth:`_next_event` and
    :meth:`_handle`; they may extend :meth:`connection_lost`.
    """

    _conn: CoreT  # built in connection_made, once the peer is known

    def __init__(
        self,
        *,
        buffer_size: int,
        idle_timeout: float,
        log: logging.Logger,
        limits: ConnectionLimits | None = None,
        busy_reply: bytes = b"",
        session_log_dir: Path | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        observer: ObserverFactory | None = None,
    ) -> None:
        self._buffer_size = buffer_size
        # Implicit TLS (RFC 8314 §3) is started here rather than by the listening
        # socket, so that a failed handshake is logged with the listener and peer.
        self._implicit_tls = implicit_tls
        self._idle_timeout = idle_timeout
        self._log = log
        self._limits = limits
        self._busy_reply = busy_reply
        self._admitted: str | None = None  # the address counted against the limits
        self._session_log_dir = session_log_dir
        self._observer = observer
        # The session log, once connected, and the observer, once the core is made.
        self._watchers: list[SessionObserver] = []
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._deadline = 0.0  # when the idle timer closes the connection (loop time)
        self._peer = "?"
        self._tasks: set[asyncio.Task[None]] = set()
        # Octets decrypted before start_tls() has returned: they belong to
        # the new TLS session, which the core enters only after the handshake.
        self._early: bytearray | None = None
        # Why reading is paused ("writing": backpressure; "shell": a subclass waits).
        self._paused: set[str] = set()
        self._backlog = b""  # read but not yet fed while writing was paused
        self._unprogressed = 0  # octets since the idle timer last restarted
        self._held: asyncio.TimerHandle | None = None  # the core's delay being served
        self._paced: asyncio.TimerHandle | None = None  # the core's paced output
        self._close_when_served = False
        self._lost = False
        self._lost_told = False  # connection_lost has run

    @property
    def _core_made(self) -> bool:
        """Whether this connection got a core (a refused one closes before)."""
        return "_conn" in vars(self)

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
        # A stream transport (uvloop's do not subclass asyncio.Transport).
        self._transport = transport = cast("asyncio.Transport", transport)
        peer = transport.get_extra_info("peername") or ("?", 0)
        local = transport.get_extra_info("sockname") or ("?", 0)
        # The listener's port first: one process may serve several (smtp, submission,
        # smtps, pop3 ...), and its banner named each by its port.
        self._peer = f"[:{local[1]}] {peer[0]}:{peer[1]}"
        self._peer_ip = str(peer[0])
        if self._limits is not None:
            if not self._limits.admit(str(peer[0])):
                self._log.info("%s refused: too many connections", self._peer)
                self._lost = True
                transport.write(self._busy_reply)
                transport.close()
                return
            self._admitted = str(peer[0])
        transport.set_write_buffer_limits(high=_WRITE_HIGH_WATER)
        if self._session_log_dir is not None:
            log = SessionLog(
                self._session_log_dir, listener_port=int(local[1]), peer=f"{peer[0]}:{peer[1]}"
            )
            self._watchers.append(log)
        self._peer_port = f"{peer[0]}:{peer[1]}"
        self._note(f"connected from {peer[0]}:{peer[1]} to port {local[1]}")
        self._log.info("%s connected", self._peer)
        if self._implicit_tls is not None:
            # asyncio's handshake timeout (60 s) bounds a client that never starts it.
            self._pause("tls")
            self._spawn(self._start_tls(self._implicit_tls, self._start_core))
        else:
            self._start_core()

    def _start_core(self) -> None:
        """Make the core and send its greeting (after the handshake, with implicit TLS)."""
        self._conn = self._make_core(self._peer_ip)
        if self._observer is not None:
            watcher = self._observer(self._conn, self._peer_port)
            watcher.note(f"connected from {self._peer_port}")
            self._watchers.append(watcher)
        self._flush()
        self._restart_timer()

    def get_buffer(self, sizehint: int) -> memoryview:
        return _read_buffer(self._buffer_size)

    def buffer_updated(self, nbytes: int) -> None:
        data = _read_buffer(self._buffer_size)[:nbytes]
        for watcher in self._watchers:
            watcher.received(bytes(data))
        if self._early is not None:
            self._early += data
            return
        self._feed(data)

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        if self._lost_told:
            return  # told already, when its TLS handshake failed
        self._lost = self._lost_told = True
        self._backlog = b""
        if self._timer is not None:
            self._timer.cancel()
        for timer in (self._held, self._paced):
            if timer is not None:
                timer.cancel()
        if self._admitted is not None and self._limits is not None:
            self._limits.release(self._admitted)
            self._admitted = None
        self._note(f"connection closed{f' ({exc})' if exc else ''}")
        for watcher in self._watchers:
            watcher.close()
        self._log.info("%s disconnected%s", self._peer, f" ({exc})" if exc else "")

    def pause_writing(self) -> None:
        # The client is not reading: stop reading from it, and stop starting work
        # whose output would only pile up (see _pump).
        self._pause("writing")

    def resume_writing(self) -> None:
        self._resume("writing")
        if not self._lost:
            self._feed(b"")
            self._pump()

    # -- driving the core ------------------------------------------------------------

    def _feed(self, data: bytes | memoryview) -> None:
        """Give the core ``data`` (after any backlog) a slice at a time, stopping while
        the client is not reading what the core already answered.

        ``data`` may be a view of the shared read buffer: what is not fed now is copied.
        """
        pending = memoryview(self._backlog + bytes(data)) if self._backlog else memoryview(data)
        self._backlog = b""
        offset = 0
        while offset < len(pending) and not self._lost:
            if self._paused & {"writing", "delay"}:
                self._backlog = bytes(pending[offset:])
                return
            piece = pending[offset : offset + _FEED_SLICE]
            offset += len(piece)
            self._note_progress(len(piece))
            self._conn.receive_data(piece)
            self._pump()

    def _pump(self) -> None:
        if self._lost:
            return  # the connection is gone: its queued commands are not worked on
        while "writing" not in self._paused and (event := self._next_event()) is not None:
            self._restart_timer()
            for watcher in self._watchers:
                watcher.event(event)
            if isinstance(event, ClientDefect):
                self._client_defect(event.defect)
            elif not self._handle(event):
                return
        self._flush()

    def _client_defect(self, defect: Defect) -> None:
        self._log.info("%s client defect: %s", self._peer, defect)
        for watcher in self._watchers:
            watcher.defect(defect)

    def _note(self, text: str) -> None:
        for watcher in self._watchers:
            watcher.note(text)

    def _flush(self) -> None:
        assert self._transport is not None
        if self._held is not None or self._hold_for_delay():
            return
        data = self._conn.data_to_send()
        if data and not self._transport.is_closing():
            self._restart_timer()
            for watcher in self._watchers:
                watcher.sent(data)
            self._transport.write(data)
        if self._paced is None and (pace := self._conn.pace) and not self._lost:
            self._paced = asyncio.get_running_loop().call_later(pace, self._pace_over)

    def _pace_over(self) -> None:
        """The core's paced output is due: its next piece goes out (and the input
        that came meanwhile is read, once nothing is held)."""
        self._paced = None
        self._conn.pace_served()
        self._pump()
        if self._close_when_served and self._paced is None and not self._lost:
            self._close()

    def _close(self) -> None:
        assert self._transport is not None
        self._flush()
        if self._held is not None or self._paced is not None:
            self._close_when_served = True  # the held reply goes out first
            return
        self._transport.close()

    def _hold_for_delay(self) -> bool:
        """Start serving the core's delay, if it asks for one: its reply is held, and
        nothing more is read, until the timer fires."""
        delay = self._conn.delay
        if not delay or self._lost:
            return False
        self._pause("delay")
        self._held = asyncio.get_running_loop().call_later(delay, self._delay_over)
        return True

    def _delay_over(self) -> None:
        self._held = None
        self._conn.delay_served()
        if self._close_when_served:
            self._close()
            return
        self._resume("delay")
        self._feed(b"")  # what was read before the pause
        self._pump()

    def _pause(self, reason: str = "shell") -> None:
        assert self._transport is not None
        if not self._paused and not self._transport.is_closing():
            self._transport.pause_reading()
        self._paused.add(reason)

    def _resume(self, reason: str = "shell") -> None:
        assert self._transport is not None
        self._paused.discard(reason)
        if not self._paused and not self._transport.is_closing():
            self._transport.resume_reading()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        # The loop keeps only weak references to tasks: hold them until done.
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _note_progress(self, octets: int) -> None:
        # Octets alone restart the idle timer only in bulk: a client that sends one
        # octet at a time makes no progress the timer notices.
        self._unprogressed += octets
        if self._unprogressed >= _MIN_PROGRESS:
            self._restart_timer()

    def _restart_timer(self) -> None:
        # Only the deadline moves: one timer per connection, re-armed when it fires
        # early, instead of a new timer for every reply (a hot path under load).
        if self._lost:
            return
        self._unprogressed = 0
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + self._idle_timeout
        if self._timer is None:
            self._timer = loop.call_at(self._deadline, self._check_idle)

    def _check_idle(self) -> None:
        self._timer = None
        if self._lost:
            return
        loop = asyncio.get_running_loop()
        if loop.time() < self._deadline:
            self._timer = loop.call_at(self._deadline, self._check_idle)
        else:
            self._idle()

    def _idle(self) -> None:
        self._log.info("%s idle for %.0f s: closing", self._peer, self._idle_timeout)
        if self._held is not None:
            self._held.cancel()
            self._held = None
            self._conn.delay_served()
        self._conn.timed_out()
        self._pump()
        assert self._transport is not None
        if not self._transport.is_closing():
            # A core that answers a timeout by waiting for its shell (a message being
            # stored) still closes: the client had its time.
            self._close()

    # -- TLS ---------------------------------------------------------------------------

    def _begin_tls(self, context: ssl.SSLContext, established: Callable[[], None]) -> None:
        """Hand the connection to TLS; ``established`` tells the core it succeeded.

        The caller's :meth:`_handle` returns False right after: no further
        event is read until the handshake is over.
        """
        # Pause now: the client's handshake must reach the TLS layer, not this
        # protocol (which would feed the ClientHello to the core).
        self._pause("tls")
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
            self._note(f"TLS handshake failed: {exc}")
            self._transport.close()
            # The TLS layer had the transport: it does not tell this protocol the
            # connection is lost, so its limits and observers are let go here.
            self.connection_lost(exc)
            return
        if transport is None:
            return
        self._transport = transport
        self._paused.discard("tls")  # start_tls resumed reading on the new transport
        established()
        self._log.info("%s TLS established", self._peer)
        self._note("TLS started")
        early, self._early = self._early, None
        self._feed(bytes(early or b""))
        self._pump()
