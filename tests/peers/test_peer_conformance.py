"""The SMTP suite against the real Postfix: every report must be documented.

docs/known-deviations.md lists each failed or warned test with the RFC
sentence and the transcript; this test keeps that list and reality equal.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conformance.peers import PeerSystem

DOC = Path(__file__).parents[2] / "docs" / "known-deviations.md"
ENTRY = re.compile(r"^- `(suites/[^`]+)` — (failed|warned)$", re.MULTILINE)


def documented(section: str) -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    return dict(ENTRY.findall(text[start : end if end > 0 else None]))


def test_postfix_smtp_reports_match_known_deviations(peers: PeerSystem, tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "run",
            "--profile",
            str(peers.profile_path),
            "--suite",
            "smtp",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    (results_file,) = tmp_path.glob("*/results.json")
    results = json.loads(results_file.read_text())["results"]
    errors = [r["id"] + ": " + r["reason"] for r in results if r["outcome"] == "error"]
    assert not errors, "harness errors against Postfix:\n" + "\n".join(errors)
    reported = {r["id"]: r["outcome"] for r in results if r["outcome"] in ("failed", "warned")}
    expected = documented("Postfix 3.7")
    assert reported == expected, (
        f"undocumented: {sorted(set(reported.items()) - set(expected.items()))}\n"
        f"documented but not reported: {sorted(set(expected.items()) - set(reported.items()))}\n"
        f"conformance output tail:\n{run.stdout[-2000:]}"
    )
    assert run.returncode == 1  # failures exist, so the run must say so
