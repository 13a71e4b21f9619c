"""Real POP3 clients (poplib, curl, fetchmail) against the embedded reference
server: what they retrieve must be byte-exact what the store holds."""

from __future__ import annotations

import asyncio
import os
import poplib
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_impl._embedded import EmbeddedServers
from reference_impl.pop3.client import Pop3ClientError, Pop3Session

ALICE, ALICE_PW = "alice", "alice-password"


@pytest.fixture(scope="module")
def running() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as embedded:
        yield embedded


@pytest.fixture
def servers(running: EmbeddedServers) -> EmbeddedServers:
    """The module's servers with alice's maildrop emptied: each test counts from 1."""
    running.store.delete(ALICE, [m.uid for m in running.store.messages(ALICE)])
    return running


def message(tag: str) -> bytes:
    """A message whose lines exercise byte-stuffing (RFC 1939 §3)."""
    return (
        f"From: bob@example.test\r\nTo: alice@example.test\r\nSubject: {tag}\r\n\r\n"
        ".starts with a dot\r\n..two dots\r\n.\r\nline 4\r\ntail line\r\n"
    ).encode()


def deliver(servers: EmbeddedServers, *tags: str) -> list[bytes]:
    contents = [message(tag) for tag in tags]
    for content in contents:
        servers.store.deliver(ALICE, content)
    return contents


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run scripts/install-debian-deps")
    return path


def tls_context(servers: EmbeddedServers) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(servers.ca_file))


