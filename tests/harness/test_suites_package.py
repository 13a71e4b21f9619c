"""A run's coverage counts the suites' own citations, whatever pytest put on sys.path.

Run as the installed ``conformance`` command (not from the project's directory) with its
tests in xdist workers, the command had not imported ``suites`` when pytest, loading
tests/conftest.py, put tests/ on sys.path; reading the citations afterwards imported
tests/suites as a namespace package "suites": a traceback after the run (exit 1), or a
coverage line counting no tested requirement."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The console script's way in: -I keeps the working directory off sys.path.
MAIN = "import sys; from conformance.cli import main; sys.exit(main())"
COMMAND = [sys.executable, "-I", "-c", MAIN]
ONLY = ["--", "-k", "test_rfc1939_states"]


def test_coverage_after_a_parallel_run_reads_the_suites(tmp_path: Path) -> None:
    run = subprocess.run(
        [*COMMAND, "run", "-n", "2", "--report-dir", str(tmp_path), *ONLY],
        cwd=ROOT,  # as scripts/main-job runs it
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    found = re.search(r"RFC 1939: (\d+) requirements, (\d+) tested by the suites", run.stdout)
    assert found is not None, run.stdout[-2000:]
    assert int(found.group(2)) > 0, found.group(0)
