"""``conformance load``: a few seconds of headless Locust load against the reference
server, every reply checked; refusals are counted by code and command."""

from __future__ import annotations

import csv
import importlib.util
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Found, not imported: importing Locust monkey-patches this process for gevent.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="conformance load needs the optional 'load' extra",
)


@pytest.fixture
def smtp_port(tmp_path: Path) -> Iterator[int]:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "conformance.cli", "serve", "smtp", "--no-tls"),
            *("--port", "0", "--store", str(tmp_path / "store")),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    match = re.search(r"127\.0\.0\.1:(\d+)", process.stderr.readline())
    # Drain its log so a full pipe never blocks it.
    drain = subprocess.Popen(["cat"], stdin=process.stderr, stdout=subprocess.DEVNULL)
    try:
        assert match, "the reference server did not start"
        yield int(match.group(1))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        drain.wait(timeout=30)


def _load(port: int, prefix: Path, *options: str) -> dict[str, list[dict[str, str]]]:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "conformance.cli", "load", "smtp", f"127.0.0.1:{port}"),
            *("--users", "2", "--spawn-rate", "2", "--run-time", "5s", "--seed", "7"),
            *("--csv", str(prefix), *options),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: Locust saw failures
    print(done.stderr[-3000:])  # shown when a test fails
    return {
        kind: list(csv.DictReader(Path(f"{prefix}_{kind}.csv").open()))
        for kind in ("stats", "failures")
    }


def test_a_short_load_runs_every_command_without_a_failure(smtp_port: int, tmp_path: Path) -> None:
    report = _load(smtp_port, tmp_path / "ok")
    counts = {row["Name"]: int(row["Request Count"]) for row in report["stats"]}
    for command in ("greeting", "EHLO", "MAIL", "RCPT", "DATA", "message", "QUIT"):
        assert counts.get(command, 0) > 0, f"no {command} in {counts}"
    assert report["failures"] == []
    aggregated = next(row for row in report["stats"] if row["Name"] == "Aggregated")
    assert aggregated["99%"] not in ("", "N/A")  # latency percentiles are reported


def test_refusals_under_load_are_counted_by_code_and_command(
    smtp_port: int, tmp_path: Path
) -> None:
    report = _load(smtp_port, tmp_path / "refused", "--to", "nobody@example.test")
    (failure,) = report["failures"]
    assert (failure["Name"], "550 to RCPT" in failure["Error"]) == ("RCPT", True)
    assert int(failure["Occurrences"]) > 0
