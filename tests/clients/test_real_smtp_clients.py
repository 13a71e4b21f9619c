"""Real SMTP clients deliver to the reference server; the store must hold
exactly what they sent, below the server's Received: field."""

from __future__ import annotations

import re
import shutil
import smtplib
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_impl._embedded import EmbeddedServers

ALICE, ALICE_PW = "alice", "alice-password"
RCPT = "bob@example.test"


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def message(tag: str) -> bytes:
    """A message whose lines exercise transparency (RFC 5321 §4.5.2)."""
    return (
        f"From: alice@example.test\r\nTo: {RCPT}\r\nSubject: {tag}\r\n\r\n"
        ".starts with a dot\r\n..two dots\r\n.\r\n"
        "tail line\r\n"
    ).encode()


def stored(servers: EmbeddedServers, tag: str) -> bytes:
    for item in servers.store.messages("bob"):
        data = servers.store.read("bob", item.uid)
        if tag.encode() in data:
            return data
    raise AssertionError(f"no message tagged {tag} in bob's mailbox")


def assert_delivered_exactly(servers: EmbeddedServers, tag: str) -> None:
    data = stored(servers, tag)
    assert re.match(rb"Return-Path: <[^>]*>\r\nReceived: from ", data), data[:200]
    assert data.endswith(message(tag)), data


def swaks_data(tmp_path: Path, tag: str) -> Path:
    """swaks always sends CRLF.CRLF after --data: leave out the final CRLF."""
    path = tmp_path / "message.eml"
    path.write_bytes(message(tag).removesuffix(b"\r\n"))
    return path


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run scripts/install-debian-deps")
    return path


@pytest.mark.parametrize("mode", ["plain", "starttls", "starttls+auth"])
def test_smtplib(servers: EmbeddedServers, mode: str) -> None:
    tag = f"smtplib-{mode}-{uuid.uuid4()}"
    with smtplib.SMTP(servers.host, servers.ports["smtp"], timeout=10) as client:
        if mode != "plain":
            client.starttls(context=ssl.create_default_context(cafile=str(servers.ca_file)))
        if mode == "starttls+auth":
            client.login(ALICE, ALICE_PW)
        refused = client.sendmail("alice@example.test", [RCPT], message(tag))
    assert refused == {}
    assert_delivered_exactly(servers, tag)


@pytest.mark.parametrize("mode", ["plain", "starttls", "starttls+auth"])
def test_swaks(servers: EmbeddedServers, mode: str, tmp_path: Path) -> None:
    tag = f"swaks-{mode}-{uuid.uuid4()}"
    body = swaks_data(tmp_path, tag)
    args = [
        need("swaks"),
        "--server",
        f"{servers.host}:{servers.ports['smtp']}",
        "--from",
        "alice@example.test",
        "--to",
        RCPT,
        "--data",
        f"@{body}",
        "--helo",
        "swaks.example.test",
        "--timeout",
        "10",
    ]
    if mode != "plain":
        args += [
            "--tls",
            "--tls-verify",
            "--tls-ca-path",
            str(servers.ca_file),
        ]
    if mode == "starttls+auth":
        args += ["--auth", "PLAIN", "--auth-user", ALICE, "--auth-password", ALICE_PW]
    run = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stdout + run.stderr
    assert_delivered_exactly(servers, tag)


@pytest.mark.parametrize("mode", ["plain", "starttls", "starttls+auth"])
def test_curl(servers: EmbeddedServers, mode: str, tmp_path: Path) -> None:
    tag = f"curl-{mode}-{uuid.uuid4()}"
    body = tmp_path / "message.eml"
    body.write_bytes(message(tag))
    args = [
        need("curl"),
        "--silent",
        "--show-error",
        "--max-time",
        "20",
        f"smtp://{servers.host}:{servers.ports['smtp']}",
        "--mail-from",
        "alice@example.test",
        "--mail-rcpt",
        RCPT,
        "--upload-file",
        str(body),
    ]
    if mode != "plain":
        args += ["--ssl-reqd", "--cacert", str(servers.ca_file)]
    if mode == "starttls+auth":
        args += ["--user", f"{ALICE}:{ALICE_PW}", "--login-options", "AUTH=PLAIN"]
    run = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stdout + run.stderr
    assert_delivered_exactly(servers, tag)


def test_swaks_cram_md5_on_submission(servers: EmbeddedServers, tmp_path: Path) -> None:
    tag = f"swaks-cram-{uuid.uuid4()}"
    body = swaks_data(tmp_path, tag)
    run = subprocess.run(
        [
            need("swaks"),
            "--server",
            f"{servers.host}:{servers.ports['submission']}",
            "--from",
            "alice@example.test",
            "--to",
            RCPT,
            "--data",
            f"@{body}",
            "--tls",
            "--tls-ca-path",
            str(servers.ca_file),
            "--auth",
            "CRAM-MD5",
            "--auth-user",
            ALICE,
            "--auth-password",
            ALICE_PW,
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert_delivered_exactly(servers, tag)


@pytest.mark.parametrize("mode", ["plain", "starttls+auth"])
def test_msmtp(servers: EmbeddedServers, mode: str) -> None:
    tag = f"msmtp-{mode}-{uuid.uuid4()}"
    args = [
        need("msmtp"),
        "--host=127.0.0.1",
        f"--port={servers.ports['smtp']}",
        "--from=alice@example.test",
        "--domain=msmtp.example.test",
    ]
    if mode == "plain":
        args += ["--auth=off", "--tls=off"]
    else:
        args += [
            "--tls=on",
            "--tls-starttls=on",
            f"--tls-trust-file={servers.ca_file}",
            "--auth=plain",
            f"--user={ALICE}",
            f"--passwordeval=echo {ALICE_PW}",
        ]
    run = subprocess.run([*args, RCPT], input=message(tag), capture_output=True, timeout=30)
    assert run.returncode == 0, run.stdout + run.stderr
    assert_delivered_exactly(servers, tag)
