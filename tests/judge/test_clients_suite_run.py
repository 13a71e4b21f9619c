"""``conformance run --suite clients``: the real clients' grades as a run's report, the
same results.json, summary and HTML page as a server run, each result under the
requirement key of its check; and a run without --suite leaves the clients suite out
(it grades the clients installed here, not the targets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cli import _parser, _suites_for

CONFORMANCE = [sys.executable, "-m", "conformance.cli"]


def test_the_clients_suite_writes_a_report_keyed_like_a_server_run(tmp_path: Path) -> None:
    only = ["--", "-k", "smtplib and (baseline or size)"]
    run = subprocess.run(
        [*CONFORMANCE, "run", "--suite", "clients", "--report-dir", str(tmp_path), *only],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    (results_file,) = tmp_path.glob("*-clients/results.json")
    assert "PytestAssertRewriteWarning" not in run.stdout + run.stderr
    results = json.loads(results_file.read_text())["results"]
    graded = {r["id"]: r for r in results if r["outcome"] == "passed"}
    wanted = "suites/clients/test_smtp_clients.py::test_dot_stuffing[smtplib-baseline]"
    assert wanted in graded, sorted(graded)[:20]
    assert graded[wanted]["rfc"] == 5321 and graded[wanted]["level"] == "MUST"
    assert "size-limit" in " ".join(graded), "the size-limit scenario's checks were graded"
    assert all(r["id"].startswith("suites/clients/") for r in results)
    assert (results_file.parent / "report.html").is_file()
    assert "RFC 5321" in (results_file.parent / "summary.txt").read_text()


@pytest.mark.parametrize("argv", [["run"], ["run", "smtp://127.0.0.1:25"]])
def test_runs_without_suite_leave_the_clients_out(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    assert "clients" not in _suites_for(args)
    assert "clients" in _parser().parse_args([*argv, "--suite", "clients"]).suite
