"""results.json: the stable record of a run (format: docs/results-format.md).

Reports of the three phases of a test are folded into one result.  Under xdist only the
controller writes the file; the workers' reports reach it through ``pytest_runtest_logreport``
with the ``conformance`` attribute the plugin sets on every report.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ._left_out import left_out
from ._verdicts import Outcome

__all__ = ["FORMAT_VERSION", "ResultsCollector", "report_info"]

FORMAT_VERSION = 1
_ORDER = [o.value for o in Outcome]


def report_info(report: pytest.TestReport) -> dict[str, Any]:
    """The conformance data the plugin attached to a report (empty if none)."""
    info = getattr(report, "conformance", None)
    return info if isinstance(info, dict) else {}


_CREDENTIALS = re.compile(r"(://[^/:@\s]*:)[^@\s]*@")


def _redact(arg: str) -> str:
    """Hide passwords of target URLs: results.json is shared, the password is not."""
    return _CREDENTIALS.sub(r"\1***@", arg)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _reason(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message).splitlines()[0] if crash.message else ""
    text = report.longreprtext.strip().splitlines()
    return text[-1] if text else ""


@dataclass
class _Result:
    id: str
    info: dict[str, Any] = field(default_factory=dict)
    outcome: str = Outcome.PASSED.value
    reason: str = ""
    duration: float = 0.0
    transcript: str = ""
    defects: list[dict[str, Any]] = field(default_factory=list)
    defects_left_out: int = 0

    def add(self, report: pytest.TestReport) -> None:
        info = report_info(report)
        kept = ("outcome", "reason", "defects", "defects_left_out")
        self.info.update({k: v for k, v in info.items() if k not in kept})
        self.duration += report.duration
        if info.get("transcript"):
            self.transcript = info["transcript"]
        if info.get("defects"):
            self.defects = list(info["defects"])
            self.defects_left_out = int(info.get("defects_left_out", 0))
        outcome, reason = self._phase_outcome(report, info)
        # The worst phase decides: error > failed > warned > skipped > passed.
        if _rank(outcome) > _rank(self.outcome):
            self.outcome, self.reason = outcome, reason

    @staticmethod
    def _phase_outcome(report: pytest.TestReport, info: dict[str, Any]) -> tuple[str, str]:
        if info.get("outcome"):
            return str(info["outcome"]), str(info.get("reason", ""))
        if report.skipped:
            return Outcome.SKIPPED.value, _reason(report)
        if report.failed:
            kind = Outcome.FAILED if report.when == "call" else Outcome.ERROR
            return kind.value, _reason(report)
        return Outcome.PASSED.value, ""

    def as_json(self) -> dict[str, Any]:
        info = self.info
        return {
            "id": self.id,
            "protocol": info.get("protocol"),
            "rfc": info.get("rfc"),
            "section": info.get("section"),
            "level": info.get("level"),
            "basis": info.get("basis"),
            "requirement": info.get("requirement", ""),
            "outcome": self.outcome,
            "reason": self.reason,
            "target": info.get("target"),
            "user": info.get("user"),
            "duration": round(self.duration, 6),
            "transcript": self.transcript,
            "waiver": info.get("waiver"),
            "defects": self.defects,
            "defects_left_out": self.defects_left_out,
        }


def _logins(results: list[dict[str, Any]]) -> dict[str, str]:
    """Which account each target's sessions logged in as (user names, never passwords)."""
    return {r["target"]: r["user"] for r in results if r.get("target") and r.get("user")}


def _rank(outcome: str) -> int:
    ranking = ["passed", "skipped", "warned", "waived", "failed", "error"]
    return ranking.index(outcome) if outcome in ranking else 0


class ResultsCollector:
    """Collects reports during the run and writes results.json at the end."""

    def __init__(self, config: pytest.Config, targets: list[str]) -> None:
        self.started = _now()
        self.args = [_redact(str(arg)) for arg in config.invocation_params.args]
        self.targets = targets
        self.strict_should = bool(config.getoption("strict_should"))
        self.results: dict[str, _Result] = {}

    def add(self, report: pytest.TestReport) -> None:
        result = self.results.setdefault(report.nodeid, _Result(id=report.nodeid))
        result.add(report)

    def document(self) -> dict[str, Any]:
        results = [result.as_json() for result in self.results.values()]
        counts = Counter(result["outcome"] for result in results)
        return {
            "format": FORMAT_VERSION,
            "run": {
                "started": self.started,
                "finished": _now(),
                "targets": self.targets,
                "logins": _logins(results),
                "pytest_args": self.args,
                "strict_should": self.strict_should,
                "python": platform.python_version(),
                "pytest": pytest.__version__,
            },
            "results": results,
            "summary": {"total": len(results), **{name: counts[name] for name in _ORDER}},
            "left_out": [
                {"needs": needs, "tests": ids} for needs, ids in left_out(results).items()
            ],
        }

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "results.json"
        path.write_text(json.dumps(self.document(), indent=2) + "\n", encoding="utf-8")
        return path
