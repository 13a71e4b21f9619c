"""The whole IMAP suite passes against the reference server graded as IMAP4rev1
(``--imap-rev 1``, RFC 3501) and as IMAP4rev2 (``--imap-rev 2``, RFC 9051: each logged-in
session sends ENABLE IMAP4rev2), and each run leaves out, with the reason, exactly the
tests of the other revision."""

from __future__ import annotations

from typing import Any

import pytest
from variant_runner import ROOT, run_suite, suite_profile

from reference_impl._embedded import EmbeddedServers

pytestmark = pytest.mark.xdist_group("test_imap_revisions")
NOT_A_VERDICT_OF_FAILURE = {"passed", "skipped"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The results of a --imap-rev 1 and a --imap-rev 2 run of the whole IMAP suite."""
    found = {}
    with EmbeddedServers() as servers:
        for revision in ("1", "2"):
            workdir = tmp_path_factory.mktemp(f"imap-rev{revision}")
            profile = suite_profile(servers, workdir / "profile.toml")
            options = ["--imap-rev", revision, "--strict-should"]
            suite = [str(ROOT / "suites" / "imap")]
            found[revision] = run_suite(profile, suite, workdir / "report", options)
    return found


def _skipped_for(results: list[dict[str, Any]], reason: str) -> set[str]:
    return {r["id"] for r in results if r["outcome"] == "skipped" and reason in r["reason"]}


@pytest.mark.parametrize(
    ("revision", "left_out", "graded"),
    [
        ("1", "--imap-rev 1 grades RFC 3501", "test_rfc9051_rev2.py::test_rev1_search"),
        ("2", "--imap-rev 2 grades RFC 9051", "test_rfc9051_rev2.py::test_search_answers"),
    ],
)
def test_whole_suite_passes_in_each_revision(
    runs: dict[str, list[dict[str, Any]]], revision: str, left_out: str, graded: str
) -> None:
    results = runs[revision]
    broken = [
        f"{r['id']}: {r['outcome']}: {r['reason']}"
        for r in results
        if r["outcome"] not in NOT_A_VERDICT_OF_FAILURE
    ]
    assert not broken, f"--imap-rev {revision}:\n" + "\n".join(broken)
    assert len(results) >= 100, f"--imap-rev {revision} ran only {len(results)} tests"
    assert _skipped_for(results, left_out), f"--imap-rev {revision} left nothing out"
    assert any(graded in r["id"] and r["outcome"] == "passed" for r in results), graded


def test_revisions_leave_out_disjoint_tests(runs: dict[str, list[dict[str, Any]]]) -> None:
    """No test is left out of both runs: together they grade the whole suite."""
    out_of_rev1 = _skipped_for(runs["1"], "--imap-rev 1")
    out_of_rev2 = _skipped_for(runs["2"], "--imap-rev 2")
    assert out_of_rev1 and out_of_rev2 and not out_of_rev1 & out_of_rev2
    passed_somewhere = {r["id"] for r in runs["1"] + runs["2"] if r["outcome"] == "passed"}
    assert out_of_rev1 <= passed_somewhere and out_of_rev2 <= passed_somewhere
