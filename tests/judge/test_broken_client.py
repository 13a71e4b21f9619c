"""A deliberately broken client (broken_smtp_client.py) graded by ``conformance judge``:
each misbehaviour fails (or, for a SHOULD, warns) exactly the checks that match it, and
the same client without it passes them all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conformance.cli import main

CLIENT = Path(__file__).with_name("broken_smtp_client.py")

# misbehaviour(s), scenario, {check: outcome} expected of the checks not passed/skipped
CASES = [
    ((), "baseline", {}),
    (("no-dot-stuffing",), "baseline", {"dot-stuffing": "failed"}),
    (("bare-lf",), "baseline", {"crlf-line-ends": "failed"}),
    (("pipeline-without-pipelining",), "no-pipelining", {"waits-for-replies": "failed"}),
    (("no-greeting-wait",), "baseline", {"waits-for-greeting": "warned"}),
    (("no-quit",), "baseline", {"quit-at-end": "failed"}),
    (("no-helo-fallback",), "ehlo-refused", {"helo-fallback": "warned", "delivers": "warned"}),
    ((), "ehlo-refused", {}),
    (("long-line",), "baseline", {"line-lengths": "warned"}),
    (("password-in-clear",), "auth-offered-in-clear", {"no-password-in-clear": "warned"}),
    (("starttls",), "baseline", {}),
    (("starttls", "helo-after-starttls"), "baseline", {"ehlo-after-starttls": "warned"}),
    (("starttls",), "starttls-injection", {}),
    (
        ("starttls", "believe-injection"),
        "starttls-injection",
        {"starttls-injection-discarded": "failed"},
    ),
    (
        ("starttls", "mail-after-refused-starttls"),
        "starttls-refused",
        {"no-mail-after-refused-starttls": "warned"},
    ),
    ((), "size-limit", {}),
    (("ignore-size-refusal",), "size-limit", {"size-refusal-honoured": "warned"}),
]


def _judged(tmp_path: Path, misbehaviours: tuple[str, ...], scenario: str) -> tuple[int, dict]:
    command = [sys.executable, str(CLIENT), "--host", "{host}", "--port", "{port}"]
    command += ["--cafile", "{cafile}"]
    for name in misbehaviours:
        command += ["--misbehave", name]
    reports = tmp_path / "reports"
    status = main(
        ["judge", "smtp", "--report-dir", str(reports), "--scenario", scenario, "--", *command]
    )
    (run,) = reports.iterdir()
    return status, json.loads((run / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("misbehaviours", "scenario", "expected"),
    CASES,
    ids=[f"{scenario}-{'+'.join(bad) or 'correct'}" for bad, scenario, _ in CASES],
)
def test_each_misbehaviour_fails_exactly_its_checks(
    tmp_path: Path, misbehaviours: tuple[str, ...], scenario: str, expected: dict[str, str]
) -> None:
    status, document = _judged(tmp_path, misbehaviours, scenario)
    found = {
        r["check"]: r["outcome"]
        for r in document["results"]
        if r["outcome"] not in ("passed", "skipped")
    }
    assert found == expected, json.dumps(document["results"], indent=1)[-4000:]
    assert status == (1 if "failed" in expected.values() else 0)
