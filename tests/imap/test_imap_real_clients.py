"""Real IMAP clients against the reference server: curl (imap:// and imaps:// URLs,
RFC 5092) and mbsync (isync) syncing a mailbox to a local Maildir and back."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import ServedImap

ONE = b"From: bob@example.test\r\nSubject: one\r\n\r\nbody one\r\n"
TWO = b"From: bob@example.test\r\nSubject: two\r\n\r\nbody two\r\n"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run scripts/install-debian-deps")
    return path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedImap]:
    with ServedImap(tmp_path) as running:
        yield running


def curl(served: ServedImap, url: str, *extra: str) -> bytes:
    command = [need("curl"), "-sS", "--max-time", "20", "-u", "alice:alice-pw"]
    command += ["--cacert", str(served.tls.ca_file), *extra, url]
    done = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def test_curl_lists_examines_and_fetches_byte_exact(served: ServedImap) -> None:
    served.store.deliver("alice", ONE)
    base = f"imap://127.0.0.1:{served.port}"
    assert b'"/" INBOX' in curl(served, base + "/")
    assert b"* 1 EXISTS" in curl(served, base + "/INBOX", "-X", "EXAMINE INBOX")
    assert curl(served, base + "/INBOX;UID=1") == ONE
    assert curl(served, base + "/INBOX;UID=1", "--ssl-reqd") == ONE  # STARTTLS
    assert curl(served, f"imaps://127.0.0.1:{served.imaps_port}/INBOX;UID=1") == ONE


def mbsync(served: ServedImap, local: Path) -> None:
    config = local.parent / "mbsyncrc"
    config.write_text(
        # "localhost": mbsync matches the certificate by DNS name, not by IP address.
        f"IMAPAccount ref\nHost localhost\nPort {served.port}\nUser alice\nPass alice-pw\n"
        f"SSLType STARTTLS\nCertificateFile {served.tls.ca_file}\n\n"
        "IMAPStore remote\nAccount ref\n\n"
        f"MaildirStore near\nPath {local}/\nInbox {local}/INBOX\n\n"
        "Channel ref\nFar :remote:\nNear :near:\nPatterns *\nCreate Both\nExpunge Both\n"
        "SyncState *\n"
    )
    done = subprocess.run(
        [need("mbsync"), "-c", str(config), "-a"], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]


def subject(data: bytes) -> bytes:
    """mbsync stores LF line ends and adds X-TUID (its own bookkeeping): compare by Subject."""
    return next(line for line in data.splitlines() if line.startswith(b"Subject: "))


def local_messages(local: Path) -> dict[bytes, Path]:
    found = [*(local / "INBOX" / "new").iterdir(), *(local / "INBOX" / "cur").iterdir()]
    return {subject(path.read_bytes()): path for path in found}


def test_mbsync_round_trip_with_flags_and_deletions(served: ServedImap, tmp_path: Path) -> None:
    served.store.deliver("alice", ONE)
    served.store.deliver("alice", TWO)
    local = tmp_path / "Mail"
    local.mkdir()
    mbsync(served, local)
    pulled = local_messages(local)
    assert set(pulled) == {b"Subject: one", b"Subject: two"}
    assert pulled[b"Subject: one"].read_bytes().endswith(b"\n\nbody one\n")
    # Locally: one read and flagged, two deleted, a new message written.
    one = pulled[b"Subject: one"]
    one.rename(local / "INBOX" / "cur" / (one.name.split(":")[0] + ":2,FS"))
    pulled[b"Subject: two"].unlink()
    (local / "INBOX" / "new" / "1700000000.local.test").write_bytes(
        b"Subject: three\r\n\r\nthree\r\n"
    )
    mbsync(served, local)
    remote = {
        subject(served.store.read("alice", m.uid)): m.flags for m in served.store.messages("alice")
    }
    assert remote[b"Subject: one"] >= {"\\Seen", "\\Flagged"}
    assert b"Subject: two" not in remote
    assert b"Subject: three" in remote
    # Server side: one answered, three removed; the next sync brings both to the Maildir.
    uids = {
        subject(served.store.read("alice", m.uid)): m.uid for m in served.store.messages("alice")
    }
    served.store.update_flags("alice", [uids[b"Subject: one"]], add=["\\Answered"])
    served.store.delete("alice", [uids[b"Subject: three"]])
    mbsync(served, local)
    after = local_messages(local)
    assert set(after) == {b"Subject: one"}
    assert "R" in after[b"Subject: one"].name.rsplit(":2,", 1)[1]
