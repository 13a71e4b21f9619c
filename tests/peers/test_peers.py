"""The private Postfix + Dovecot work end to end with real clients.

Mail goes swaks/smtplib -> Postfix smtpd -> LMTP -> Dovecot -> Maildir, and is read back
from the files and through POP3 and IMAP.
"""

from __future__ import annotations

import imaplib
import os
import poplib
import shutil
import smtplib
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conformance import load_profile
from conformance.peers import PeerSystem

CRLF = b"\r\n"


def wait_for_maildir(maildir: Path, marker: bytes, timeout: float = 10.0) -> bytes:
    """The stored message containing ``marker`` (new/ or cur/), polling until ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        for sub in ("new", "cur"):
            for path in sorted((maildir / sub).iterdir()):
                try:
                    data = path.read_bytes()
                except FileNotFoundError:  # moved from new/ to cur/ by an IMAP session
                    continue
                if marker in data:
                    return data
        if time.monotonic() >= deadline:
            listing = {sub: sorted(os.listdir(maildir / sub)) for sub in ("new", "cur")}
            pytest.fail(f"no message with {marker!r} in {maildir} after {timeout} s: {listing}")
        time.sleep(0.05)


def _message(marker: str, sender: str, recipient: str) -> bytes:
    """A complete message, so Postfix has no header to add but its Received line.

    The body has a line starting with a dot (stuffed on the wire, RFC 5321 section
    4.5.2), trailing spaces and an empty line, all of which must survive unchanged.
    """
    lines = [
        f"From: <{sender}>",
        f"To: <{recipient}>",
        f"Subject: peers test {marker}",
        "Date: Mon, 01 Jan 2024 00:00:00 +0000",
        f"Message-ID: <{marker}@example.test>",
        "",
        f"marker {marker}",
        ".a line starting with a dot",
        "trailing spaces   ",
        "",
        "end",
    ]
    return CRLF.join(line.encode("ascii") for line in lines) + CRLF


def _header_block(data: bytes) -> bytes:
    return data.partition(CRLF + CRLF)[0]


@pytest.fixture(scope="module")
def swaks_delivery(peers: PeerSystem, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One message delivered to alice with swaks over plain SMTP; returns what was sent."""
    swaks = shutil.which("swaks")
    if swaks is None:
        pytest.skip("swaks not installed; run scripts/install-debian-deps")
    marker = uuid.uuid4().hex
    message = _message(marker, "bob@example.test", "alice@example.test")
    data_file = tmp_path_factory.mktemp("swaks") / "message.eml"
    # swaks ends DATA with CRLF "." CRLF after the file's content, so a file ending in
    # CRLF would arrive with an extra empty line: hand it the message without its last CRLF.
    data_file.write_bytes(message.removesuffix(CRLF))
    argv = [swaks, "--server", f"127.0.0.1:{peers.smtp_port}"]
    argv += ["--from", "bob@example.test", "--to", "alice@example.test"]
    argv += ["--data", f"@{data_file}"]
    completed = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        check=False,
    )
    output = completed.stdout.decode("utf-8", "replace")
    assert completed.returncode == 0, output + completed.stderr.decode("utf-8", "replace")
    return message


def test_swaks_delivers_byte_exact_into_maildir(peers: PeerSystem, swaks_delivery: bytes) -> None:
    marker = _header_block(swaks_delivery).split(b"Message-ID: <")[1].split(b"@")[0]
    stored = wait_for_maildir(peers.maildir_for("alice"), marker, timeout=10)
    # Postfix and Dovecot prepend trace fields (Return-Path, Delivered-To, Received);
    # everything the client sent must follow them unchanged, CRLFs included.
    assert stored.endswith(swaks_delivery), stored
    added = stored[: -len(swaks_delivery)]
    assert added.startswith(b"Return-Path: <bob@example.test>\r\n"), added
    assert b"Delivered-To: alice@example.test\r\n" in added
    assert CRLF + CRLF not in added


def test_smtplib_submission_starttls_and_auth_plain(peers: PeerSystem) -> None:
    alice = peers.account("alice")
    marker = uuid.uuid4().hex
    message = _message(marker, alice.address, "bob@example.test")
    with smtplib.SMTP("127.0.0.1", peers.submission_port, timeout=10) as client:
        client.ehlo("client.example.test")
        # smtpd_tls_auth_only: no AUTH before TLS (RFC 4954 section 4 allows hiding it).
        assert not client.has_extn("auth")
        assert client.has_extn("starttls")
        code, _ = client.starttls(context=peers.tls_context())
        assert code == 220
        client.ehlo("client.example.test")
        assert "PLAIN" in client.esmtp_features["auth"].upper().split()
        client.user, client.password = alice.user, alice.password
        code, _ = client.auth("PLAIN", client.auth_plain, initial_response_ok=True)
        assert code == 235
        refused = client.sendmail(alice.address, ["bob@example.test"], message)
        assert refused == {}
    stored = wait_for_maildir(peers.maildir_for("bob"), marker.encode("ascii"))
    assert stored.endswith(message)


