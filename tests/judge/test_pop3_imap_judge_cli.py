"""``conformance judge pop3|imap -- COMMAND``: the POP3 and IMAP judges plug into the
command like SMTP's; exit 0 when the client broke nothing, 1 when it broke a MUST, and
the verdicts in results.json under their requirement keys."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from conformance.cli import main

BROKEN = [sys.executable, str(Path(__file__).parent / "broken_mail_clients.py")]

pytestmark = pytest.mark.xdist_group("judge-pop3-imap")


def _results(report_dir: Path) -> list[dict[str, object]]:
    (run,) = report_dir.iterdir()
    data = json.loads((run / "results.json").read_text())
    results = data["results"] if isinstance(data, dict) else data
    assert isinstance(results, list)
    return results


def test_a_correct_pop3_client_exits_0(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed: run scripts/install-debian-deps")
    curl = ["curl", "-sS", "-u", "alice:alice-password", "pop3://{host}:{port}/1"]
    judge = ["judge", "pop3", "--scenario", "baseline", "--report-dir", str(tmp_path)]
    assert main([*judge, "--", *curl]) == 0


def test_an_imap_client_that_breaks_a_must_exits_1(tmp_path: Path) -> None:
    client = [*BROKEN, "imap-literal-without-wait", "{host}", "{port}", "{cafile}"]
    judge = ["judge", "imap", "--scenario", "baseline", "--report-dir", str(tmp_path)]
    assert main([*judge, "--", *client]) == 1
    failed = [r for r in _results(tmp_path) if r.get("outcome") == "failed"]
    assert len(failed) == 1, failed
    assert "RFC 9051" in json.dumps(failed[0]) and "4.3" in json.dumps(failed[0])
