"""One lock per maildrop for POP3 and POP2: a POP2 session cannot delete under a POP3
session, nor under another POP2 session, and a dropped POP2 session still removes what
it marked (RFC 937 page 9, ACKD: "when the mailbox is released at the end of the
session")."""

from __future__ import annotations

import poplib
import socket
import time
from collections.abc import Iterator

import pytest

from reference_impl._embedded import EmbeddedServers


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _alice(servers: EmbeddedServers) -> tuple[str, str]:
    user, password, _ = servers.users[0]
    return user, password


class Pop2:
    def __init__(self, servers: EmbeddedServers) -> None:
        self.sock = socket.create_connection((servers.host, servers.ports["pop2"]), timeout=10)
        self.reader = self.sock.makefile("rb")
        assert self.reader.readline().startswith(b"+ POP2")

    def command(self, line: str) -> bytes:
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reader.readline()

    def closed(self) -> bool:
        return self.reader.readline() == b""

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def test_pop2_is_refused_while_pop3_holds_the_maildrop(servers: EmbeddedServers) -> None:
    user, password = _alice(servers)
    pop3 = poplib.POP3(servers.host, servers.ports["pop3"], timeout=10)
    pop3.user(user)
    pop3.pass_(password)
    try:
        pop2 = Pop2(servers)
        reply = pop2.command(f"HELO {user} {password}")
        assert reply.startswith(b"- ") and b"in use" in reply, reply
        assert pop2.closed()
        pop2.close()
    finally:
        pop3.quit()
    pop2 = Pop2(servers)
    assert pop2.command(f"HELO {user} {password}").startswith(b"#")
    pop2.command("QUIT")
    pop2.close()


def test_a_second_pop2_session_of_one_user_is_refused(servers: EmbeddedServers) -> None:
    user, password = _alice(servers)
    first = Pop2(servers)
    assert first.command(f"HELO {user} {password}").startswith(b"#")
    second = Pop2(servers)
    assert second.command(f"HELO {user} {password}").startswith(b"- ")
    second.close()
    pop3 = poplib.POP3(servers.host, servers.ports["pop3"], timeout=10)
    try:
        pop3.user(user)
        with pytest.raises(poplib.error_proto) as refused:
            pop3.pass_(password)
        assert b"IN-USE" in refused.value.args[0]
    finally:
        pop3.close()
        first.command("QUIT")
        first.close()


def test_a_dropped_pop2_session_removes_what_it_marked_and_lets_go(
    servers: EmbeddedServers,
) -> None:
    user, password = _alice(servers)
    servers.store.deliver(user, b"Subject: mark me\r\n\r\nbody\r\n")
    before = len(servers.store.messages(user))
    pop2 = Pop2(servers)
    count = int(pop2.command(f"HELO {user} {password}")[1:].split()[0])
    assert count == before
    length = int(pop2.command(f"READ {count}")[1:].split()[0])
    pop2.sock.sendall(b"RETR\r\n")
    pop2.reader.read(length)
    assert pop2.command("ACKD").startswith(b"=")
    pop2.close()  # dropped: no QUIT
    deadline = time.monotonic() + 10
    while len(servers.store.messages(user)) != before - 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(servers.store.messages(user)) == before - 1
    again = Pop2(servers)  # the lock was let go
    assert again.command(f"HELO {user} {password}").startswith(b"#")
    again.command("QUIT")
    again.close()
