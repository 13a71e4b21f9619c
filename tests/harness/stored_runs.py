"""Real runs to compare and render: ``conformance run`` against the reference server and
against the reference server with one bug (two replies to NOOP, RFC 5321 §4.2)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reference_impl._embedded import EmbeddedServers

ROOT = Path(__file__).resolve().parents[2]
GREETING_FILE = ROOT / "suites" / "smtp" / "test_rfc5321_greeting_replies.py"


@contextmanager
def reference_and_broken() -> Iterator[tuple[EmbeddedServers, EmbeddedServers]]:
    sys.path.insert(0, str(ROOT / "tests" / "suites"))
    try:
        from broken_smtp import DoubleReplyToNoop
    finally:
        sys.path.remove(str(ROOT / "tests" / "suites"))
    good, bad = EmbeddedServers(), EmbeddedServers(cores={"smtp": DoubleReplyToNoop})
    good.start()
    bad.start()
    try:
        yield good, bad
    finally:
        good.stop()
        bad.stop()


def conformance(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-bb", "-m", "conformance.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def run_against(
    server: EmbeddedServers, reports: Path, select: str, *extra: str, tests: Path = GREETING_FILE
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``conformance run`` of the tests ``select`` names; the run and its results.json."""
    done = conformance(
        "run",
        server.url("smtp"),
        "--tests",
        str(tests),
        "--report-dir",
        str(reports),
        *extra,
        "--",
        "-k",
        select,
    )
    (results,) = reports.glob("*/results.json")
    return done, results
