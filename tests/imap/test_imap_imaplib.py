"""Python's imaplib against the reference IMAP server over TCP: what it reads back must be
byte-exact what the store holds."""

from __future__ import annotations

import imaplib
import poplib
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import ServedImap, login

from reference_impl.imap import FramingLimits

MESSAGE = (
    b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: greetings\r\n"
    b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello Alice,\r\n.\r\nbye\r\n"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedImap]:
    with ServedImap(tmp_path_factory.mktemp("imap")) as running:
        yield running


@pytest.fixture
def server(served: ServedImap) -> ServedImap:
    """alice's INBOX emptied and extra mailboxes removed: each test starts afresh."""
    store = served.store
    store.delete("alice", [m.uid for m in store.messages("alice")])
    for info in reversed(store.mailboxes("alice")):
        if info.name != "INBOX":
            store.delete_mailbox("alice", info.name)
    return served


def test_login_select_fetch_byte_exact(server: ServedImap) -> None:
    """RFC 9051 §6.4.5: BODY[] is the message as stored."""
    server.store.deliver("alice", MESSAGE)
    client = login(server)
    typ, data = client.select("INBOX")
    assert typ == "OK" and data == [b"1"]
    typ, fetched = client.fetch("1", "(BODY.PEEK[] FLAGS)")
    assert typ == "OK"
    assert fetched[0][1] == MESSAGE  # type: ignore[index]
    client.logout()


def test_append_then_fetch_and_appenduid(server: ServedImap) -> None:
    """RFC 9051 §6.3.12, RFC 4315 §3."""
    client = login(server)
    typ, data = client.append(
        "INBOX", r"(\Flagged)", imaplib.Time2Internaldate(time.time()), MESSAGE
    )
    found = re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0] or b"")  # type: ignore[arg-type]
    assert typ == "OK" and found
    client.select("INBOX")
    typ, fetched = client.uid("FETCH", found.group(1).decode(), "(RFC822 FLAGS)")
    assert fetched[0][1] == MESSAGE  # type: ignore[index]
    assert b"\\Flagged" in fetched[1] and b"\\Seen" in fetched[1]  # type: ignore[operator]
    client.logout()


def test_store_search_copy_expunge(server: ServedImap) -> None:
    """RFC 9051 §6.4.3, §6.4.4, §6.4.6, §6.4.7."""
    for _ in range(3):
        server.store.deliver("alice", MESSAGE)
    client = login(server)
    client.create("Archive")
    client.select("INBOX")
    assert client.store("2:3", "+FLAGS", r"(\Deleted)")[0] == "OK"
    assert client.search(None, "DELETED") == ("OK", [b"2 3"])
    assert client.search(None, "SUBJECT", "greetings", "UNDELETED") == ("OK", [b"1"])
    typ, data = client.copy("1:*", "Archive")
    assert typ == "OK" and b"COPYUID" in data[0]  # type: ignore[operator]
    typ, expunged = client.expunge()
    assert typ == "OK" and expunged == [b"3", b"2"]
    assert client.status("Archive", "(MESSAGES)")[1] == [b"Archive (MESSAGES 3)"]
    client.logout()


def test_idle_sees_a_delivery(server: ServedImap) -> None:
    """RFC 2177 §3: EXISTS pushed while idling."""
    client = login(server)
    client.select("INBOX")
    tag = client._new_tag().decode()  # type: ignore[attr-defined]
    client.send(f"{tag} IDLE\r\n".encode())
    assert client.readline().startswith(b"+")
    server.store.deliver("alice", MESSAGE)
    assert client.readline() == b"* 1 EXISTS\r\n"
    client.send(b"DONE\r\n")
    while not (line := client.readline()).startswith(tag.encode()):
        pass
    assert line.startswith(f"{tag} OK".encode())
    client.logout()


def test_starttls_and_imaps(server: ServedImap) -> None:
    """RFC 9051 §6.2.1 STARTTLS; RFC 8314 §3 implicit TLS."""
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=10)
    client.starttls(server.client_context())
    assert client.login("alice", "alice-pw")[0] == "OK"
    client.logout()
    secure = imaplib.IMAP4_SSL(
        "127.0.0.1", server.imaps_port, ssl_context=server.client_context(), timeout=10
    )
    assert secure.login("alice", "alice-pw")[0] == "OK"
    secure.logout()


