"""A message acknowledged with 250 survives the server being killed at once."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import subprocess
import sys
from pathlib import Path

from reference_impl.store import MailStore


def test_message_acknowledged_with_250_survives_sigkill(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "serve",
            "smtp",
            "--port",
            "0",
            "--store",
            str(store_dir),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        banner = server.stderr.readline().decode()
        match = re.search(r"on 127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        body = b"Subject: durable\r\n\r\nkept across a crash\r\n"
        with smtplib.SMTP("127.0.0.1", int(match.group(1)), timeout=10) as client:
            client.ehlo()
            client.mail("a@example.org")
            client.rcpt("alice@example.test")
            code, _ = client.data(body)
            assert code == 250
            os.kill(server.pid, signal.SIGKILL)  # no chance to flush anything
    finally:
        server.kill()
        server.wait(timeout=10)
    with MailStore(store_dir) as store:
        (message,) = store.messages("alice")
        assert store.read("alice", message.uid).endswith(body)
