"""The judge: a reference server that grades the clients connecting to it.

Protocol-neutral.  A ``Judge`` is given a protocol's ``Judging`` (``_scenarios``) and the
scenarios to run; each connection gets the next scenario in turn (its core built with
the scenario's ``config_changes``) and a ``SessionRecord``, which the shell feeds with
what it reads, writes and the core's events (``SessionObserver``).  Each session is
graded when it closes (``_judge_tally``), and ``grade`` gives the verdicts, one per
scenario and check, keyed to the requirement.

``JudgeServer`` runs the protocol's plain listener in a background thread for a judge:
on 127.0.0.1 by default, with a throwaway CA (``ca_file``) for the scenarios that
offer TLS, counting the mail it is given instead of storing it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from reference_impl._defects import Defect
from reference_impl._escape import escape_octets
from reference_impl._judge_tally import Outcome, Tally, Verdict
from reference_impl._listeners import (
    DEMO_USERS,
    PROTOCOLS,
    SERVER_NAME,
    ServiceSettings,
    build_services,
    demo_accounts,
    start_service,
)
from reference_impl._scenarios import Judging, Requirement, Scenario, requirement_of_kind
from reference_impl._service import MessageSink
from reference_impl.store import MailStore

__all__ = [
    "Judge",
    "JudgeServer",
    "Outcome",
    "SessionRecord",
    "Verdict",
    "grade",
    "grade_records",
]

# A record stops growing past this many octets of transcript (a client flooding the
# judge cannot fill its memory); its defects and events are still counted.
_TRANSCRIPT_LIMIT = 256 * 1024
_EVENT_LIMIT = 1000
_CLIENT = " C: "  # what marks a client's line in the transcript (``_write``)


@dataclass(eq=False)
class SessionRecord:
    """Everything one connection showed: the transcript, the core's events (its
    ``ClientDefect`` ones also in ``defects``), and the scenario it ran under.

    ``expected`` is what the client was given to send (the judge's placeholders), for
    checks that compare (a message's dot-stuffing)."""

    scenario: Scenario
    peer: str
    core: Any = None
    expected: dict[str, bytes] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)
    events: list[object] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    closed: bool = False
    sequence: int = 0  # of the judge's sessions, from 1
    number: int = 0  # of its scenario's sessions, from 1
    graded: bool = False  # folded into the tallies while still open
    _started: float = field(default_factory=time.monotonic)
    _size: int = 0
    _on_close: list[Any] = field(default_factory=list)

    # -- the shell's side (reference_impl._shell.SessionObserver) ----------------------

    def received(self, data: bytes) -> None:
        self._lines("C:", data)

    def sent(self, data: bytes) -> None:
        self._lines("S:", data)

    def note(self, text: str) -> None:
        # Our own words (a defect's evidence in them is escaped already): only what
        # would not print is escaped, so the RFC's section sign stays readable.
        self._write("==", "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text))

    def event(self, event: object) -> None:
        if len(self.events) < _EVENT_LIMIT:
            self.events.append(event)

    def defect(self, defect: Defect) -> None:
        if len(self.defects) < _EVENT_LIMIT:
            self.defects.append(defect)
        self.note(f"client defect: {defect}")

    def close(self) -> None:
        self.closed = True
        for callback in self._on_close:
            callback(self)

    # -- what checks read ----------------------------------------------------------

    @property
    def transcript(self) -> str:
        return "\n".join(self.lines)

    def sent_by_client(self) -> bytes:
        """The client's octets, as escaped in the transcript, for checks that search."""
        return "\n".join(line for line in self.lines if _CLIENT in line).encode()

    def said(self, since: int = 0) -> list[str]:
        """The client's lines from ``lines[since]`` on, as escaped in the transcript,
        without their time and tag."""
        return [line.split(_CLIENT, 1)[1] for line in self.lines[since:] if _CLIENT in line]

    def _lines(self, tag: str, data: bytes) -> None:
        for line in data.splitlines(keepends=True):
            self._write(tag, escape_octets(line))

    def _write(self, tag: str, text: str) -> None:
        line = f"{time.monotonic() - self._started:8.3f} {tag} {text}"
        if self._size + len(line) > _TRANSCRIPT_LIMIT:
            if self._size <= _TRANSCRIPT_LIMIT:
                self.lines.append(f"{'':8} == the rest is not kept (over {_TRANSCRIPT_LIMIT})")
                self._size = _TRANSCRIPT_LIMIT + 1
            return
        self._size += len(line)
        self.lines.append(line)


class Judge:
    """Hands out scenarios to connections in turn, and grades each session as it closes.

    ``factory`` is the listeners' ``connection_factory`` and ``observe`` their
    ``observer`` (``ServiceSettings``); both are called on the server's loop.  A closed
    session is folded into the tallies (``_judge_tally``) and its record let go, so a
    long ``--listen`` run holds a bounded amount: ``records`` are the sessions still
    open and the first ``KEPT_RECORDS`` closed ones (for a look at a transcript)."""

    KEPT_RECORDS = 8

    def __init__(
        self,
        judging: Judging,
        scenarios: Sequence[Scenario] = (),
        *,
        expected: dict[str, bytes] | None = None,
    ) -> None:
        self.judging = judging
        self.scenarios = tuple(scenarios) or judging.scenarios[:1]
        self.expected = dict(expected or {})
        self.records: list[SessionRecord] = []
        self.opened = 0  # sessions so far
        self.closed = 0
        self.tally = Tally(judging.checks_of)
        self.ledger = judging.ledger() if judging.ledger is not None else None
        self._shared = dict(judging.shared_changes())
        self._numbers: dict[int, int] = {}  # sessions so far, by scenario
        self._turn = itertools.cycle(self.scenarios)
        self._scenario_of: weakref.WeakKeyDictionary[Any, Scenario] = weakref.WeakKeyDictionary()
        self._changed = threading.Condition()

    def use_only(self, scenario: Scenario) -> None:
        """Give every next connection ``scenario``: a new client run (one command run per
        scenario), with fresh shared state and a new run in the ledger."""
        with self._changed:
            self._turn = itertools.cycle((scenario,))
            self._shared = dict(self.judging.shared_changes())
            if self.ledger is not None:
                self.ledger.new_run()

    def client_exited(self, scenario: Scenario, status: int) -> None:
        """The command run under ``scenario`` exited with ``status`` (the ledger's checks
        that read it: a client reporting success for mail never accepted)."""
        if self.ledger is not None:
            with self._changed:
                self.ledger.client_exited(scenario, status)

    def factory(self, config: Any, *args: Any, **kwargs: Any) -> Any:
        scenario = next(self._turn)
        changes = {**self.judging.server_changes, **self._shared, **scenario.config_changes}
        core = self.judging.core(dataclasses.replace(config, **changes), *args, **kwargs)
        self._scenario_of[core] = scenario
        return core

    def observe(self, core: Any, peer: str) -> SessionRecord:
        scenario = self._scenario_of.get(core, self.scenarios[0])
        record = SessionRecord(scenario=scenario, peer=peer, core=core, expected=self.expected)
        record._on_close.append(self._closed)
        with self._changed:
            self.opened += 1
            record.sequence = self.opened
            record.number = self._numbers[id(scenario)] = self._numbers.get(id(scenario), 0) + 1
            self.records.append(record)
        return record

    def closed_sessions(self) -> int:
        with self._changed:
            return self.closed

    def wait_closed(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` sessions have closed; whether they did in ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.closed < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def _closed(self, record: SessionRecord) -> None:
        with self._changed:
            record.core = None  # the verdicts need the record, not the core
            if not record.graded:
                self._fold(record)
            if record.sequence > self.KEPT_RECORDS:
                self.records.remove(record)
            self.closed += 1
            self._changed.notify_all()

    def _fold(self, record: SessionRecord) -> None:
        self.tally.fold(record, record.number)
        if self.ledger is not None:
            self.ledger.session_closed(record, record.sequence)

    def verdicts(self) -> list[Verdict]:
        """One verdict per scenario and check (``grade``); sessions still open are
        graded as they stand."""
        with self._changed:
            for record in self.records:
                if not record.closed and not record.graded:
                    record.graded = True
                    self._fold(record)
            return [
                self.tally.verdict(scenario, check, self.ledger)
                for scenario in self.scenarios
                for check in self.judging.checks_of(scenario)
            ]


# -- verdicts ------------------------------------------------------------------------


def grade(judge: Judge) -> list[Verdict]:
    """One verdict per scenario run and check: failed (a MUST) or warned (a SHOULD or
    MAY) when a session broke it, passed when sessions exercised it and none did,
    skipped when none exercised it; an error for a scenario no client connected under."""
    return judge.verdicts()


def grade_records(
    judging: Judging, scenarios: Sequence[Scenario], records: Sequence[SessionRecord]
) -> list[Verdict]:
    """The verdicts of ``records`` graded all at once, at the end (numbered in their
    order): what a judge folding each session as it closed must agree with."""
    judge = Judge(judging, scenarios)
    numbers: dict[int, int] = {}
    for sequence, record in enumerate(records, 1):
        number = numbers[id(record.scenario)] = numbers.get(id(record.scenario), 0) + 1
        judge.tally.fold(record, number)
        if judge.ledger is not None:
            judge.ledger.session_closed(record, sequence)
    return judge.verdicts()


def defect_requirement(defect: Defect) -> Requirement:
    """The requirement key a defect carries (``requirement_of_kind``)."""
    return requirement_of_kind(defect.kind)


# -- running the judge -----------------------------------------------------------------


class JudgeServer:
    """``protocol``'s plain reference listener, judging with ``judge``, on a loop in a
    background thread.  ``port`` after ``start()`` is where clients connect."""

    def __init__(self, protocol: str, judge: Judge, *, host: str = "127.0.0.1", port: int = 0):
        self.protocol = PROTOCOLS[protocol]
        self.judge = judge
        self.host = host
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="mail-conformance-judge-"))
        self.ca_file = self.root / "ca.pem"
        self.sink = MessageSink()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._store: MailStore | None = None

    def __enter__(self) -> JudgeServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        from reference_impl.tls import LoopbackTLS

        context = LoopbackTLS(self.ca_file, names=(SERVER_NAME, self.host)).server_context()
        self._store = MailStore(self.root / "store")
        for user, _, _ in DEMO_USERS:
            for message in self.judge.judging.messages:
                self._store.deliver(user, message)
        settings = ServiceSettings(
            accounts=demo_accounts(),
            store=self._store,
            tls_context=context,
            hostname=SERVER_NAME,
            connection_factory=self.judge.factory,
            observer=self.judge.observe,
            sink=self.sink,
        )
        service = build_services(self.protocol.name, settings)[self.protocol.services[0]]
        self._thread.start()
        self._server = self._run(start_service(service, host=self.host, port=self.port))
        self.port = int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        if self._thread.is_alive():
            self._run(self._close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        if self._store is not None:
            self._store.close()
        shutil.rmtree(self.root, ignore_errors=True)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        await asyncio.sleep(0)

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)
