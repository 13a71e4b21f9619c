"""``conformance check`` finds the repo's Postfix through a private DNS server and grades
it, with Dovecot's imaps and pop3s named by URL; nothing is delivered, nothing leaves
127.0.0.1.  Skipped (with how to install them) only when the server programs are missing.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from private_dns import private_dns

from conformance import _check_tls
from conformance.peers import KNOWN_DEVIATIONS, PeerSystem, missing_binaries, start_peers

# The peers' certificate names localhost (conformance/peers/_layout.py).
_ZONE = """
example.test. 300 IN MX 10 localhost.
localhost. 300 IN A 127.0.0.1
wrong.test. 300 IN MX 10 mx.wrong.test.
mx.wrong.test. 300 IN A 127.0.0.1
_mta-sts.wrong.test. 300 IN TXT "v=STSv1; id=1"
"""
pytestmark = pytest.mark.xdist_group("check-peers")  # one private Postfix for both tests

_QUEUES = ("incoming", "active", "deferred", "hold", "maildrop", "corrupt")


@pytest.fixture(scope="module")
def peers() -> Iterator[PeerSystem]:
    missing = missing_binaries()
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed; run scripts/install-debian-deps")
    # Under /tmp: the daemons' own users must traverse the run directory.
    run_dir = Path(tempfile.mkdtemp(prefix="check-peers-", dir="/tmp"))
    system = start_peers(run_dir)
    try:
        yield system
    finally:
        system.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def _check(peers: PeerSystem, *argv: str) -> tuple[int, dict[str, Any]]:
    with private_dns(_ZONE) as server:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "conformance.cli",
                "check",
                *argv,
                "--dns-server",
                server,
                "--port",
                str(peers.smtp_port),
                "--ca-file",
                str(peers.layout.cert),
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
    assert run.stdout, run.stderr[-2000:]
    return run.returncode, json.loads(run.stdout)


def _files(peers: PeerSystem) -> set[Path]:
    places = [peers.maildir_for(user) for user in ("alice", "bob")]
    places += [peers.layout.postfix_queue / name for name in _QUEUES]
    return {p for place in places if place.exists() for p in place.rglob("*") if p.is_file()}


def _by_check(host: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {finding["check"]: finding for finding in host["findings"]}


def _old_versions_probed(host: dict[str, Any]) -> None:
    """TLS 1.0/1.1 are graded from a real handshake, as this machine allows."""
    for label, version in (("TLS 1.0", ssl.TLSVersion.TLSv1), ("TLS 1.1", ssl.TLSVersion.TLSv1_1)):
        finding = _by_check(host)[label]
        if _check_tls._why_we_cannot_offer(version) is not None:
            assert finding["outcome"] == "not probed"
        elif finding["outcome"] == "failed":
            assert finding["detail"].startswith("offered: handshake completed")
        else:
            assert (finding["outcome"], finding["detail"][:11]) == ("passed", "not offered")


def test_check_finds_postfix_through_private_dns_and_grades_it(
    peers: PeerSystem, tmp_path: Path
) -> None:
    before = _files(peers)
    alice = peers.accounts[0]
    submission_url = f"submission://{alice.user}:{alice.password}@localhost:{peers.submission_port}"
    code, document = _check(
        peers,
        "example.test",
        "--waivers",
        str(KNOWN_DEVIATIONS),
        "--expiry-warning",
        "7",
        "--url",
        f"imaps://localhost:{peers.imaps_port}",
        "--url",
        f"pop3s://localhost:{peers.pop3s_port}",
        "--url",
        submission_url,
        "--report-dir",
        str(tmp_path),
    )
    smtp, imaps, pop3s, submission = document["hosts"]
    assert smtp["url"] == f"smtp://localhost:{peers.smtp_port}"
    assert smtp["addresses"] == ["127.0.0.1"]
    assert imaps["url"] == f"imaps://localhost:{peers.imaps_port}"
    assert pop3s["url"] == f"pop3s://localhost:{peers.pop3s_port}"
    for host in document["hosts"]:
        found = _by_check(host)
        tls = "STARTTLS" if host in (smtp, submission) else "implicit TLS"
        for check in (
            tls,
            "certificate chain",
            "certificate name",
            "certificate expiry",
            "TLS 1.2 or later",
        ):
            assert found[check]["outcome"] == "passed", (host["url"], found[check])
        _old_versions_probed(host)
        counts = host["suite"]["counts"]
        assert not counts.get("failed") and not counts.get("error"), host["suite"]
        assert found["suite"]["outcome"] in ("passed", "warned")
    assert smtp["suite"]["counts"]["passed"] >= 150, smtp["suite"]
    assert submission["suite"]["counts"]["passed"] >= 150, submission["suite"]
    assert alice.password not in json.dumps(document), "a password in the report"
    assert _files(peers) == before, "a message was delivered or queued"
    failed = any(host["grade"] == "F" for host in document["hosts"])
    assert code == (1 if failed else 0)


def test_a_wrong_name_under_mta_sts_fails_and_a_near_expiry_warns(peers: PeerSystem) -> None:
    code, document = _check(peers, "wrong.test", "--tls-only", "--expiry-warning", "60")
    (host,) = document["hosts"]
    found = _by_check(host)
    assert found["certificate name"]["outcome"] == "failed"
    assert "no DNS-ID for mx.wrong.test" in found["certificate name"]["detail"]
    assert found["certificate expiry"]["outcome"] == "warned"  # the peers' cert: 30 days
    assert (host["grade"], code) == ("F", 1)
