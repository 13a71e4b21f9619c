"""``conformance run`` against hostile servers, as a user would run it.

For each behaviour the whole command runs in a child process against a scripted server
(``hostile_servers``), with a subset of the suite the behaviour breaks.  Every run must:
give no false pass (none of the tests the behaviour breaks passes), end without an
INTERNALERROR within 2 minutes, keep the harness under 300 MB, write a valid
results.json and summary.txt, and let no raw ESC octet reach any output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile_servers import BEHAVIOURS, HostileServer

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
_WALL = 120.0  # seconds: the bound every run must stay within
_RSS = 300 * 1024 * 1024  # octets


@dataclass(frozen=True, kw_only=True)
class Run:
    behaviour: str
    url: str = "smtp://{where}"
    select: str | None = None  # a -k expression; None: the whole suite
    timeout: float = 2.0
    may_pass: Callable[[str], bool] = lambda test: False  # tests the behaviour leaves intact
    failed: Callable[[str], bool] = lambda test: False  # tests that must fail, not error


def _name(test: str) -> str:
    """The test function's name (with parameters), not its file's."""
    return test.rsplit("::", 1)[-1]


def _greeting_test(test: str) -> bool:
    return "greeting" in _name(test)


def _greeting_is_220(test: str) -> bool:
    return "test_greeting_is_220_or_554" in test


def _no_ehlo(test: str) -> bool:
    return "before_ehlo" in _name(test) or "helo_is_supported" in _name(test)


def _any(test: str) -> bool:
    return True


RUNS = [
    # Endless replies: a long timeout, so only the octet bounds can end them in time.
    Run(behaviour="smtp_endless_reply", select="noop or rset or vrfy", timeout=20),
    Run(behaviour="smtp_endless_line", select="noop or rset or vrfy", timeout=20),
    Run(behaviour="smtp_close_mid_reply", select="noop or rset or ehlo"),
    # A silent target: the whole suite, which must end early instead of waiting 231 times.
    Run(behaviour="smtp_silent_after_greeting", timeout=5, may_pass=_greeting_test),
    # A greeting without CRLF: the greeting tests fail, the rest error at once (72 tests,
    # which would take 6 minutes if each waited out the greeting).
    Run(
        behaviour="smtp_greeting_without_crlf",
        select="greeting or ehlo or noop or rset or vrfy",
        timeout=5,
        failed=_greeting_is_220,
    ),
    Run(
        behaviour="smtp_one_octet_per_second",
        select="greeting or noop or rset",
        failed=_greeting_is_220,
    ),
    # Escapes: the run is about what reaches the operator, not about verdicts.
    Run(behaviour="smtp_escapes", select="greeting or noop or rset or vrfy", may_pass=_any),
    # The EHLO reply spills over: only tests that never send EHLO may pass.
    Run(behaviour="smtp_extra_lines", select="noop or rset or ehlo", may_pass=_no_ehlo),
    Run(
        behaviour="smtp_starttls_garbage",
        select="starttls",
        failed=lambda test: "test_starttls_answered_with_220" in test,
    ),
    Run(
        behaviour="pop3_partial_then_close",
        url="pop3://user:pass@{where}",
        select="stat or noop or quit",
        may_pass=_greeting_test,
    ),
    Run(
        behaviour="pop3_bare_lf_terminator",
        url="pop3://user:pass@{where}",
        select="capa or uidl",
        timeout=1,
    ),
    Run(
        behaviour="pop3_endless_multiline",
        url="pop3://user:pass@{where}",
        select="capa",
        timeout=20,
    ),
]


@dataclass(frozen=True, kw_only=True)
class Outcome:
    returncode: int
    seconds: float
    max_rss: int  # octets
    stdout: bytes
    stderr: bytes
    report_dir: Path


def _run_measured(args: list[str], tmp_path: Path) -> Outcome:
    """Run ``args`` in a child; its own peak RSS comes from wait4, a watchdog bounds it."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(args, stdout=stdout, stderr=stderr, start_new_session=True)
    watchdog = threading.Timer(_WALL + 30, os.killpg, (child.pid, signal.SIGKILL))
    watchdog.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        watchdog.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it
    reports = sorted((tmp_path / "reports").glob("*"))
    return Outcome(
        returncode=child.returncode,
        seconds=time.monotonic() - started,
        max_rss=usage.ru_maxrss * 1024,  # Linux reports KiB
        stdout=out.read_bytes(),
        stderr=err.read_bytes(),
        report_dir=reports[-1] if reports else tmp_path / "reports" / "none",
    )


def _results(outcome: Outcome) -> list[dict[str, Any]]:
    text = (outcome.report_dir / "results.json").read_bytes()
    assert b"\x1b" not in text
    document = json.loads(text)
    assert isinstance(document["results"], list) and document["results"]
    results: list[dict[str, Any]] = document["results"]
    return results


@pytest.mark.parametrize("run", RUNS, ids=[run.behaviour for run in RUNS])
def test_hostile_target(run: Run, tmp_path: Path) -> None:
    with HostileServer(BEHAVIOURS[run.behaviour]) as server:
        url = run.url.format(where=f"127.0.0.1:{server.port}")
        args = [*CONFORMANCE, "run", url, "--timeout", str(run.timeout)]
        args += ["--report-dir", str(tmp_path / "reports")]
        if run.select is not None:
            args += ["--", "-k", run.select]
        outcome = _run_measured(args, tmp_path)
    shown = outcome.stdout.decode("utf-8", "replace")[-3000:]
    assert outcome.returncode in (0, 1), f"exit {outcome.returncode}: {outcome.stderr!r}"
    assert b"INTERNALERROR" not in outcome.stdout + outcome.stderr, shown
    assert outcome.seconds < _WALL
    assert outcome.max_rss < _RSS, f"peak RSS {outcome.max_rss} octets"
    results = _results(outcome)
    summary = (outcome.report_dir / "summary.txt").read_bytes()
    for output in (outcome.stdout, outcome.stderr, summary):
        assert b"\x1b" not in output
    false_passes = [
        r["id"] for r in results if r["outcome"] == "passed" and not run.may_pass(r["id"])
    ]
    assert not false_passes, f"passed against {run.behaviour}: {false_passes}\n{shown}"
    not_failed = [r["id"] for r in results if run.failed(r["id"]) and r["outcome"] != "failed"]
    assert not not_failed, f"expected a failure (the target's fault): {not_failed}\n{shown}"
