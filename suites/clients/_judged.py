"""Runs each adapter's client under its scenarios once per test process and keeps the
verdicts, which the check tests read (``test_smtp_clients``)."""

from __future__ import annotations

import pytest

from conformance._judge import judge_command
from reference_impl._judge import Outcome, Verdict, grade
from reference_impl.smtp._scenarios import JUDGING
from suites.clients._adapters import ADAPTERS, TLS_SCENARIOS, scenarios_for

__all__ = ["assert_holds", "assert_verdict", "case", "cases", "verdict_of"]

# (client, scenario) -> check name -> verdict; per test process (each xdist worker runs
# the clients of its own groups).
_VERDICTS: dict[tuple[str, str], dict[str, Verdict]] = {}
_PROBLEMS: dict[tuple[str, str], str] = {}


def cases(
    check: str,
    known: dict[tuple[str, str], str] | None = None,
    *,
    only: tuple[str, ...] = (),
    unsteady: frozenset[tuple[str, str]] = frozenset(),
) -> list[object]:
    """(client, scenario) parameters of every scenario ``check`` is graded under, in one
    xdist group per client (its runs then happen once, on one worker); ``known`` marks
    the findings kept in docs/client-findings.md as expected failures (``unsteady``:
    those that show in some runs only); ``only`` keeps the scenarios named (a check
    keyed differently per scenario)."""
    found = []
    for client in ADAPTERS:
        for scenario in JUDGING.scenarios:
            if check not in {c.name for c in JUDGING.checks_of(scenario)}:
                continue
            if only and scenario.name not in only:
                continue
            key = (client, scenario.name)
            found.append(case(*key, (known or {}).get(key), strict=key not in unsteady))
    return found


def case(client: str, scenario: str, known: str | None = None, *, strict: bool = True) -> object:
    """The (client, scenario) parameter, in the client's xdist group; ``known``: the
    finding the check is expected to fail by (``strict=False``: a finding that shows in
    some runs only, so passing is no surprise; failing otherwise than by the assertion is
    still an error)."""
    marks = [pytest.mark.xdist_group(f"client-{client}")]
    if known:
        marks.append(pytest.mark.xfail(reason=known, strict=strict, raises=AssertionError))
    return pytest.param(client, scenario, marks=marks, id=f"{client}-{scenario}")


def verdict_of(check: str, client: str, scenario: str) -> Verdict:
    """The verdict of ``check`` for ``client`` under ``scenario``: runs the client under
    all its scenarios the first time one is asked for."""
    adapter = ADAPTERS[client]
    if adapter.missing:
        pytest.skip(adapter.missing)
    if (client, scenario) not in _VERDICTS:
        tls = scenario in TLS_SCENARIOS
        run = judge_command(
            "smtp", scenarios_for(tls), adapter.command(tls), stdin=adapter.stdin, timeout=60
        )
        for verdict in grade(run.judge):
            _VERDICTS.setdefault((client, verdict.scenario.name), {})[verdict.check.name] = verdict
        for name, problem in run.problems.items():
            _PROBLEMS[(client, name)] = problem
    return _VERDICTS[(client, scenario)][check]


def assert_holds(check: str, client: str, scenario: str) -> None:
    """Pass, skip (not exercised), or fail with the reason and the transcript."""
    verdict = verdict_of(check, client, scenario)
    client_said = _PROBLEMS.get((client, scenario))
    note = f"\n(the client: {client_said})" if client_said else ""
    assert_verdict(verdict, client, note)


def assert_verdict(verdict: Verdict, client: str, note: str = "") -> None:
    """Pass, skip (not exercised), or fail with the reason, ``note`` (what the client
    said) and the transcript."""
    scenario = verdict.scenario.name
    if verdict.outcome is Outcome.SKIPPED:
        pytest.skip(f"{client} under {scenario}: {verdict.reason}")
    if verdict.outcome is Outcome.ERROR:
        raise RuntimeError(f"{client} under {scenario}: {verdict.reason}")
    assert verdict.outcome is Outcome.PASSED, (
        f"{client} under {scenario}: {verdict.reason}{note}\n{verdict.transcript[-3000:]}"
    )
