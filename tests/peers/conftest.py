"""A private Postfix + Dovecot for the whole session, started once and stopped after.

Skipped (with how to install them) only when the server programs are missing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.peers import PeerSystem, missing_binaries, start_peers


@pytest.fixture(scope="session")
def peers(request: pytest.FixtureRequest) -> Iterator[PeerSystem]:
    missing = missing_binaries()
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed; install the Debian packages with "
            "scripts/install-debian-deps (as root)"
        )
    # Not pytest's tmp_path: /tmp/pytest-of-USER is mode 700, which the daemons' own users
    # (mail, postfix, dovenull) cannot traverse.
    run_dir = Path(tempfile.mkdtemp(prefix="mail-peers-", dir="/tmp"))
    system = start_peers(run_dir)
    try:
        yield system
    finally:
        system.stop()
        _report_timings(system)
        if request.session.testsfailed:
            print(f"\npeers: kept {run_dir} for inspection", file=sys.stderr)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


def _report_timings(system: PeerSystem) -> None:
    stop = f"{system.stop_seconds:.2f} s" if system.stop_seconds is not None else "?"
    print(
        f"\npeers: start {system.start_seconds:.2f} s, stop {stop} "
        f"(Postfix {system.postfix_pid}, Dovecot {system.dovecot_pid})",
        file=sys.stderr,
    )
