"""``--imap-rev 2`` against the real Dovecot 2.3, which does not advertise IMAP4rev2:
every IMAP4rev2 test skips as "not advertised" (none fails), and nothing is reported
beyond the known deviations.  The rules both revisions share are graded by the peers'
IMAP run (test_peer_conformance): with no IMAP4rev2 to enable, a rev2 run grades them
in the same IMAP4rev1 sessions."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

from conformance.peers import PeerSystem
from suites.imap import test_rfc9051_rev2

NOT_ADVERTISED = "target does not advertise IMAP4REV2"


def _rev2_tests() -> set[str]:
    """The ids of the tests marked ``requires("IMAP4rev2")`` in the rev2 module."""
    return {
        f"suites/imap/test_rfc9051_rev2.py::{name}"
        for name, function in inspect.getmembers(test_rfc9051_rev2, inspect.isfunction)
        if any(
            mark.name == "requires" and mark.args == ("IMAP4rev2",)
            for mark in getattr(function, "pytestmark", [])
        )
    }


def test_rev2_run_against_dovecot_skips_the_rev2_tests(peers: PeerSystem, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "conformance.cli", "run", "--profile"]
    command += [str(peers.profile_path), "--suite", "imap", "--imap-rev", "2"]
    command += ["--report-dir", str(tmp_path), "--", "-k", "test_rfc9051_rev2"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    (results_file,) = tmp_path.glob("*/results.json")
    results = json.loads(results_file.read_text())["results"]
    outcome = {r["id"]: (r["outcome"], r["reason"]) for r in results}
    wanted = _rev2_tests()
    assert len(wanted) >= 10
    not_skipped = {
        t: outcome.get(t) for t in wanted if outcome.get(t, ("", ""))[1] != NOT_ADVERTISED
    }
    assert not not_skipped, f"IMAP4rev2 tests not skipped as not advertised: {not_skipped}"
    reported = [
        f"{i}: {o}: {why}"
        for i, (o, why) in outcome.items()
        if o not in ("passed", "skipped", "waived")
    ]
    assert not reported, "reported without a waiver:\n" + "\n".join(reported)
    assert run.returncode == 0, run.stdout[-2000:]
