"""The README's worked example: a real MTA's outbound delivery graded by
``conformance judge smtp --listen``.  The repo's private Postfix (conformance.peers) gets
the judge as its relayhost, takes three messages by sendmail and delivers each in its
own session, one per scenario; the judge writes its report after the third session.
Then Postfix, its retry interval cut to a second, meets ``421-at-rcpt``: the judge sees
its retry deliver the message in a later session (``retries-deferred``).

Skipped (with how to install it) only when Postfix or Dovecot is missing.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.peers import PeerSystem, missing_binaries, start_peers

# One Postfix for the module's tests (they share its fixture's worker).
pytestmark = pytest.mark.xdist_group("postfix-graded-by-judge")

SCENARIOS = ("baseline", "no-pipelining", "ehlo-refused")
MESSAGE = (
    b"From: <sender@client.example>\nTo: <rcpt@judge.example>\nSubject: relayed\n\n"
    b".a line that starts with a period\n..two periods\nlast line\n"
)


@pytest.fixture(scope="module")
def postfix() -> Iterator[PeerSystem]:
    missing = missing_binaries()
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: scripts/install-debian-deps")
    run_dir = Path(tempfile.mkdtemp(prefix="mail-peers-", dir="/tmp"))  # daemons traverse it
    system = start_peers(run_dir)
    try:
        yield system
    finally:
        system.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _relay_through(system: PeerSystem, port: int, *more: str) -> None:
    """Point Postfix's outbound mail at the judge (it sends nothing anywhere else)."""
    config = str(system.layout.postfix_config)
    changes = [f"relayhost=[127.0.0.1]:{port}", "default_transport=smtp", "relay_transport=smtp"]
    changes += more
    # One session per message, so each meets the next scenario.
    changes += ["smtp_connection_cache_on_demand=no", "smtp_connection_cache_destinations="]
    subprocess.run(["postconf", "-c", config, "-e", *changes], check=True)
    subprocess.run(["postfix", "-c", config, "reload"], check=True, capture_output=True)


def _sent(system: PeerSystem) -> int:
    log = system.layout.logs / "postfix.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return text.count("status=sent")


def _send_one_at_a_time(system: PeerSystem, count: int, *, already: int = 0) -> None:
    """Submit ``count`` messages, each once the one before it was delivered (``already``:
    deliveries logged before)."""
    config = str(system.layout.postfix_config)
    sendmail = ["/usr/sbin/sendmail", "-C", config]
    for number in range(1, count + 1):
        subprocess.run(
            [*sendmail, "-f", "sender@client.example", "rcpt@judge.example"],
            input=MESSAGE,
            check=True,
        )
        deadline = time.monotonic() + 60
        while _sent(system) < already + number:
            assert time.monotonic() < deadline, "Postfix did not deliver to the judge in 60 s"
            # A busy machine can miss pickup's wake-up: flushing the queue nudges it.
            subprocess.run(["postqueue", "-c", config, "-f"], check=False, capture_output=True)
            time.sleep(0.5)


def _listening_judge(port: int, sessions: int, report_dir: Path, *scenarios: str) -> Any:
    """``conformance judge smtp --listen`` on ``port``, once it listens."""
    command = [sys.executable, "-m", "conformance.cli", "judge", "smtp"]
    command += ["--listen", f"127.0.0.1:{port}", "--sessions", str(sessions)]
    command += ["--report-dir", str(report_dir)]
    for name in scenarios:
        command += ["--scenario", name]
    judge = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert judge.stderr is not None
    ready = judge.stderr.readline().decode()  # printed once it listens
    assert f"127.0.0.1:{port}" in ready, ready
    return judge


def _results(report_dir: Path) -> list[dict[str, Any]]:
    (run,) = report_dir.iterdir()
    found: list[dict[str, Any]] = json.loads((run / "results.json").read_text("utf-8"))["results"]
    return found


def test_postfix_outbound_delivery_is_graded(postfix: PeerSystem, tmp_path: Path) -> None:
    port = _free_port()
    judge = _listening_judge(port, len(SCENARIOS), tmp_path, *SCENARIOS)
    try:
        _relay_through(postfix, port)
        _send_one_at_a_time(postfix, len(SCENARIOS))
        out, err = judge.communicate(timeout=60)
    finally:
        judge.kill()
    results = _results(tmp_path)
    graded = {(r["scenario"], r["check"]): r["outcome"] for r in results}
    assert {scenario for scenario, _ in graded} == set(SCENARIOS)
    assert graded[("baseline", "quit-at-end")] == "passed"
    assert graded[("no-pipelining", "waits-for-replies")] == "passed"
    assert graded[("ehlo-refused", "helo-fallback")] == "passed"
    assert graded[("baseline", "dot-stuffing")] == "passed"  # the period lines arrived
    broken = {key: outcome for key, outcome in graded.items() if outcome in ("failed", "error")}
    assert broken == {}, out.decode()[-3000:]
    assert judge.returncode == 0, err.decode()[-2000:]


def test_postfix_retries_after_a_421_and_the_judge_sees_it(
    postfix: PeerSystem, tmp_path: Path
) -> None:
    """RFC 5321 §4.2.1: after a 4yz "the SMTP client SHOULD try again".  The first attempt
    meets a 421 at RCPT; Postfix, its retry interval a second, comes back in a second
    session, which is served, and the judge counts it as the retry."""
    port = _free_port()
    judge = _listening_judge(port, 2, tmp_path, "421-at-rcpt")
    try:
        backoff = ["minimal_backoff_time=1s", "maximal_backoff_time=1s", "queue_run_delay=1s"]
        _relay_through(postfix, port, *backoff)
        sent_before = _sent(postfix)
        _send_one_at_a_time(postfix, 1, already=sent_before)
        _, err = judge.communicate(timeout=60)
    finally:
        judge.kill()
    graded = {r["check"]: r for r in _results(tmp_path)}
    retried = graded["retries-deferred"]
    assert retried["outcome"] == "passed", retried["reason"] + "\n" + retried["transcript"][-3000:]
    assert "421" in retried["transcript"]  # the first session met the 421
    assert judge.returncode == 0, err.decode()[-2000:]