def test_submission_refuses_mail_before_starttls(peers: PeerSystem) -> None:
    with smtplib.SMTP("127.0.0.1", peers.submission_port, timeout=10) as client:
        client.ehlo("client.example.test")
        code, _ = client.mail("bob@example.test")
        assert code == 530  # smtpd_tls_security_level = encrypt


def test_smtp_refuses_relaying_and_unknown_users(peers: PeerSystem) -> None:
    with smtplib.SMTP("127.0.0.1", peers.smtp_port, timeout=10) as client:
        client.ehlo("client.example.test")
        assert client.mail("bob@example.test")[0] == 250
        assert client.rcpt("someone@elsewhere.invalid")[0] == 554
        assert client.rcpt("nobody@example.test")[0] == 550
        assert client.rcpt("postmaster@example.test")[0] == 250


def test_pop3_stls_login_sees_the_message(peers: PeerSystem, swaks_delivery: bytes) -> None:
    alice = peers.account("alice")
    wait_for_maildir(peers.maildir_for("alice"), swaks_delivery[-60:])
    client = poplib.POP3("127.0.0.1", peers.pop3_port, timeout=10)
    try:
        assert "STLS" in client.capa()
        client.stls(context=peers.tls_context())
        client.user(alice.user)
        client.pass_(alice.password)
        count, _ = client.stat()
        assert count >= 1
        bodies = [b"\r\n".join(client.retr(n)[1]) for n in range(1, count + 1)]
    finally:
        client.quit()
    # poplib strips line ends and un-stuffs dots (RFC 1939 section 3).
    assert any(body.endswith(swaks_delivery.rstrip(CRLF)) for body in bodies)


def test_imap_starttls_login_sees_the_message(peers: PeerSystem, swaks_delivery: bytes) -> None:
    alice = peers.account("alice")
    wait_for_maildir(peers.maildir_for("alice"), swaks_delivery[-60:])
    client = imaplib.IMAP4("127.0.0.1", peers.imap_port, timeout=10)
    try:
        assert "STARTTLS" in client.capabilities
        client.starttls(ssl_context=peers.tls_context())
        client.login(alice.user, alice.password)
        status, _ = client.select("INBOX", readonly=True)
        assert status == "OK"
        marker = _header_block(swaks_delivery).split(b"Message-ID: <")[1].split(b"@")[0]
        status, found = client.search(None, "HEADER", "Message-ID", marker.decode("ascii"))
        assert status == "OK" and found[0], found
        number = found[0].split()[0].decode("ascii")
        status, fetched = client.fetch(number, "(BODY.PEEK[])")
        assert status == "OK"
        first = fetched[0]
        assert isinstance(first, tuple)
        assert first[1].endswith(swaks_delivery)
        client.close()
    finally:
        client.logout()


def test_implicit_tls_ports_greet(peers: PeerSystem) -> None:
    with imaplib.IMAP4_SSL("127.0.0.1", peers.imaps_port, ssl_context=peers.tls_context()) as c:
        assert c.welcome.startswith(b"* OK")
    client = poplib.POP3_SSL("127.0.0.1", peers.pop3s_port, context=peers.tls_context())
    try:
        assert client.getwelcome().startswith(b"+OK")
    finally:
        client.quit()


def test_profiles_load_with_the_harness(peers: PeerSystem) -> None:
    profile = load_profile(peers.profile_path)
    assert profile.targets["smtp"] == f"smtp://127.0.0.1:{peers.smtp_port}"
    assert profile.targets["pop3"] == f"pop3://127.0.0.1:{peers.pop3_port}"
    assert profile.targets["imap"] == f"imap://127.0.0.1:{peers.imap_port}"
    assert profile.tls.verify and profile.tls.ca_file == peers.ca_file
    assert profile.tls.server_name == "localhost"
    assert profile.delivery.allowed and profile.delivery.local_domain == "example.test"
    assert profile.delivery.readback == f"maildir:{peers.run_dir}/mail/{{user}}/Maildir"
    assert [a.user for a in profile.accounts] == ["alice", "bob"]
    (submission,) = load_profile(peers.submission_profile_path).targets_of("smtp")
    assert (submission.scheme, submission.port) == ("submission", peers.submission_port)
    assert (submission.user, submission.password) == ("alice", peers.account("alice").password)


def test_cli_status_reports_running(peers: PeerSystem) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "conformance.peers", "status", "--dir", str(peers.run_dir)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        check=False,
    )
    output = completed.stdout.decode()
    assert completed.returncode == 0, output + completed.stderr.decode()
    assert f"running (PID {peers.postfix_pid})" in output
    assert f"running (PID {peers.dovecot_pid})" in output
