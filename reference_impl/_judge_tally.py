"""Grading as sessions close: each closed session is folded into per-(scenario, check)
tallies and let go, so a judge listening for hours holds a bounded amount, whatever the
number of sessions (``Judge``, ``_judge``).

A tally keeps counts, the first reason each check was broken, a few example transcripts
(the first sessions that broke the check, and the first sessions at all) and the first
defects; a verdict made from it is the one grading every record at the end would give,
with at most ``EXAMPLES`` transcripts.  Checks graded over the whole run (``Check.
over_run``, a retry seen sessions later) read the protocol's ledger instead.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reference_impl._defects import Defect
from reference_impl._scenarios import Check, Requirement, Scenario

if TYPE_CHECKING:
    from reference_impl._judge import SessionRecord

__all__ = ["EXAMPLES", "Outcome", "Tally", "Verdict"]

# Transcripts kept per check: the first sessions that broke it, and the first sessions.
EXAMPLES = 5
# Defects kept per check (the report shows at most 100 and counts the rest).
DEFECTS_KEPT = 100


class Outcome(enum.StrEnum):
    """A verdict's outcome, as in results.json."""

    PASSED = "passed"
    FAILED = "failed"
    WARNED = "warned"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """How the clients did on one check under one scenario."""

    scenario: Scenario
    check: Check
    outcome: Outcome
    reason: str
    sessions: int
    transcript: str
    defects: tuple[tuple[int, Defect], ...]  # (session number, defect)
    defects_left_out: int = 0  # found beyond ``defects``

    @property
    def requirement(self) -> Requirement:
        return self.check.requirement


@dataclass
class _Examples:
    """The lowest-numbered sessions' transcripts, at most ``EXAMPLES`` of them."""

    kept: list[tuple[int, str]] = field(default_factory=list)

    def offer(self, number: int, transcript: str) -> None:
        if len(self.kept) < EXAMPLES or number < self.kept[-1][0]:
            bisect.insort(self.kept, (number, transcript))
            del self.kept[EXAMPLES:]

    def text(self) -> str:
        return "\n".join(f"--- session {number}\n{text}" for number, text in self.kept)


@dataclass
class _CheckTally:
    exercised: bool = False
    first_broken: tuple[int, str] | None = None  # (session number, its first reason)
    broken: _Examples = field(default_factory=_Examples)
    defects: list[tuple[int, Defect]] = field(default_factory=list)
    defects_found: int = 0

    def fold(self, number: int, record: SessionRecord, check: Check) -> None:
        found = [d for d in record.defects if d.kind.name in check.kinds]
        reasons = [str(d) for d in found]
        if check.inspect is not None:
            reasons += check.inspect(record)
        self.defects_found += len(found)
        room = DEFECTS_KEPT - len(self.defects)
        self.defects += [(number, d) for d in found[: max(0, room)]]
        if reasons:
            self.broken.offer(number, record.transcript)
            if self.first_broken is None or number < self.first_broken[0]:
                self.first_broken = (number, reasons[0])
        if check.exercised is None or check.exercised(record):
            self.exercised = True


@dataclass
class _ScenarioTally:
    sessions: int = 0
    examples: _Examples = field(default_factory=_Examples)
    checks: dict[str, _CheckTally] = field(default_factory=dict)


class Tally:
    """The verdict contributions of every closed session, by scenario and check."""

    def __init__(self, checks_of: Any) -> None:
        self._checks_of = checks_of  # Judging.checks_of
        self._by_scenario: dict[int, _ScenarioTally] = {}

    def fold(self, record: SessionRecord, number: int) -> None:
        """Count session ``number`` of its scenario; the record may then be let go."""
        tally = self._by_scenario.setdefault(id(record.scenario), _ScenarioTally())
        tally.sessions += 1
        tally.examples.offer(number, record.transcript)
        for check in self._checks_of(record.scenario):
            if check.over_run is None:
                tally.checks.setdefault(check.name, _CheckTally()).fold(number, record, check)

    def verdict(self, scenario: Scenario, check: Check, ledger: Any) -> Verdict:
        tally = self._by_scenario.get(id(scenario))
        if tally is None:
            return _made(scenario, check, Outcome.ERROR, "no client connected under this scenario")
        if check.over_run is not None:
            return _over_run(scenario, check, tally, ledger)
        checked = tally.checks.get(check.name, _CheckTally())
        if checked.first_broken is not None:
            number, reason = checked.first_broken
            return _made(
                scenario,
                check,
                _broken_outcome(check),
                _broken_reason(check, f"session {number} of {tally.sessions}: {reason}"),
                tally.sessions,
                checked.broken.text(),
                checked,
            )
        outcome, reason = (Outcome.PASSED, "")
        if not checked.exercised:
            outcome, reason = (Outcome.SKIPPED, "no session exercised it")
        examples = tally.examples.text()
        return _made(scenario, check, outcome, reason, tally.sessions, examples, checked)


def _over_run(scenario: Scenario, check: Check, tally: _ScenarioTally, ledger: Any) -> Verdict:
    """A check graded over the run from the protocol's ledger: its reasons (the evidence
    in them) break it; not exercised, it is skipped."""
    assert check.over_run is not None
    reasons, exercised = check.over_run(ledger, scenario) if ledger is not None else ([], False)
    if reasons:
        text = "\n".join(f"== {reason}" for reason in reasons)
        return _made(
            scenario,
            check,
            _broken_outcome(check),
            _broken_reason(check, reasons[0]),
            tally.sessions,
            f"{text}\n{tally.examples.text()}",
        )
    examples = tally.examples.text()
    if not exercised:
        reason = "no session exercised it"
        return _made(scenario, check, Outcome.SKIPPED, reason, tally.sessions, examples)
    return _made(scenario, check, Outcome.PASSED, "", tally.sessions, examples)


def _broken_outcome(check: Check) -> Outcome:
    return Outcome.FAILED if check.requirement.level == "MUST" else Outcome.WARNED


def _broken_reason(check: Check, reason: str) -> str:
    if check.requirement.level == "MUST":
        return reason
    return f"{check.requirement.key} not met: {reason}"


def _made(
    scenario: Scenario,
    check: Check,
    outcome: Outcome,
    reason: str,
    sessions: int = 0,
    transcript: str = "",
    tally: _CheckTally | None = None,
) -> Verdict:
    defects = sorted(tally.defects, key=lambda found: found[0]) if tally else []
    return Verdict(
        scenario=scenario,
        check=check,
        outcome=outcome,
        reason=reason,
        sessions=sessions,
        transcript=transcript,
        defects=tuple(defects),
        defects_left_out=(tally.defects_found - len(defects)) if tally else 0,
    )
