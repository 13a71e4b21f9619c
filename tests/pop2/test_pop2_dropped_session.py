"""A dropped POP2 session still removes what it marked (RFC 937 page 9, ACKD: the change
is made "when the mailbox is released at the end of the session")."""

from __future__ import annotations

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


def test_a_dropped_pop2_session_removes_what_it_marked(
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
