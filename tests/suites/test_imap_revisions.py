"""The whole IMAP suite passes against the reference server graded as IMAP4rev1
(``--imap-rev 1``, RFC 3501) and as IMAP4rev2 (``--imap-rev 2``, RFC 9051: each logged-in
session sends ENABLE IMAP4rev2), and each run leaves out, with the reason, exactly the
tests of the other revision."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from variant_runner import ROOT, run_suite, suite_profile

from reference_impl._embedded import EmbeddedServers

NOT_A_VERDICT_OF_FAILURE = {"passed", "skipped"}


def _whole_suite(revision: str) -> Callable[[Path], list[dict[str, Any]]]:
    def run(workdir: Path) -> list[dict[str, Any]]:
        with EmbeddedServers() as servers:
            profile = suite_profile(servers, workdir / "profile.toml")
            options = ["--imap-rev", revision, "--strict-should"]
            suite = [str(ROOT / "suites" / "imap")]
            return run_suite(profile, suite, workdir / "report", options)

    return run


@pytest.fixture
def runs(run_once: Any) -> Callable[[str], list[dict[str, Any]]]:
    """The results of a --imap-rev 1 or 2 run of the whole IMAP suite, made once per test
    run (the two on two workers when there are two)."""
    return lambda revision: run_once(f"imap-rev{revision}", _whole_suite(revision))  # type: ignore[no-any-return]


def _skipped_for(results: list[dict[str, Any]], reason: str) -> set[str]:
    return {r["id"] for r in results if r["outcome"] == "skipped" and reason in r["reason"]}


@pytest.mark.parametrize(
    ("revision", "left_out", "graded"),
    [
        pytest.param(
            "1",
            "--imap-rev 1 grades RFC 3501",
            "test_rfc9051_rev2.py::test_rev1_search",
            marks=pytest.mark.xdist_group("imap-rev1"),
        ),
        pytest.param(
            "2",
            "--imap-rev 2 grades RFC 9051",
            "test_rfc9051_rev2.py::test_search_answers",
            marks=pytest.mark.xdist_group("imap-rev2"),
        ),
    ],
)
def test_whole_suite_passes_in_each_revision(
    runs: Callable[[str], list[dict[str, Any]]], revision: str, left_out: str, graded: str
) -> None:
    results = runs(revision)
    broken = [
        f"{r['id']}: {r['outcome']}: {r['reason']}"
        for r in results
        if r["outcome"] not in NOT_A_VERDICT_OF_FAILURE
    ]
    assert not broken, f"--imap-rev {revision}:\n" + "\n".join(broken)
    assert len(results) >= 100, f"--imap-rev {revision} ran only {len(results)} tests"
    assert _skipped_for(results, left_out), f"--imap-rev {revision} left nothing out"
    assert any(graded in r["id"] and r["outcome"] == "passed" for r in results), graded


def test_revisions_leave_out_disjoint_tests(runs: Callable[[str], list[dict[str, Any]]]) -> None:
    """No test is left out of both runs: together they grade the whole suite."""
    rev1, rev2 = runs("1"), runs("2")
    out_of_rev1 = _skipped_for(rev1, "--imap-rev 1")
    out_of_rev2 = _skipped_for(rev2, "--imap-rev 2")
    assert out_of_rev1 and out_of_rev2 and not out_of_rev1 & out_of_rev2
    passed_somewhere = {r["id"] for r in rev1 + rev2 if r["outcome"] == "passed"}
    assert out_of_rev1 <= passed_somewhere and out_of_rev2 <= passed_somewhere
