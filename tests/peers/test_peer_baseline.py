"""``--baseline`` between two runs of the real Postfix, one setting changed.

With ``smtpd_forbid_bare_newline = yes`` Postfix 3.7.11 no longer ends mail data at
``<LF>.<LF>``; back at the default ``no`` it does again (docs/known-deviations.md).  A run
at ``yes`` is the baseline of a run at ``no``: the smuggling test regresses, and the other
way round it is fixed.  No profile, so no waiver hides the change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conformance.peers import PeerSystem

SMUGGLING = "suites/smtp/test_rfc5321_smuggling.py::test_bare_lf_period_lf_does_not_end_data"
SELECTED = "test_bare_lf_period_lf_does_not_end_data or test_greeting_is_220"


def _set_bare_newline(peers: PeerSystem, value: str) -> None:
    config = os.fspath(peers.layout.postfix_config)
    subprocess.run(
        ["postconf", "-c", config, "-e", f"smtpd_forbid_bare_newline={value}"],
        check=True,
        timeout=30,
    )
    subprocess.run(["postfix", "-c", config, "reload"], check=True, capture_output=True, timeout=30)


@pytest.fixture
def bare_newline(peers: PeerSystem) -> Iterator[Callable[[str], None]]:
    """Set smtpd_forbid_bare_newline; the peers get Postfix's default back afterwards."""
    yield lambda value: _set_bare_newline(peers, value)
    _set_bare_newline(peers, "no")


def _run(peers: PeerSystem, report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "run",
            f"smtp://127.0.0.1:{peers.smtp_port}",
            "--deliver-to",
            peers.accounts[0].address,
            "--report-dir",
            str(report_dir),
            *extra,
            "--",
            "-k",
            SELECTED,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_one_postfix_setting_changed_shows_as_regression_and_fix(
    peers: PeerSystem, bare_newline: Callable[[str], None], tmp_path: Path
) -> None:
    bare_newline("yes")
    strict = _run(peers, tmp_path / "strict")
    assert strict.returncode == 0, strict.stdout[-2000:]
    (strict_results,) = (tmp_path / "strict").glob("*/results.json")

    bare_newline("no")
    lax = _run(
        peers,
        tmp_path / "lax",
        "--baseline",
        str(strict_results),
        "--fail-on",
        "regressions",
    )
    assert lax.returncode == 1, lax.stdout[-2000:]
    assert "regressions (held before, broken now): 1" in lax.stdout
    assert f"{SMUGGLING}  [MUST RFC 5321 §4.1.1.4]  passed -> failed" in lax.stdout

    (lax_results,) = (tmp_path / "lax").glob("*/results.json")
    back = subprocess.run(
        [sys.executable, "-m", "conformance.cli", "diff", str(lax_results), str(strict_results)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert back.returncode == 0
    assert "fixed (broken before, held now): 1" in back.stdout
    assert f"{SMUGGLING}  [MUST RFC 5321 §4.1.1.4]  failed -> passed" in back.stdout
