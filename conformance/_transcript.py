"""Byte-exact record of every session a test opens (DESIGN principle 4).

``render()`` shows each line as ``C: ``/``S: `` followed by the octets with escapes:
``\\r`` ``\\n`` ``\\t`` ``\\\\`` and ``\\xNN`` for everything outside printable ASCII, so
``C: MAIL FROM:<a@b>\\r\\n`` is exactly what went on the wire and a bare LF is visible
as a line ending in ``\\n`` alone.  Long runs are shortened for display only (a
32 MiB oversize message shows its first and last lines and the octet count); ``payload()``
and the pcap keep every octet.
"""

from __future__ import annotations

import enum
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Direction", "SessionInfo", "Transcript", "TranscriptEvent", "escape_bytes"]


class Direction(enum.Enum):
    SENT = "C"
    """Octets the harness (client) sent."""
    RECEIVED = "S"
    """Octets the target (server) sent."""
    NOTE = "="
    """A marker: connected, TLS started, closed, timed out."""


@dataclass(frozen=True, kw_only=True)
class TranscriptEvent:
    session: str
    direction: Direction
    timestamp: float  # time.monotonic()
    data: bytes


@dataclass(frozen=True, kw_only=True)
class SessionInfo:
    """Where a session went; the pcap writer needs the endpoints."""

    label: str
    host: str
    port: int
    client_port: int
    opened: float  # time.monotonic()


_ESCAPES = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x5C: "\\\\"}
_TABLE = [_ESCAPES.get(b, chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in range(256)]
_PLAIN = re.compile(rb"[\x20-\x5b\x5d-\x7e]*")
LONG_RUN = 64 * 1024  # octets; a longer run shows only its head and tail
_HEAD, _TAIL = 4096, 1024


def escape_bytes(data: bytes) -> str:
    """Render octets as unambiguous printable text."""
    if _PLAIN.fullmatch(data):
        return data.decode("ascii")
    return "".join(_TABLE[b] for b in data)


class Transcript:
    """Thread-safe append-only log of sessions; one per test."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[TranscriptEvent] = []
        self._sessions: dict[str, SessionInfo] = {}
        self.wall_start = time.time()
        self.mono_start = time.monotonic()

    # -- recording -------------------------------------------------------------------------

    def new_label(self, prefix: str) -> str:
        """A fresh session label: ``smtp#1``, ``smtp#2``, ..."""
        with self._lock:
            count = sum(1 for label in self._sessions if label.startswith(prefix + "#"))
            return f"{prefix}#{count + 1}"

    def open_session(self, label: str, *, host: str, port: int, client_port: int) -> None:
        info = SessionInfo(
            label=label, host=host, port=port, client_port=client_port, opened=time.monotonic()
        )
        with self._lock:
            self._sessions[label] = info
        self.note(label, f"connected to {host}:{port} from port {client_port}")

    def sent(self, session: str, data: bytes) -> None:
        self._add(session, Direction.SENT, data)

    def received(self, session: str, data: bytes) -> None:
        self._add(session, Direction.RECEIVED, data)

    def note(self, session: str, text: str) -> None:
        self._add(session, Direction.NOTE, text.encode("utf-8"))

    def _add(self, session: str, direction: Direction, data: bytes) -> None:
        event = TranscriptEvent(
            session=session, direction=direction, timestamp=time.monotonic(), data=data
        )
        with self._lock:
            self._events.append(event)

    # -- reading ---------------------------------------------------------------------------

    @property
    def events(self) -> tuple[TranscriptEvent, ...]:
        with self._lock:
            return tuple(self._events)

    @property
    def sessions(self) -> tuple[SessionInfo, ...]:
        with self._lock:
            return tuple(self._sessions.values())

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._events)

    def payload(self, session: str, direction: Direction) -> bytes:
        """All octets of one direction of one session, concatenated."""
        return b"".join(
            e.data for e in self.events if e.session == session and e.direction is direction
        )

    def render(self, *, max_lines: int = 40) -> str:
        """C:/S: lines with escapes; runs longer than ``max_lines`` are cut in the middle."""
        out: list[str] = []
        current = None
        for session, direction, start, data in self._runs():
            if session != current:
                out.append(f"--- {session}")
                current = session
            stamp = f"{start - self.mono_start:8.3f}"
            if direction is Direction.NOTE:
                out.append(f"{stamp} == {data.decode('utf-8', 'replace')}")
                continue
            for line in _display_lines(data, max_lines):
                if isinstance(line, str):  # an omission marker, deliberately without "C:"
                    out.append(f"{'':8} {line}")
                else:
                    out.append(f"{stamp} {direction.value}: {escape_bytes(line)}")
        return "\n".join(out) + "\n" if out else ""

    def _runs(self) -> Iterator[tuple[str, Direction, float, bytes]]:
        """Merge consecutive events of the same session and direction; notes stay alone."""
        run: list[TranscriptEvent] = []
        for event in self.events:
            if run and (
                event.session != run[0].session
                or event.direction is not run[0].direction
                or event.direction is Direction.NOTE
            ):
                yield _merge(run)
                run = []
            run.append(event)
        if run:
            yield _merge(run)


def _merge(run: list[TranscriptEvent]) -> tuple[str, Direction, float, bytes]:
    first = run[0]
    return first.session, first.direction, first.timestamp, b"".join(e.data for e in run)


def _display_lines(data: bytes, max_lines: int) -> list[bytes | str]:
    if len(data) <= LONG_RUN:
        return _abbreviate(data.splitlines(keepends=True), max_lines, len(data))
    head, tail = data[:_HEAD], data[-_TAIL:]
    # Cut at line ends where there are any, so the lines shown are whole.
    if b"\n" in head:
        head = head[: head.rfind(b"\n") + 1]
    if b"\n" in tail[:-1]:
        tail = tail[tail.find(b"\n") + 1 :]
    omitted = len(data) - len(head) - len(tail)
    marker = (
        f"[... {omitted} octets not shown; the whole run is {len(data)} octets "
        "(all of them are in the pcap) ...]"
    )
    head_lines = _abbreviate(head.splitlines(keepends=True), max_lines - 10, len(head))
    return [*head_lines, marker, *tail.splitlines(keepends=True)[-9:]]


def _abbreviate(lines: list[bytes], max_lines: int, size: int) -> list[bytes | str]:
    """Keep the head and the tail of a long run (a DATA body); a str marker replaces the rest.

    Display only: the pcap and ``payload()`` always carry every octet.
    """
    if len(lines) <= max(max_lines, 12):
        return list(lines)
    head, tail = lines[: max_lines - 10], lines[-9:]
    left_out = lines[len(head) : len(lines) - len(tail)]
    omitted = sum(len(line) for line in left_out)
    marker = (
        f"[... {len(left_out)} lines ({omitted} octets) not shown;"
        f" the whole run is {size} octets ...]"
    )
    return [*head, marker, *tail]