def retrieved(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def poplib_session(servers: EmbeddedServers, *, mode: str = "plain") -> poplib.POP3:
    if mode == "pop3s":
        return poplib.POP3_SSL(
            servers.host, servers.ports["pop3s"], context=tls_context(servers), timeout=10
        )
    client = poplib.POP3(servers.host, servers.ports["pop3"], timeout=10)
    if mode == "stls":
        client.stls(tls_context(servers))
    return client


@pytest.mark.parametrize("mode", ["plain", "stls", "pop3s"])
def test_poplib_user_pass_retr(servers: EmbeddedServers, mode: str) -> None:
    first, second = deliver(servers, "one", "two")
    client = poplib_session(servers, mode=mode)
    client.user(ALICE)
    client.pass_(ALICE_PW)
    assert client.stat() == (2, len(first) + len(second))
    _, listing, _ = client.list()
    assert listing == [f"1 {len(first)}".encode(), f"2 {len(second)}".encode()]
    _, lines, _ = client.retr(2)
    assert retrieved(lines) == second
    client.quit()


def test_poplib_capa_sasl_only_after_stls(servers: EmbeddedServers) -> None:
    client = poplib_session(servers)
    before = client.capa()
    assert "STLS" in before and "SASL" not in before and "USER" in before
    client.stls(tls_context(servers))
    after = client.capa()
    assert after["SASL"] == ["PLAIN", "LOGIN", "CRAM-MD5"] and "STLS" not in after
    client.quit()


def test_poplib_apop_uidl_top(servers: EmbeddedServers) -> None:
    (content,) = deliver(servers, "apop")
    client = poplib_session(servers)
    client.apop(ALICE, ALICE_PW)
    _, uidls, _ = client.uidl()
    (entry,) = uidls
    info = servers.store.mailbox_info(ALICE)
    assert info is not None
    uid = servers.store.messages(ALICE)[0].uid
    assert entry == f"1 {info.uid_validity}.{uid}".encode()
    _, lines, _ = client.top(1, 1)
    assert retrieved(lines) == content.split(b"\r\n\r\n")[0] + b"\r\n\r\n.starts with a dot\r\n"
    client.quit()
    # Stable across sessions (RFC 1939 §7).
    again = poplib_session(servers)
    again.apop(ALICE, ALICE_PW)
    assert again.uidl()[1] == uidls
    again.quit()


def test_dele_is_committed_by_quit_only(servers: EmbeddedServers) -> None:
    deliver(servers, "keep", "delete")
    dropped = poplib_session(servers)
    dropped.user(ALICE)
    dropped.pass_(ALICE_PW)
    dropped.dele(2)
    dropped.file.close()
    dropped.sock.close()  # no QUIT: nothing may be deleted (RFC 1939 §8)
    client = login_when_unlocked(servers)  # the drop releases the lock
    assert client.stat()[0] == 2
    client.dele(2)
    client.quit()
    client = login_when_unlocked(servers)
    _, lines, _ = client.retr(1)
    assert client.stat()[0] == 1 and retrieved(lines) == message("keep")
    client.quit()


def error_text(raised: pytest.ExceptionInfo[poplib.error_proto]) -> bytes:
    (text,) = raised.value.args  # poplib raises with bytes: no str() under -bb
    assert isinstance(text, bytes)
    return text


def login_when_unlocked(servers: EmbeddedServers) -> poplib.POP3:
    """Log in as alice, retrying while a just-closed session still holds the lock."""
    deadline = time.monotonic() + 5
    while True:
        client = poplib_session(servers)
        client.user(ALICE)
        try:
            client.pass_(ALICE_PW)
        except poplib.error_proto as exc:
            client.quit()
            if b"[IN-USE]" not in exc.args[0] or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        else:
            return client


def test_second_session_gets_in_use(servers: EmbeddedServers) -> None:
    first = poplib_session(servers)
    first.user(ALICE)
    first.pass_(ALICE_PW)
    second = poplib_session(servers)
    second.user(ALICE)
    with pytest.raises(poplib.error_proto) as raised:
        second.pass_(ALICE_PW)
    assert error_text(raised).startswith(b"-ERR [IN-USE] ")
    first.quit()
    second.quit()
    login_when_unlocked(servers).quit()


def test_wrong_password_has_auth_code(servers: EmbeddedServers) -> None:
    client = poplib_session(servers)
    client.user(ALICE)
    with pytest.raises(poplib.error_proto) as raised:
        client.pass_("wrong")
    assert error_text(raised).startswith(b"-ERR [AUTH] ")
    client.quit()


def test_stls_discards_pipelined_commands(servers: EmbeddedServers) -> None:
    with socket.create_connection((servers.host, servers.ports["pop3"]), timeout=10) as raw:
        reader = raw.makefile("rb")
        assert reader.readline().startswith(b"+OK")
        raw.sendall(b"STLS\r\nUSER alice\r\n")
        assert reader.readline().startswith(b"+OK")
        tls = tls_context(servers).wrap_socket(raw, server_hostname=servers.server_name)
        tls.sendall(b"PASS alice-password\r\n")  # the USER before the handshake is gone
        assert tls.recv(512).startswith(b"-ERR")
        tls.close()


def curl(*args: str) -> bytes:
    done = subprocess.run(
        [need("curl"), "-sS", "--max-time", "20", *args], capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_curl_retr_and_list(servers: EmbeddedServers) -> None:
    first, second = deliver(servers, "curl-1", "curl-2")
    base = f"pop3://{servers.host}:{servers.ports['pop3']}/"
    assert curl(base + "2", "-u", f"{ALICE}:{ALICE_PW}") == second
    assert curl(base, "-u", f"{ALICE}:{ALICE_PW}") == (
        f"1 {len(first)}\r\n2 {len(second)}\r\n".encode()
    )


def test_curl_stls_and_pop3s(servers: EmbeddedServers) -> None:
    (content,) = deliver(servers, "curl-tls")
    tls = ["--cacert", str(servers.ca_file), "-u", f"{ALICE}:{ALICE_PW}"]
    stls_url = f"pop3://{servers.server_name}:{servers.ports['pop3']}/1"
    assert curl(stls_url, "--ssl-reqd", *tls) == content
    pop3s_url = f"pop3s://{servers.server_name}:{servers.ports['pop3s']}/1"
    assert curl(pop3s_url, *tls) == content


def fetchmail(servers: EmbeddedServers, tmp_path: Path, *, keep: bool) -> list[bytes]:
    out = tmp_path / "delivered"
    out.mkdir()
    rc = tmp_path / "fetchmailrc"
    rc.write_text(
        f"poll {servers.host} service {servers.ports['pop3']} protocol POP3 auth password\n"
        f'  user "{ALICE}" there with password "{ALICE_PW}" is "root" here\n'
        f'  {"keep" if keep else "nokeep"} fetchall no rewrite no stripcr sslproto ""\n'
        f"  mda \"/bin/sh -c 'cat > {out}/msg-$$.eml'\"\n"
    )
    rc.chmod(0o600)
    done = subprocess.run(
        [
            need("fetchmail"),
            "-f",
            str(rc),
            "--pidfile",
            str(tmp_path / "pid"),
            "--idfile",
            str(tmp_path / "ids"),
            "--nodetach",
        ],
        capture_output=True,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    return [path.read_bytes() for path in sorted(out.iterdir())]


@pytest.mark.parametrize("keep", [True, False])
def test_fetchmail(servers: EmbeddedServers, tmp_path: Path, keep: bool) -> None:
    contents = deliver(servers, "fetch-1", "fetch-2")
    delivered = fetchmail(servers, tmp_path, keep=keep)
    assert len(delivered) == 2
    for data in delivered:
        # fetchmail prepends its own Received: field; the rest is as stored.
        assert data.startswith(b"Received: ")
        assert any(data.endswith(b"\r\n" + content) for content in contents), data
    assert len(servers.store.messages(ALICE)) == (2 if keep else 0)


def test_smtp_to_pop3_is_byte_exact(servers: EmbeddedServers) -> None:
    tag = f"smtp-pop3-{uuid.uuid4()}"
    content = message(tag)
    with smtplib.SMTP(servers.host, servers.ports["smtp"], timeout=10) as smtp:
        assert smtp.sendmail("bob@example.test", ["alice@example.test"], content) == {}
    client = poplib_session(servers)
    client.user(ALICE)
    client.pass_(ALICE_PW)
    _, lines, _ = client.retr(1)
    data = retrieved(lines)
    assert re.match(rb"Return-Path: <[^>]*>\r\nReceived: from ", data), data[:200]
    assert data.endswith(b"\r\n" + content)
    client.quit()


@pytest.mark.parametrize("mode", ["plain", "stls", "pop3s"])
def test_reference_client_shell(servers: EmbeddedServers, mode: str) -> None:
    (content,) = deliver(servers, f"shell-{mode}")

    async def fetch() -> tuple[bytes, list[bytes]]:
        context = None if mode == "plain" else tls_context(servers)
        port = servers.ports["pop3s"] if mode == "pop3s" else servers.ports["pop3"]
        async with await Pop3Session.connect(
            servers.server_name, port, tls_context=context, implicit_tls=mode == "pop3s"
        ) as pop:
            assert pop.greeting.timestamp is not None
            await pop.login(ALICE, ALICE_PW)
            data = await pop.retrieve(1)
            capabilities = (await pop.command("CAPA")).lines
            with pytest.raises(Pop3ClientError):
                await pop.command("RETR 9")
            await pop.quit()
        return data, capabilities

    data, capabilities = asyncio.run(fetch())
    assert data == content
    assert (b"SASL PLAIN LOGIN CRAM-MD5" in capabilities) is (mode != "plain")
