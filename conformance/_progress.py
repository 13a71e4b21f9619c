"""A progress line per suite on long runs: how many tests of each suite are done, and how.

A full run against a slow server takes many minutes, and pytest's dots say nothing about
verdicts.  On the process that reports (the xdist controller, or the only one) this prints
``suite smtp: 120 of 266 done: 110 passed, 3 failed, 2 warned, 5 skipped`` when a suite's
last test is done and, while it runs, at most every ``--progress-every`` seconds.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest

from ._results import _rank, report_info
from ._verdicts import Outcome

__all__ = ["Progress", "add_progress_option"]

_SUITE = re.compile(r"(?:^|/)suites/(\w+)/")
# The order the counts are shown in: the good news first, as in the summary table.
_SHOWN = ("passed", "skipped", "warned", "waived", "failed", "error")


def seconds_or_zero(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (0 or more)")
    return value


def add_progress_option(parser: pytest.Parser) -> None:
    parser.getgroup("conformance").addoption(
        "--progress-every",
        type=seconds_or_zero,
        default=30.0,
        metavar="SECONDS",
        help="print a progress line per running suite at most this often (default: 30; "
        "0: only when a suite is done); a suite's final line is always printed.",
    )


def suite_of(nodeid: str) -> str | None:
    match = _SUITE.search(nodeid)
    return match.group(1) if match else None


def _phase_outcome(report: pytest.TestReport) -> str:
    outcome = report_info(report).get("outcome")
    if outcome:
        return str(outcome)
    if report.failed:
        return Outcome.FAILED.value if report.when == "call" else Outcome.ERROR.value
    return str(report.outcome)


class Progress:
    """Counts per suite; prints through the terminal reporter."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.every: float = config.getoption("progress_every")
        self.totals: Counter[str] = Counter()
        self.done: dict[str, Counter[str]] = {}
        self.pending: dict[str, str] = {}  # test id -> worst outcome of its phases so far
        self.last_line = time.monotonic()

    def count(self, nodeids: Iterable[str]) -> None:
        if not self.totals:
            self.totals.update(suite for nodeid in nodeids if (suite := suite_of(nodeid)))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.count(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.count(ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        suite = suite_of(report.nodeid)
        if suite is None:
            return
        outcome = _phase_outcome(report)
        worst = self.pending.get(report.nodeid, "passed")
        self.pending[report.nodeid] = max(worst, outcome, key=_rank)
        if report.when != "teardown":
            return
        counts = self.done.setdefault(suite, Counter())
        counts[self.pending.pop(report.nodeid)] += 1
        finished = sum(counts.values()) == self.totals[suite]
        if finished or (self.every > 0 and time.monotonic() - self.last_line >= self.every):
            self._write(suite)

    def line(self, suite: str) -> str:
        counts = self.done.get(suite, Counter())
        parts = [f"{counts[o]} {o}" for o in _SHOWN if counts[o]]
        total = self.totals[suite] or "?"
        return f"suite {suite}: {sum(counts.values())} of {total} done: {', '.join(parts)}"

    def _write(self, suite: str) -> None:
        self.last_line = time.monotonic()
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        reporter.ensure_newline()
        if self.config.get_terminal_writer().width_of_current_line:
            reporter.write("\n")  # after the dots of a file already started
        reporter.write_line(self.line(suite))
