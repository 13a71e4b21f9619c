"""The files of a judge run: results.json, junit.xml, summary.txt and report.html, in the
format of ``conformance run`` (docs/results-format.md), so one report can put a server run
and a client run side by side (``conformance report SERVER_RUN CLIENT_RUN``).

One result per scenario and check: its id is ``judge/<protocol>/<scenario>::<check>``, its
requirement key (``rfc``, ``section``, ``level``, ``basis``) the check's, and its
transcript the sessions that broke the check (or all of them when none did).  The fields
``role`` (``"client"``), ``scenario`` and ``check`` are added; readers of server runs
ignore them.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from reference_impl._judge import Verdict

from ._html_report import render_report
from ._sanitize import escape_controls
from ._summary import OUTCOMES, summary_text

__all__ = ["result_of", "write_run"]

FORMAT_VERSION = 1
_DEFECT_LIMIT = 100


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def result_of(verdict: Verdict, *, protocol: str, target: str) -> dict[str, Any]:
    """One verdict as a results.json result."""
    requirement = verdict.requirement
    defects = [
        {
            "session": f"session {number}",
            "kind": defect.kind.name,
            "rule": defect.rule,
            "level": defect.level.value,
            "line": defect.line,
            "detail": defect.detail[:200],
        }
        for number, defect in verdict.defects[:_DEFECT_LIMIT]
    ]
    return {
        "id": f"judge/{protocol}/{verdict.scenario.name}::{verdict.check.name}",
        "protocol": protocol,
        "role": "client",
        "scenario": verdict.scenario.name,
        "check": verdict.check.name,
        "rfc": requirement.rfc,
        "section": requirement.section or None,
        "level": requirement.level,
        "basis": requirement.basis,
        "requirement": requirement.text,
        "outcome": verdict.outcome.value,
        "reason": escape_controls(verdict.reason),
        "target": target,
        "user": None,
        "duration": 0.0,
        "transcript": verdict.transcript,
        "waiver": None,
        "defects": defects,
        "defects_left_out": max(0, len(verdict.defects) - _DEFECT_LIMIT)
        + verdict.defects_left_out,
    }


def write_run(
    directory: Path, results: list[dict[str, Any]], *, started: str, targets: list[str]
) -> str:
    """Write the run's files into ``directory``; the summary text."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = Counter(result["outcome"] for result in results)
    document = {
        "format": FORMAT_VERSION,
        "run": {
            "started": started,
            "finished": now(),
            "targets": targets,
            "logins": {},
            "pytest_args": [],
            "strict_should": False,
            "python": platform.python_version(),
            "role": "client",
        },
        "results": results,
        "summary": {"total": len(results), **{name: counts[name] for name in OUTCOMES}},
        "left_out": [],
    }
    path = directory / "results.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    summary = summary_text(results)
    (directory / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    (directory / "junit.xml").write_bytes(_junit(results))
    (directory / "report.html").write_text(render_report([str(path)]), encoding="utf-8")
    return summary


def _junit(results: list[dict[str, Any]]) -> bytes:
    counts = Counter(result["outcome"] for result in results)
    suite = ET.Element(
        "testsuite",
        name="conformance-judge",
        tests=str(len(results)),
        failures=str(counts["failed"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
    )
    for result in results:
        classname, _, name = str(result["id"]).partition("::")
        case = ET.SubElement(suite, "testcase", classname=classname.replace("/", "."), name=name)
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="transcript", value=result["transcript"])
        if result.get("basis"):
            ET.SubElement(properties, "property", name="basis", value=result["basis"])
        for defect in result["defects"]:
            text = f"{defect['session']} {defect['kind']} ({defect['detail']}): {defect['rule']}"
            ET.SubElement(properties, "property", name="defect", value=text)
        tag = {"failed": "failure", "error": "error", "skipped": "skipped"}.get(result["outcome"])
        if result["outcome"] == "warned":
            ET.SubElement(properties, "property", name="warning", value=result["reason"])
        elif tag is not None:
            ET.SubElement(case, tag, message=result["reason"])
    return bytes(ET.tostring(suite, encoding="utf-8", xml_declaration=True))
