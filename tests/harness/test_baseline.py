"""Baselines: ``conformance run --baseline`` and ``conformance diff`` say what regressed,
what was fixed and what is new; ``--fail-on regressions`` fails only on regressions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stored_runs import conformance, reference_and_broken, run_against

from conformance._baseline import compare
from reference_impl._embedded import EmbeddedServers

ONE_REPLY = "test_rfc5321_greeting_replies.py::test_every_command_generates_exactly_one_reply"
ONE_TEST = "test_every_command_generates_exactly_one_reply"


def _result(test_id: str, outcome: str) -> dict[str, Any]:
    return {"id": test_id, "outcome": outcome, "rfc": 5321, "section": "4.2", "level": "MUST"}


def test_compare_sorts_changes_into_regressed_fixed_new_and_gone() -> None:
    old = [
        _result("a", "passed"),
        _result("b", "warned"),
        _result("c", "failed"),
        _result("d", "waived"),
        _result("e", "skipped"),
        _result("f", "passed"),
        _result("gone", "passed"),
    ]
    new = [
        _result("a", "failed"),
        _result("b", "error"),
        _result("c", "passed"),
        _result("d", "warned"),
        _result("e", "failed"),  # never graded before: not a regression
        _result("f", "waived"),  # broken, but accepted by a waiver
        _result("added", "failed"),
    ]
    comparison = compare(old, new)
    assert [(c.id, c.before, c.after) for c in comparison.regressed] == [
        ("a", "passed", "failed"),
        ("b", "warned", "error"),
    ]
    assert [c.id for c in comparison.fixed] == ["c", "d"]
    assert [(c.id, c.after) for c in comparison.new] == [("added", "failed")]
    assert [(c.id, c.before) for c in comparison.gone] == [("gone", "passed")]


# -- against real servers: the reference, and the reference with one bug ---------------------


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[EmbeddedServers, EmbeddedServers]]:
    with reference_and_broken() as pair:
        yield pair


def _run(server: EmbeddedServers, reports: Path, select: str, *extra: str) -> Any:
    return run_against(server, reports, select, *extra)


@pytest.fixture(scope="module")
def baseline(
    servers: tuple[EmbeddedServers, EmbeddedServers], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A run of one test against the reference server: it passes."""
    done, results = _run(servers[0], tmp_path_factory.mktemp("baseline"), ONE_TEST)
    assert done.returncode == 0, done.stdout[-2000:]
    return results


def test_regression_against_the_baseline_fails_the_run(
    servers: tuple[EmbeddedServers, EmbeddedServers], baseline: Path, tmp_path: Path
) -> None:
    select = f"{ONE_TEST} or test_greeting_is_220"
    args = ("--baseline", str(baseline), "--fail-on", "regressions")
    done, _ = _run(servers[1], tmp_path, select, *args)
    assert done.returncode == 1, done.stdout[-2000:]
    out = done.stdout
    assert f"compared with {baseline}" in out
    assert "regressions (held before, broken now): 1" in out
    assert f"{ONE_REPLY}  [MUST RFC 5321 §4.2]  passed -> failed" in out
    assert "fixed (broken before, held now): 0" in out
    assert "new tests (not in the baseline): 1" in out
    assert "::test_greeting_is_220_or_554  [" in out


def test_fail_on_regressions_passes_a_run_whose_failures_are_old(
    servers: tuple[EmbeddedServers, EmbeddedServers], tmp_path: Path
) -> None:
    broken, _ = _run(servers[1], tmp_path / "broken", ONE_TEST)
    assert broken.returncode == 1
    (old,) = (tmp_path / "broken").glob("*/results.json")
    again, _ = _run(
        servers[1],
        tmp_path / "again",
        ONE_TEST,
        "--baseline",
        str(old.parent),
        "--fail-on",
        "regressions",
    )
    assert again.returncode == 0, again.stdout[-2000:]  # still broken, but not newly
    assert "regressions (held before, broken now): 0" in again.stdout
    fixed, _ = _run(servers[0], tmp_path / "fixed", ONE_TEST, "--baseline", str(old))
    assert fixed.returncode == 0
    assert "fixed (broken before, held now): 1" in fixed.stdout
    assert f"{ONE_REPLY}  [MUST RFC 5321 §4.2]  failed -> passed" in fixed.stdout


def test_diff_prints_the_same_for_two_stored_runs(
    servers: tuple[EmbeddedServers, EmbeddedServers], baseline: Path, tmp_path: Path
) -> None:
    run, results = _run(servers[1], tmp_path, ONE_TEST, "--baseline", str(baseline))
    assert run.returncode == 1  # without --fail-on regressions: any failure fails
    done = conformance("diff", str(baseline), str(results.parent))
    assert done.returncode == 1
    compared = done.stdout.split("compared with", 1)[1]
    assert compared in run.stdout  # the same text as the run printed
    assert "regressions (held before, broken now): 1" in compared
    back = conformance("diff", str(results), str(baseline))
    assert back.returncode == 0
    assert "fixed (broken before, held now): 1" in back.stdout


def test_unreadable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text("{}")
    done = conformance("diff", str(tmp_path), str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "not a results.json (no results list)" in done.stderr
    run = conformance("run", "--baseline", str(tmp_path / "missing"))
    assert run.returncode == 2
    assert "no such results.json" in run.stderr


def test_fail_on_regressions_needs_a_baseline(tmp_path: Path) -> None:
    done = conformance("run", "--fail-on", "regressions", "--report-dir", str(tmp_path))
    assert done.returncode == 2
    assert "--fail-on regressions needs --baseline" in done.stderr
