"""``conformance serve smtp --sink``: the whole protocol, every check, and each accepted
message counted and hashed instead of stored."""

from __future__ import annotations

import hashlib
import re
import signal
import smtplib
import subprocess
import sys
from pathlib import Path

MESSAGE = b"Subject: sink\r\n\r\nline one\r\n..leading dot\r\n"


def _serve_sink(store: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "conformance.cli", "serve", "smtp", "--sink", "--no-tls"),
            *("--port", "0", "--store", str(store)),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    banner = process.stderr.readline()
    match = re.search(r"127\.0\.0\.1:(\d+) .*messages counted, not stored", banner)
    if match is None:
        process.kill()
        raise AssertionError(f"unexpected banner {banner!r}")
    return process, int(match.group(1))


def test_the_sink_checks_counts_and_hashes_without_storing(tmp_path: Path) -> None:
    process, port = _serve_sink(tmp_path / "store")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail("alice@example.test", ["bob@example.test"], MESSAGE)
            # Every check still applies: an unknown local recipient is refused.
            code, _ = client.rcpt("nobody@example.test")
            assert code >= 500
    finally:
        process.send_signal(signal.SIGINT)
        _, log = process.communicate(timeout=30)
    # The content as the client meant it: smtplib stuffed the dot line, the server
    # removed the stuffing again (RFC 5321 §4.5.2).
    digest = hashlib.sha256(MESSAGE).hexdigest()
    assert f"sha256 {digest}" in log
    assert "the sink accepted 1 messages" in log
    assert not list((tmp_path / "store").glob("mail/**/new/*"))


def test_the_sink_is_for_smtp_only() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conformance.cli", "serve", "pop3", "--sink"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--sink needs a server that receives mail" in done.stderr