def test_two_sessions_see_expunge_after_fetch(server: ServedImap) -> None:
    """RFC 9051 §7.4.1: the EXPUNGE reaches the other session, not during its FETCH."""
    server.store.deliver("alice", MESSAGE)
    server.store.deliver("alice", MESSAGE)
    one, two = login(server), login(server)
    one.select("INBOX")
    two.select("INBOX")
    two.store("1", "+FLAGS", r"(\Deleted)")
    two.expunge()
    one.fetch("1:*", "(FLAGS)")
    assert one.response("EXPUNGE") == ("EXPUNGE", [None])
    one.noop()
    assert one.response("EXPUNGE") == ("EXPUNGE", [b"1"])
    one.logout()
    two.logout()


def test_garbage_never_kills_the_server(server: ServedImap) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.recv(4096)
        raw.sendall(b"\x00\xff garbage\r\n{5}\r\nx" + b"(" * 10000 + b"\r\na NOOP\r\n")
        seen = b""
        while not re.search(rb"^a OK", seen, re.M):
            chunk = raw.recv(4096)
            assert chunk, seen
            seen += chunk
    assert login(server).logout()[0] == "BYE"


def test_uids_ascend_and_are_not_reused_after_expunge(server: ServedImap) -> None:
    """RFC 9051 §2.3.1.1: UIDs strictly ascending, never reused within a UIDVALIDITY."""
    client = login(server)
    client.select("INBOX")
    client.append("INBOX", None, None, MESSAGE)
    client.append("INBOX", None, None, MESSAGE)
    _, found = client.uid("SEARCH", "ALL")
    first, last = (int(n) for n in found[0].split())  # type: ignore[union-attr]
    client.uid("STORE", str(last), "+FLAGS", r"(\Deleted)")
    client.expunge()
    _, data = client.append("INBOX", None, None, MESSAGE)
    appended = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")  # type: ignore[arg-type]
    assert appended and int(appended.group(1)) > last > first
    client.logout()


def test_huge_literals_are_refused_and_the_session_goes_on(tmp_path: Path) -> None:
    """RFC 7888 §4: a literal past the server's bound is refused (BAD [TOOBIG]); a
    non-synchronizing one is read past, and the next command is answered."""
    limits = FramingLimits(max_literal=64 * 1024)
    with (
        ServedImap(tmp_path, limits=limits) as small,
        socket.create_connection(("127.0.0.1", small.port), timeout=10) as raw,
    ):
        reader = raw.makefile("rb")
        reader.readline()
        raw.sendall(b"a APPEND INBOX {10000000}\r\n")
        assert reader.readline().startswith(b"a BAD [TOOBIG]")
        raw.sendall(b"b APPEND INBOX {1000000+}\r\n")
        assert reader.readline().startswith(b"b BAD [TOOBIG]")
        for _ in range(10):
            raw.sendall(b"x" * 100000)  # the whole literal, read past and dropped
        raw.sendall(b"\r\nc NOOP\r\n")
        assert reader.readline() == b"c OK done\r\n"


def pop3_login(server: ServedImap) -> poplib.POP3:
    client = poplib.POP3("127.0.0.1", server.pop3_port, timeout=10)
    client.user("alice")
    client.pass_("alice-pw")
    return client


def test_pop3_update_reaches_imap_as_expunge(server: ServedImap) -> None:
    """The coexistence rule: what a POP3 UPDATE removes (RFC 1939 §6) reaches an IMAP
    session on INBOX as EXPUNGE at its next command (RFC 9051 §7.5.1)."""
    for _ in range(3):
        server.store.deliver("alice", MESSAGE)
    imap = login(server)
    imap.select("INBOX")
    pop = pop3_login(server)
    pop.dele(1)
    pop.quit()
    imap.noop()
    assert imap.response("EXPUNGE") == ("EXPUNGE", [b"1"])
    assert imap.select("INBOX")[1] == [b"2"]
    imap.logout()


def test_imap_expunge_never_renumbers_a_pop3_session(server: ServedImap) -> None:
    """The coexistence rule: a POP3 session's message numbers hold for the whole session
    (RFC 1939 §4); a message an IMAP session expunged meanwhile is gone (-ERR), the
    others keep their numbers."""
    for _ in range(3):
        server.store.deliver("alice", MESSAGE)
    pop = pop3_login(server)
    imap = login(server)
    imap.select("INBOX")
    imap.store("2", "+FLAGS", r"(\Deleted)")
    imap.expunge()
    assert [line.split()[0] for line in pop.list()[1]] == [b"1", b"2", b"3"]
    with pytest.raises(poplib.error_proto):
        pop.retr(2)
    assert b"\r\n".join(pop.retr(3)[1]) + b"\r\n" == MESSAGE
    pop.quit()
    imap.logout()
