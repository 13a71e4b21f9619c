"""What an IMAP client was told survives the server being killed at once (RFC 9051 §2.3.1.1:
UIDs and the UIDVALIDITY they hold under; §2.3.2: flags stored by STORE and APPEND).

The server runs as ``conformance serve imap`` in its own process, so SIGKILL gives it no
chance to flush anything; a second server on the same store must then report what the
first one acknowledged.
"""

from __future__ import annotations

import imaplib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER, PASSWORD = "alice", "alice-password"  # the demo account `conformance serve` creates


@contextmanager
def served_imap(store_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    command = ["serve", "imap", "--port", "0", "--store", str(store_dir)]
    server = subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        banner = server.stderr.readline().decode(errors="replace")
        match = re.search(r"on 127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        yield server, int(match.group(1))
    finally:
        server.kill()
        server.wait(timeout=10)


def login(port: int) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    client.login(USER, PASSWORD)
    return client


def uid_validity_and_next(client: imaplib.IMAP4) -> tuple[int, int]:
    typ, data = client.status("INBOX", "(UIDVALIDITY UIDNEXT)")
    assert typ == "OK", data
    found = dict(re.findall(rb"(UIDVALIDITY|UIDNEXT) (\d+)", b" ".join(d for d in data if d)))
    return int(found[b"UIDVALIDITY"]), int(found[b"UIDNEXT"])


def uids_and_flags(client: imaplib.IMAP4) -> dict[int, set[str]]:
    client.select("INBOX", readonly=True)
    typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
    assert typ == "OK", data
    found: dict[int, set[str]] = {}
    for line in data:
        assert isinstance(line, bytes), data
        uid = re.search(rb"UID (\d+)", line)
        flags = re.search(rb"FLAGS \(([^)]*)\)", line)
        assert uid and flags, line
        found[int(uid.group(1))] = set(flags.group(1).decode().split())
    return found


def test_uids_flags_and_uidvalidity_survive_sigkill(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with served_imap(store_dir) as (server, port):
        client = login(port)
        for number in range(3):
            typ, data = client.append(
                "INBOX", r"(\Flagged)", None, f"Subject: {number}\r\n\r\nkept\r\n".encode()
            )
            assert typ == "OK", data
        client.select("INBOX")
        assert client.uid("STORE", "2", "+FLAGS", r"(\Answered $Label1)")[0] == "OK"
        assert client.uid("STORE", "3", "+FLAGS", r"(\Deleted)")[0] == "OK"
        assert client.expunge()[0] == "OK"
        acknowledged = uids_and_flags(client)
        validity_before, next_before = uid_validity_and_next(client)
        os.kill(server.pid, signal.SIGKILL)  # the tagged OKs above are all it got to send
    assert set(acknowledged) == {1, 2}, acknowledged

    with served_imap(store_dir) as (_, port):
        client = login(port)
        assert uids_and_flags(client) == acknowledged
        assert uid_validity_and_next(client) == (validity_before, next_before)
        typ, data = client.append("INBOX", None, None, b"Subject: after\r\n\r\nnew\r\n")
        assert typ == "OK", data
        # The expunged UID 3 is never handed out again while UIDVALIDITY holds.
        assert max(uids_and_flags(client)) == next_before
        client.logout()
