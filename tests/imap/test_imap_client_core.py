"""The sans-IO IMAP client core, wired to the server core in memory and to the asyncio
server over TCP."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from imap_driver import Driven, driven
from served import ServedImap

from reference_impl._transitions import LocalProtocolError
from reference_impl.imap._client import (
    ClientConnection,
    CommandCompleted,
    ContinuationRequested,
    Literal,
    ResponseReceived,
)
from reference_impl.imap._states import ClientState
from reference_impl.store import MailStore

MESSAGE = b"Subject: hi\r\n\r\nbody\r\n"


class Pair:
    """Client core and server core in memory; ``run`` passes octets both ways until quiet."""

    def __init__(self, root: Path) -> None:
        self.server: Driven = driven(root, MailStore(root))
        self.client = ClientConnection()
        self.events: list[object] = []
        self.client.receive_data(self.server.conn.data_to_send() or b"")

    def run(self) -> list[object]:
        while True:
            outgoing = self.client.data_to_send()
            if not outgoing:
                break
            self.client.receive_data(self.server.send(outgoing))
        new = []
        while (event := self.client.next_event()) is not None:
            new.append(event)
        self.events += new
        return new

    def completed(self, tag: bytes) -> CommandCompleted:
        self.run()
        found = [e for e in self.events if isinstance(e, CommandCompleted) and e.tag == tag]
        assert found, self.events
        return found[0]


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    # The greeting was pumped when the server core was made: hand it over again.
    made = Pair(tmp_path)
    made.client = ClientConnection()
    made.client.receive_data(b"* OK ready\r\n")
    return made


def test_greeting_moves_the_client_to_ready() -> None:
    """RFC 9051 §7.1.1: the greeting is untagged OK (PREAUTH and BYE are the others)."""
    client = ClientConnection()
    client.receive_data(b"* OK [CAPABILITY IMAP4rev1] hello\r\n")
    event = client.next_event()
    assert isinstance(event, ResponseReceived) and event.response.code == b"CAPABILITY IMAP4rev1"
    assert client.state is ClientState.READY
    bye = ClientConnection()
    bye.receive_data(b"* BYE busy\r\n")
    assert bye.state is ClientState.CLOSED
    with pytest.raises(LocalProtocolError):
        bye.command("NOOP")


def test_tags_are_unique_and_completions_paired(pair: Pair) -> None:
    """RFC 9051 §2.2.1: each command has its own tag; several may be in flight."""
    first = pair.client.command("LOGIN", b"alice", b"alice-pw")
    second = pair.client.command("CAPABILITY")
    assert first != second and pair.client.in_flight == [first, second]
    assert pair.completed(first).response.status == b"OK"
    capability = pair.completed(second)
    assert capability.command == b"CAPABILITY"
    assert capability.untagged[0].keyword == b"CAPABILITY"


def test_synchronizing_literal_waits_for_continuation(pair: Pair) -> None:
    """RFC 9051 §7.5: the literal's octets go only after "+"."""
    tag = pair.client.command("LOGIN", Literal(b"alice"), Literal(b"alice-pw"))
    assert pair.client.data_to_send() == tag + b" LOGIN {5}\r\n"
    assert pair.client.data_to_send() == b""
    pair.client.receive_data(b"+ go\r\n")
    assert pair.client.data_to_send() == b"alice {8}\r\n"
    pair.client.receive_data(b"+ go\r\n")
    assert pair.client.data_to_send() == b"alice-pw\r\n"


def test_literal_plus_goes_at_once_and_append_works(pair: Pair) -> None:
    """RFC 7888 §3; RFC 9051 §6.3.12."""
    pair.completed(pair.client.command("LOGIN", b"alice", b"alice-pw"))
    tag = pair.client.command("APPEND", b"INBOX", Literal(MESSAGE, non_synchronizing=True))
    assert pair.client.data_to_send().endswith(b"{%d+}\r\n" % len(MESSAGE) + MESSAGE + b"\r\n")
    pair.client.receive_data(
        pair.server.send(b"X APPEND INBOX {%d+}\r\n" % len(MESSAGE) + MESSAGE + b"\r\n")
    )
    assert pair.server.store.read("alice", 1) == MESSAGE
    assert tag in pair.client.in_flight


def test_a_refused_literal_is_never_sent(pair: Pair) -> None:
    """RFC 9051 §7.5: a tagged response instead of "+" ends the command."""
    tag = pair.client.command("APPEND", b"INBOX", Literal(MESSAGE))  # not logged in
    done = pair.completed(tag)
    assert done.response.status == b"BAD"
    follow = pair.client.command("NOOP")
    assert pair.completed(follow).response.status == b"OK"


def test_fetch_literal_in_a_response(pair: Pair) -> None:
    """RFC 9051 §4.3: a server's literal is read by count."""
    pair.server.store.deliver("alice", MESSAGE)
    pair.completed(pair.client.command("LOGIN", b"alice", b"alice-pw"))
    pair.completed(pair.client.command("SELECT", b"INBOX"))
    fetched = pair.completed(pair.client.command("FETCH", b"1", b"BODY.PEEK[]"))
    response = fetched.untagged[0]
    assert response.number == 1 and response.keyword == b"FETCH"
    tokens = response.data()
    tokens.expect(b"(")
    tokens.expect(b"BODY[] ")
    assert tokens.string() == MESSAGE


