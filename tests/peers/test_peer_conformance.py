"""The SMTP suite against the real Postfix, the POP3 and IMAP suites against the real Dovecot:
every report must be documented.

docs/known-deviations.md lists each failed or warned test with the RFC
sentence and the transcript, and each test the peer system's delivery path
keeps from being graded (an error, with why); this test keeps that list and
reality equal.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conformance.peers import PeerSystem

DOC = Path(__file__).parents[2] / "docs" / "known-deviations.md"
ENTRY = re.compile(r"^- `(suites/[^`]+)` — (failed|warned|error)$", re.MULTILINE)


def documented(section: str) -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    return dict(ENTRY.findall(text[start : end if end > 0 else None]))


def _run_profile(
    profile: Path, report_dir: Path, suite: str = "smtp"
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, str]]]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "run",
            "--profile",
            str(profile),
            "--suite",
            suite,
            "--report-dir",
            str(report_dir),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    (results_file,) = report_dir.glob("*/results.json")
    results: list[dict[str, str]] = json.loads(results_file.read_text())["results"]
    return run, results


def _assert_documented(profile: Path, report_dir: Path, section: str, suite: str = "smtp") -> None:
    run, results = _run_profile(profile, report_dir, suite)
    expected = documented(section)
    errors = [
        r["id"] + ": " + r["reason"]
        for r in results
        if r["outcome"] == "error" and expected.get(r["id"]) != "error"
    ]
    assert not errors, f"harness errors against {section}:\n" + "\n".join(errors)
    reported = {
        r["id"]: r["outcome"] for r in results if r["outcome"] in ("failed", "warned", "error")
    }
    assert reported == expected, (
        f"undocumented: {sorted(set(reported.items()) - set(expected.items()))}\n"
        f"documented but not reported: {sorted(set(expected.items()) - set(reported.items()))}\n"
        f"conformance output tail:\n{run.stdout[-2000:]}"
    )
    assert run.returncode == 1  # failures exist, so the run must say so


def test_postfix_smtp_reports_match_known_deviations(peers: PeerSystem, tmp_path: Path) -> None:
    _assert_documented(peers.profile_path, tmp_path, "Postfix 3.7 (smtpd on the plain SMTP port)")


def test_postfix_submission_reports_match_known_deviations(
    peers: PeerSystem, tmp_path: Path
) -> None:
    _assert_documented(
        peers.submission_profile_path, tmp_path, "Postfix 3.7 (submission port, STARTTLS + AUTH)"
    )


def test_dovecot_pop3_reports_match_known_deviations(peers: PeerSystem, tmp_path: Path) -> None:
    _assert_documented(peers.profile_path, tmp_path, "Dovecot 2.3 (POP3)", suite="pop3")


def test_dovecot_imap_reports_match_known_deviations(peers: PeerSystem, tmp_path: Path) -> None:
    _assert_documented(peers.profile_path, tmp_path, "Dovecot 2.3 (IMAP)", suite="imap")
