"""``conformance run smtp://host`` against the real Postfix with no profile.

A URL alone must grade at least 150 SMTP tests, report only known deviations (the peers'
waiver file) and
leave nothing behind: no message in any Maildir, none in Postfix's queue, none handed to
the queue manager.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conformance.peers import KNOWN_DEVIATIONS, PeerSystem

_QUEUES = ("incoming", "active", "deferred", "hold", "maildrop", "corrupt")


def _messages(peers: PeerSystem) -> set[Path]:
    maildirs = [peers.maildir_for(user) for user in ("alice", "bob")]
    queue = peers.layout.postfix_queue
    places = [*maildirs, *(queue / name for name in _QUEUES)]
    return {
        path for place in places if place.exists() for path in place.rglob("*") if path.is_file()
    }


def _queued(peers: PeerSystem) -> list[str]:
    """Log lines of the queue manager taking a message: the step before any delivery."""
    log = peers.maillog.read_text(encoding="utf-8", errors="replace")
    return [line for line in log.splitlines() if "postfix/qmgr" in line and "from=<" in line]


def test_postfix_from_a_url_alone_gets_150_verdicts_and_no_mail(
    peers: PeerSystem, tmp_path: Path
) -> None:
    before, queued_before = _messages(peers), _queued(peers)
    report_dir = tmp_path / "reports"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "run",
            f"smtp://127.0.0.1:{peers.smtp_port}",
            "--suite",
            "smtp",
            "-n",
            "2",
            "--report-dir",
            str(report_dir),
            "--waivers",
            str(KNOWN_DEVIATIONS),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    (results_file,) = report_dir.glob("*/results.json")
    results = json.loads(results_file.read_text())["results"]
    graded = [r for r in results if r["outcome"] in ("passed", "failed", "warned", "waived")]
    assert len(graded) >= 150, f"{len(graded)} verdicts; output tail:\n{run.stdout[-2000:]}"
    errors = [r["id"] + ": " + r["reason"] for r in results if r["outcome"] == "error"]
    assert not errors, "\n".join(errors)
    unwaived = [
        r["id"] + ": " + r["outcome"] for r in results if r["outcome"] in ("failed", "warned")
    ]
    assert not unwaived, "not a known deviation:\n" + "\n".join(unwaived)
    assert run.returncode == 0, run.stdout[-2000:]
    assert _messages(peers) == before, "a message was delivered or queued"
    assert _queued(peers) == queued_before, "the queue manager took a message"