def test_authenticate_continuation_and_idle(pair: Pair) -> None:
    """RFC 9051 §6.2.2 and RFC 2177 §3: "+" without a pending literal is for the command."""
    tag = pair.client.command("AUTHENTICATE", b"PLAIN")
    events = pair.run()
    assert any(isinstance(e, ContinuationRequested) and e.tag == tag for e in events)
    pair.client.continue_with(base64.b64encode(b"\0alice\0alice-pw"))
    assert pair.completed(tag).response.status == b"OK"
    pair.completed(pair.client.command("SELECT", b"INBOX"))
    idle = pair.client.command("IDLE")
    assert any(isinstance(e, ContinuationRequested) for e in pair.run())
    pair.server.store.deliver("alice", MESSAGE)
    pair.client.receive_data(pair.server.changed())
    unsolicited = [e for e in pair.run() if isinstance(e, ResponseReceived)]
    assert unsolicited and unsolicited[0].response.keyword == b"EXISTS"
    pair.client.continue_with(b"DONE")
    assert pair.completed(idle).response.status == b"OK"


def test_unknown_tag_is_a_defect_and_raw_mode(pair: Pair) -> None:
    pair.client.receive_data(b"ZZZ OK who asked\r\n")
    assert pair.client.defects[-1].kind.name == "UNKNOWN_TAG"
    pair.client.send_raw(b"\r\n", expect_tag=b"*")
    pair.client.receive_data(pair.server.send(pair.client.data_to_send()))
    assert any(isinstance(e, ResponseReceived) and e.response.status == b"BAD" for e in pair.run())


def test_starttls_discards_what_follows_the_ok() -> None:
    """RFC 9051 §6.2.1: nothing received in the clear after OK counts."""
    client = ClientConnection()
    client.receive_data(b"* OK hi\r\n")
    tag = client.command("STARTTLS")
    client.receive_data(tag + b" OK go\r\n* OK [ALERT] injected\r\n")
    assert client.state is ClientState.TLS
    client.tls_started()
    events = []
    while (event := client.next_event()) is not None:
        events.append(event)
    assert not any(
        isinstance(e, ResponseReceived) and b"injected" in e.response.text for e in events
    )


def test_an_endless_response_line_is_bounded() -> None:
    client = ClientConnection()
    client.receive_data(b"* OK hi\r\n")
    for _ in range(40):
        client.receive_data(b"* " + b"x" * 65536)
    client.receive_data(b"\r\n")
    assert client.defects and client.defects[-1].kind.name == "RESPONSE_TOO_BIG"


# -- over TCP --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedImap]:
    with ServedImap(tmp_path_factory.mktemp("imap-client")) as running:
        yield running


def exchange(sock: socket.socket, client: ClientConnection, tag: bytes) -> CommandCompleted:
    while True:
        sock.sendall(client.data_to_send())
        while (event := client.next_event()) is not None:
            if isinstance(event, CommandCompleted) and event.tag == tag:
                return event
        data = sock.recv(65536)
        assert data, "connection closed before the completion"
        client.receive_data(data)


def test_client_core_against_the_tcp_server(served: ServedImap) -> None:
    served.store.deliver("alice", MESSAGE)
    client = ClientConnection()
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        client.receive_data(sock.recv(4096))
        tags = [
            client.command("LOGIN", Literal(b"alice"), b"alice-pw"),
            client.command("SELECT", b"INBOX"),
            client.command("UID", b"FETCH", b"1:*", b"(FLAGS)"),
        ]
        results = [exchange(sock, client, tag) for tag in tags]
        assert [r.response.status for r in results] == [b"OK", b"OK", b"OK"]
        assert any(r.keyword == b"EXISTS" for r in results[1].untagged)
        logout = exchange(sock, client, client.command("LOGOUT"))
        assert logout.untagged[-1].status == b"BYE" and client.state is ClientState.CLOSED


def test_asyncio_client_shell_over_starttls(served: ServedImap) -> None:
    """The client shell: STARTTLS (RFC 9051 §6.2.1), a literal login, IDLE's continuation
    and an EXISTS pushed by a delivery (RFC 2177 §3), NO raised as an error."""
    from reference_impl.imap.client import ImapClientError, ImapSession

    async def run() -> None:
        async with await ImapSession.connect(
            "127.0.0.1", served.port, tls_context=served.client_context()
        ) as imap:
            await imap.command("LOGIN", b"alice", Literal(b"alice-pw"))
            selected = await imap.command("SELECT", b"INBOX")
            assert any(r.keyword == b"EXISTS" for r in selected.untagged)
            with pytest.raises(ImapClientError):
                await imap.command("SELECT", b"no-such-box")
            await imap.command("SELECT", b"INBOX")
            imap.unsolicited.clear()
            tag = imap.core.command("IDLE")
            await imap.continuation()
            served.store.deliver("alice", MESSAGE)
            while not any(r.keyword == b"EXISTS" for r in imap.unsolicited):
                await imap.read_more()
            await imap.send_continuation(b"DONE")
            assert (await imap.completion(tag)).response.status == b"OK"

    asyncio.run(run())


def test_endless_untagged_responses_are_bounded_per_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that never completes a command cannot make the client keep every
    untagged response for it."""
    from reference_impl.imap import _client

    monkeypatch.setattr(_client, "MAX_COLLECTED", 5)
    client = ClientConnection()
    client.receive_data(b"* OK hi\r\n")
    tag = client.command("NOOP")
    client.receive_data(b"* 1 EXISTS\r\n" * 50 + tag + b" OK done\r\n")
    completed = [e for e in iter(client.next_event, None) if isinstance(e, CommandCompleted)]
    assert len(completed[0].untagged) == 5
    assert client.defects[-1].kind.name == "RESPONSE_TOO_BIG"
