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
    (("claims-delivery",), "drop-after-data", {"reports-non-delivery": "warned"}),
    ((), "mail-5xx", {}),
    (("repeat-refused-mail",), "mail-5xx", {"no-repeat-after-5xx": "warned"}),
    (("retry-only-latest",), "rcpt-4xx", {"retries-deferred": "warned"}),
    (("retry", "resend-after-250"), "drop-after-data", {"retries-deferred": "warned"}),
    ((), "endless-reply", {}),
    (("unbounded-reads",), "endless-reply", {"bounds-endless-reply": "warned"}),
    ((), "oversized-reply-line", {}),
    (("unbounded-reads",), "oversized-reply-line", {"bounds-oversized-line": "warned"}),
    ((), "malformed-reply", {}),
    (("go-on-after-out-of-range",), "malformed-reply", {"out-of-range-reply-fatal": "warned"}),
]
# Checks graded over the run, each shown passing for the client that keeps the rule and
# not exercised where nothing shows it (one run per client, under all its scenarios):
# misbehaviour(s), {(scenario, check): outcome}.
RUN_CASES = [
    (
        (),
        {
            ("drop-after-data", "reports-non-delivery"): "passed",
            ("rcpt-4xx", "retries-deferred"): "skipped",  # it never came back: no guess
        },
    ),
    (
        ("retry",),
        {
            ("drop-after-data", "reports-non-delivery"): "skipped",  # delivered at last
            ("drop-after-data", "retries-deferred"): "passed",
            ("rcpt-4xx", "retries-deferred"): "passed",
            ("421-at-rcpt", "retries-deferred"): "passed",
            ("421-at-data", "retries-deferred"): "passed",
        },
    ),
    (
        # One message for two recipients: the one deferred (a 450, or a 452 past the
        # limit of one) is sent in a later transaction, the other delivered meanwhile.
        ("two-recipients", "retry"),
        {
            ("rcpt-4xx", "retries-deferred"): "passed",
            ("too-many-recipients", "retries-deferred"): "passed",
            ("too-many-recipients", "command-sequence"): "passed",
        },
    ),
]


def _judged(tmp_path: Path, misbehaviours: tuple[str, ...], *scenarios: str) -> tuple[int, dict]:
    command = [sys.executable, str(CLIENT), "--host", "{host}", "--port", "{port}"]
    command += ["--cafile", "{cafile}"]
    for name in misbehaviours:
        command += ["--misbehave", name]
    reports = tmp_path / "reports"
    chosen = [word for scenario in scenarios for word in ("--scenario", scenario)]
    status = main(["judge", "smtp", "--report-dir", str(reports), *chosen, "--", *command])
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


@pytest.mark.parametrize(
    ("misbehaviours", "expected"),
    RUN_CASES,
    ids=["+".join(bad) or "correct" for bad, _ in RUN_CASES],
)
def test_checks_over_the_run(
    tmp_path: Path, misbehaviours: tuple[str, ...], expected: dict[tuple[str, str], str]
) -> None:
    scenarios = dict.fromkeys(scenario for scenario, _ in expected)
    _, document = _judged(tmp_path, misbehaviours, *scenarios)
    found = {
        (r["scenario"], r["check"]): r["outcome"]
        for r in document["results"]
        if (r["scenario"], r["check"]) in expected
    }
    assert found == expected, json.dumps(document["results"], indent=1)[-4000:]
