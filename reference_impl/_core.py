"""What every sans-IO server core shares: octets in, octets and events out.

A core subclasses :class:`ByteCore`, reads lines and counted octets from
``self._inbox`` (a :class:`ReceiveBuffer`) in ``_process``,
appends its output to ``self._outbox`` and its events to ``self._events``, and
says when it is finished (``_closed``): after that, input is ignored.

A core may ask its shell to wait (``_delay_for``, after a failed login): until the
shell calls :meth:`ByteCore.delay_served`, it reads no further command, and the shell
holds what is queued to send (the reply the delay is for).

A core may also pace its output (``_send_later``: a slow reply, a reply split across TCP
segments, for grading clients): the shell sends what is queued, waits ``pace`` seconds,
calls :meth:`ByteCore.pace_served`, which queues the next held piece, and so on.  The
shell goes on reading meanwhile, so the core sees what a client sends before the reply
it should wait for (``_input_while_held``); it executes none of it until the held
output is out.
"""

from __future__ import annotations

import collections
from typing import Generic, TypeVar

from reference_impl._receive import ReceiveBuffer

__all__ = ["ByteCore"]

EventT = TypeVar("EventT")


class ByteCore(Generic[EventT]):
    def __init__(self) -> None:
        self._inbox = ReceiveBuffer()
        self._outbox = bytearray()
        self._events: collections.deque[EventT] = collections.deque()
        self._delay = 0.0
        self._later: collections.deque[tuple[float, bytes]] = collections.deque()

    @property
    def delay(self) -> float:
        """Seconds the shell must wait before sending what is queued and calling
        :meth:`delay_served`; 0 when nothing is held back."""
        return self._delay

    def delay_served(self) -> None:
        """The shell waited: read the commands that came meanwhile."""
        self._delay = 0.0
        if not self._closed:
            self._process()

    def _delay_for(self, seconds: float) -> None:
        self._delay = seconds

    @property
    def pace(self) -> float:
        """Seconds the shell waits, after sending what is queued, before calling
        :meth:`pace_served`; 0 when no output is held."""
        return self._later[0][0] if self._later else 0.0

    def pace_served(self) -> None:
        """The shell waited: the next held piece is queued; once none is left, the
        input that came meanwhile is read."""
        if self._later:
            self._outbox += self._later.popleft()[1]
        while self._later and not self._later[0][0]:  # due with it
            self._outbox += self._later.popleft()[1]
        if not self._later and not self._delay and not self._closed:
            self._process()

    def _send(self, data: bytes) -> None:
        """Queue ``data``, after any output still held."""
        if self._later:
            self._later.append((0.0, data))
        else:
            self._outbox += data

    def _send_later(self, data: bytes, seconds: float) -> None:
        """Send ``data`` ``seconds`` after what is queued or held before it."""
        self._later.append((seconds, data))

    @property
    def _holding(self) -> bool:
        """Whether output is held back: the next command waits until it is out."""
        return bool(self._delay or self._later)

    def _input_while_held(self) -> None:
        """Octets came while output was held: the peer did not wait for it."""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Take octets from the peer; output and events become available."""
        if self._closed:
            return
        self._inbox.feed(data)
        if self._later and data:
            self._input_while_held()
        if not self._holding:
            self._process()

    def data_to_send(self) -> bytes:
        out = bytes(self._outbox)
        self._outbox.clear()
        return out

    def next_event(self) -> EventT | None:
        return self._events.popleft() if self._events else None

    @property
    def _closed(self) -> bool:
        raise NotImplementedError

    def _process(self) -> None:
        raise NotImplementedError
