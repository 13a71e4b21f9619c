"""What every sans-IO server core shares: octets in, octets and events out.

A core subclasses :class:`ByteCore`, reads lines and counted octets from
``self._inbox`` (a :class:`ReceiveBuffer`) in ``_process``,
appends its output to ``self._outbox`` and its events to ``self._events``, and
says when it is finished (``_closed``): after that, input is ignored.

A core may ask its shell to wait (``_delay_for``, after a failed login): until the
shell calls :meth:`ByteCore.delay_served`, it reads no further command, and the shell
holds what is queued to send (the reply the delay is for).
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

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Take octets from the peer; output and events become available."""
        if self._closed:
            return
        self._inbox.feed(data)
        if not self._delay:
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
