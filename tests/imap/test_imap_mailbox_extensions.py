"""SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154), STATUS=SIZE (RFC 8438) and APPENDLIMIT
(RFC 7889) in the reference IMAP server, driven by Python's imaplib."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator

import pytest
from served import ServedImap, login

from reference_impl.imap import FramingLimits

LIMIT = 64 * 1024


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedImap]:
    limits = FramingLimits(max_literal=LIMIT)
    with ServedImap(tmp_path_factory.mktemp("imap"), limits=limits) as running:
        yield running


def test_capabilities_name_each_extension(server: ServedImap) -> None:
    """RFC 6154 §3: "a server that supports both functions MUST advertise both capability
    strings"; RFC 7889 §2 (a): APPENDLIMIT=<number> for one limit everywhere."""
    client = login(server)
    for name in ("SPECIAL-USE", "CREATE-SPECIAL-USE", "STATUS=SIZE", f"APPENDLIMIT={LIMIT}"):
        assert name in client.capabilities, client.capabilities
    client.logout()


def test_create_with_use_shows_in_every_list(server: ServedImap) -> None:
    """RFC 6154 §2: "If the client specifies the "SPECIAL-USE" selection option, the LIST
    command MUST return only those mailboxes that have a special-use attribute set.\""""
    client = login(server)
    assert client._simple_command("CREATE", "Sent", "(USE (\\Sent))")[0] == "OK"
    assert client.create("Notes")[0] == "OK"
    typ, plain = client.list()
    assert typ == "OK" and any(b"\\Sent" in line and b"Sent" in line for line in plain), plain
    typ, data = client._simple_command("LIST", "(SPECIAL-USE)", '""', "*")
    assert typ == "OK", data
    listed = client.untagged_responses.pop("LIST", [])
    assert len(listed) == 1 and b"\\Sent" in listed[0], listed
    client.logout()


def test_create_with_an_unsupported_use_creates_nothing(server: ServedImap) -> None:
    """RFC 6154 §3: "it MUST NOT create the mailbox, and MUST respond to the CREATE command
    with a tagged NO response" (and SHOULD say USEATTR)."""
    client = login(server)
    typ, data = client._simple_command("CREATE", "Everything", "(USE (\\All))")
    assert typ == "NO" and b"[USEATTR]" in data[0], data
    assert server.store.mailbox_info("alice", "Everything") is None
    client.logout()


def test_status_size_and_appendlimit(server: ServedImap) -> None:
    """RFC 8438 §3: SIZE is "the total size of the mailbox in octets"; RFC 7889 §3.1:
    STATUS APPENDLIMIT gives the mailbox's upload limit."""
    message = b"Subject: sized\r\n\r\n" + b"x" * 100 + b"\r\n"
    server.store.deliver("alice", message)
    server.store.deliver("alice", message)
    client = login(server)
    typ, data = client.status("INBOX", "(SIZE APPENDLIMIT)")
    assert typ == "OK", data
    assert f"SIZE {2 * len(message)}".encode() in data[0], data
    assert f"APPENDLIMIT {LIMIT}".encode() in data[0], data
    client.logout()


def test_append_over_the_limit_is_refused_toobig(server: ServedImap) -> None:
    """RFC 7889 §4: "the server SHALL reject the APPEND command with a tagged TOOBIG
    response code"."""
    client = login(server)
    with pytest.raises(imaplib.IMAP4.error, match="TOOBIG"):
        client.append("INBOX", None, None, b"Subject: big\r\n\r\n" + b"y" * LIMIT)
    assert server.store.messages("alice") == []
    client.logout()
