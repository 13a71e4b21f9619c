"""Byte-exact record of every session a test opens (DESIGN principle 4).

``render()`` shows each line as ``C: ``/``S: `` followed by the octets with escapes:
``\\r`` ``\\n`` ``\\t`` ``\\\\`` and ``\\xNN`` for everything outside printable ASCII, so
``C: MAIL FROM:<a@b>\\r\\n`` is exactly what went on the wire and a bare LF is visible
as a line ending in ``\\n`` alone.  Long runs are shortened for display only (a
32 MiB oversize message shows its first and last lines and the octet count); ``payload()``
and the pcap keep every octet the harness sent.  What a target sends is bounded here too: past
``keep_received`` octets in one session only the last ``_KEPT_TAIL`` octets of each run are
kept, with the count of those left out, so an endless reply cannot fill memory.

The transcript also keeps every defect the protocol cores recorded in what the target
sent (``defect``), so a report shows each departure seen on the wire, not only those a
test asserted on; at most ``MAX_DEFECTS`` per test, with the count of the rest.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from reference_impl._defects import Defect
from reference_impl._escape import escape_octets

from ._sanitize import escape_controls

__all__ = [
    "MAX_DEFECTS",
    "Direction",
    "SeenDefect",
    "SessionInfo",
    "Transcript",
    "TranscriptEvent",
    "escape_bytes",
]


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
    omitted: int = 0  # octets received before ``data`` in this run and not kept


@dataclass(frozen=True, kw_only=True)
class SessionInfo:
    """Where a session went; the pcap writer needs the endpoints."""

    label: str
    host: str
    port: int
    client_port: int
    opened: float  # time.monotonic()


@dataclass(frozen=True, kw_only=True)
class SeenDefect:
    """A defect a core recorded in what a target sent on one session."""

    session: str
    kind: str  # the kind's name, e.g. BARE_LF
    rule: str  # the rule broken, with its RFC section
    level: str  # MUST or SHOULD
    line: int  # within the reply or response; 0 when no single line
    detail: str  # escaped evidence

    @classmethod
    def of(cls, session: str, defect: Defect) -> SeenDefect:
        return cls(
            session=session,
            kind=defect.kind.name,
            rule=defect.rule,
            level=defect.level.value,
            line=defect.line,
            # Cores escape their evidence; bounded and escaped again, since this is the
            # target's text on its way into every report format.
            detail=escape_controls(defect.detail[:_DETAIL]),
        )

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.session} {self.kind} ({where}{self.detail}): {self.rule} [{self.level}]"


MAX_DEFECTS = 100  # per test: a target breaking a rule in every reply is shown by the count
_DETAIL = 200
LONG_RUN = 64 * 1024  # octets; a longer run shows only its head and tail
KEEP_RECEIVED = 1024 * 1024  # octets of one session's received data kept whole
_KEPT_TAIL = 64 * 1024  # past that, the last octets of each received run
_HEAD, _TAIL = 4096, 1024


escape_bytes = escape_octets


class Transcript:
    """Thread-safe append-only log of sessions; one per test."""

    def __init__(self, *, keep_received: int = KEEP_RECEIVED) -> None:
        self.keep_received = keep_received
        self._lock = threading.Lock()
        self._events: list[TranscriptEvent] = []
        self._received: dict[str, int] = {}  # octets received per session, kept or not
        self._overflow: dict[str, int] = {}  # index of a session's growing tail event
        self._sessions: dict[str, SessionInfo] = {}
        self._defects: list[SeenDefect] = []
        self.defects_left_out = 0
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

    def defect(self, session: str, defect: Defect) -> None:
        """Keep a defect a core recorded in what ``session``'s target sent."""
        with self._lock:
            if len(self._defects) < MAX_DEFECTS:
                self._defects.append(SeenDefect.of(session, defect))
            else:
                self.defects_left_out += 1

    @property
    def defects(self) -> tuple[SeenDefect, ...]:
        with self._lock:
            return tuple(self._defects)

    def sent(self, session: str, data: bytes) -> None:
        self._add(session, Direction.SENT, data)

    def received(self, session: str, data: bytes) -> None:
        with self._lock:
            before = self._received.get(session, 0)
            self._received[session] = before + len(data)
            room = max(0, self.keep_received - before)
            if room:
                self._append(session, Direction.RECEIVED, data[:room])
            if len(data) > room:
                self._keep_tail(session, data[room:])

    def _keep_tail(self, session: str, data: bytes) -> None:
        """Past the bound: extend this run's tail event, or start one."""
        index = self._overflow.get(session)
        if index is not None and index == len(self._events) - 1:
            last = self._events[index]
            data, omitted = last.data + data, last.omitted
        else:
            index, omitted = len(self._events), 0
            self._events.append(self._event(session, Direction.RECEIVED, b""))
        tail = data[-_KEPT_TAIL:]
        event = self._event(session, Direction.RECEIVED, tail)
        self._events[index] = replace(event, omitted=omitted + len(data) - len(tail))
        self._overflow[session] = index

    def note(self, session: str, text: str) -> None:
        self._add(session, Direction.NOTE, text.encode("utf-8"))

    def _add(self, session: str, direction: Direction, data: bytes) -> None:
        with self._lock:
            self._append(session, direction, data)

    def _append(self, session: str, direction: Direction, data: bytes) -> None:
        self._events.append(self._event(session, direction, data))

    @staticmethod
    def _event(session: str, direction: Direction, data: bytes) -> TranscriptEvent:
        return TranscriptEvent(
            session=session, direction=direction, timestamp=time.monotonic(), data=data
        )

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
        for session, direction, start, data, omitted in self._runs():
            if session != current:
                out.append(f"--- {session}")
                current = session
            stamp = f"{start - self.mono_start:8.3f}"
            if direction is Direction.NOTE:
                out.append(f"{stamp} == {data.decode('utf-8', 'replace')}")
                continue
            if omitted:
                out.append(f"{'':8} [... {omitted} octets from the target not kept ...]")
            for line in _display_lines(data, max_lines):
                if isinstance(line, str):  # an omission marker, deliberately without "C:"
                    out.append(f"{'':8} {line}")
                else:
                    out.append(f"{stamp} {direction.value}: {escape_bytes(line)}")
        return "\n".join(out) + "\n" if out else ""

    def _runs(self) -> Iterator[tuple[str, Direction, float, bytes, int]]:
        """Merge consecutive events of the same session and direction; notes stay alone,
        and so does a tail kept past the bound."""
        run: list[TranscriptEvent] = []
        for event in self.events:
            if run and (
                event.session != run[0].session
                or event.direction is not run[0].direction
                or event.direction is Direction.NOTE
                or event.omitted
            ):
                yield _merge(run)
                run = []
            run.append(event)
        if run:
            yield _merge(run)


def _merge(run: list[TranscriptEvent]) -> tuple[str, Direction, float, bytes, int]:
    first = run[0]
    data = b"".join(e.data for e in run)
    return first.session, first.direction, first.timestamp, data, first.omitted


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
