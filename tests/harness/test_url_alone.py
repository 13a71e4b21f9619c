"""``conformance run smtp://host`` with no profile: most of the suite, nothing delivered.

Without accounts the tests use the null reverse-path and postmaster (RFC 5321 §4.5.1); the
tests that need delivery or logins are reported as left out, with what would enable them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from reference_impl._embedded import EmbeddedServers

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
VERDICTS = ("passed", "failed", "warned")


def _stored_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def _run_url_alone(url: str, report_dir: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    done = subprocess.run(
        [*CONFORMANCE, "run", url, "--suite", "smtp", "--report-dir", str(report_dir), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=report_dir.parent,
    )
    (results_file,) = report_dir.glob("*/results.json")
    return done.stdout, json.loads(results_file.read_text(encoding="utf-8"))


def test_url_alone_grades_150_smtp_tests_and_delivers_nothing(tmp_path: Path) -> None:
    with EmbeddedServers() as servers:
        store = Path(servers.store.root)
        before = _stored_files(store)
        url = f"smtp://{servers.host}:{servers.smtp_port}"
        stdout, document = _run_url_alone(url, tmp_path / "reports", "-n", "2")
        after = _stored_files(store)
    results = document["results"]
    graded = [r for r in results if r["outcome"] in VERDICTS]
    assert len(graded) >= 150, f"{len(graded)} verdicts of {len(results)}: {document['summary']}"
    assert after == before, f"the run stored mail: {sorted(map(str, after - before))}"
    errors = [f"{r['id']}: {r['reason']}" for r in results if r["outcome"] == "error"]
    assert not errors, "\n".join(errors)
    # What was left out, and what would enable it: in results.json, the summary, the output.
    needs = {group["needs"]: group["tests"] for group in document["left_out"]}
    delivery = next(ids for need, ids in needs.items() if "[delivery] allowed" in need)
    assert (
        "suites/smtp/test_rfc5321_mail_rcpt_data.py::test_accepted_message_is_delivered_unchanged"
        in delivery
    )
    summary = (next((tmp_path / "reports").iterdir()) / "summary.txt").read_text()
    assert "left out:" in summary and delivery[0] in summary
    assert "left out:" in stdout and "[delivery] allowed = true" in stdout


def test_url_alone_uses_the_null_sender_and_postmaster(tmp_path: Path) -> None:
    with EmbeddedServers() as servers:
        url = f"smtp://{servers.host}:{servers.smtp_port}"
        _, document = _run_url_alone(
            url, tmp_path / "reports", "--domain", "example.test", "--", "-k", "rcpt_is_accepted"
        )
    (result,) = [
        r for r in document["results"] if r["id"].endswith("test_rcpt_is_accepted_with_250")
    ]
    assert result["outcome"] == "passed", result["reason"]
    assert "C: MAIL FROM:<>\\r\\n" in result["transcript"]
    assert "C: RCPT TO:<postmaster@example.test>\\r\\n" in result["transcript"]
