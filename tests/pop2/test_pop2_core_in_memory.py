"""The POP2 server and client cores wired together in memory (RFC 937)."""

from __future__ import annotations

import pytest
from pop2_pair import Pair

from reference_impl.pop2 import (
    ClientConnection,
    ClientState,
    LocalProtocolError,
    MailboxReleased,
    MessageReceived,
    ReplyKind,
    ReplyReceived,
    State,
    UnexpectedReply,
    parse_command_line,
    parse_reply,
    quote,
    split_words,
)

M1 = b"Subject: one\r\n\r\nfirst\r\n"
M2 = b"Subject: two\r\n\r\n.\r\n..dots stay\r\n"
M3 = b"Subject: three\r\n\r\nthird body\r\n"


def logged_in() -> Pair:
    pair = Pair.new({"alice": {3: M1, 7: M2, 9: M3}})
    (event,) = pair.step(pair.client.helo("alice", "alice-pw"))
    assert isinstance(event, ReplyReceived) and event.reply.number == 3
    assert pair.server.state is State.MBOX and pair.client.state is ClientState.NMBR
    return pair


def number(events: list[object]) -> int | None:
    (event,) = events
    assert isinstance(event, ReplyReceived), event
    return event.reply.number


def test_greeting_names_pop2_and_the_host() -> None:
    pair = Pair.new()
    assert pair.client.ready and pair.client.state is ClientState.CALL
    assert pair.server.state is State.AUTH


def test_read_retr_and_acks_walk_the_mailbox() -> None:
    pair = logged_in()
    assert number(pair.step(pair.client.read())) == len(M1)
    assert pair.server.state is State.ITEM
    (data,) = pair.step(pair.client.retr())
    assert data == MessageReceived(data=M1)
    assert pair.server.state is State.NEXT and pair.client.state is ClientState.XFER
    assert number(pair.step(pair.client.acks())) == len(M2)
    (data,) = pair.step(pair.client.retr())
    assert data == MessageReceived(data=M2)  # no stuffing: counted, not terminated
    assert number(pair.step(pair.client.acks())) == len(M3)
    pair.step(pair.client.retr())
    assert number(pair.step(pair.client.acks())) == 0
    with pytest.raises(LocalProtocolError):
        pair.client.retr()  # page 7: "Do not attempt to RETR a message of zero characters."


def test_nack_keeps_the_current_message() -> None:
    pair = logged_in()
    pair.step(pair.client.read(2))
    pair.step(pair.client.retr())
    assert number(pair.step(pair.client.nack())) == len(M2)
    assert pair.server.current == 2


def test_ackd_marks_then_deletes_at_quit() -> None:
    pair = logged_in()
    pair.step(pair.client.read(1))
    pair.step(pair.client.retr())
    assert number(pair.step(pair.client.ackd())) == len(M2)
    assert number(pair.step(pair.client.read(1))) == 0  # marked: length zero
    assert number(pair.step(pair.client.read(2))) == len(M2)  # not renumbered
    assert 3 in pair.store.mailboxes["alice"]  # only marked so far
    (bye,) = pair.step(pair.client.quit())
    assert isinstance(bye, ReplyReceived) and bye.reply.kind is ReplyKind.OK
    assert pair.store.mailboxes["alice"] == {7: M2, 9: M3}
    assert pair.store.closed and pair.client.state is ClientState.CLOSED


def test_fold_releases_the_mailbox_and_resets_the_indicator() -> None:
    pair = logged_in()
    pair.step(pair.client.read(3))
    pair.step(pair.client.retr())
    pair.step(pair.client.ackd())
    assert number(pair.step(pair.client.fold("INBOX"))) == 2
    assert pair.server.current == 1
    assert [e for e in pair.store.events if isinstance(e, MailboxReleased)] == [
        MailboxReleased(mailbox="alice", uids=(9,), awaited=True)
    ]


def test_fold_of_another_users_mailbox_is_empty() -> None:
    pair = Pair.new({"alice": {1: M1}, "bob": {1: M2}})
    pair.step(pair.client.helo("alice", "alice-pw"))
    assert number(pair.step(pair.client.fold("bob"))) == 0
    assert number(pair.step(pair.client.read())) == 0


def test_dropped_connection_still_releases_the_mailbox() -> None:
    pair = logged_in()
    pair.step(pair.client.read(1))
    pair.step(pair.client.retr())
    pair.step(pair.client.ackd())
    pair.server.connection_lost()
    pair.deliver()
    assert 3 not in pair.store.mailboxes["alice"]


@pytest.mark.parametrize(
    "line",
    [b"XYZZY\r\n", b"RETR\r\n", b"ACKS\r\n", b"HELO alice\r\n", b"READ x\r\n", b"READ\n\r\n"],
)
def test_garbage_gets_minus_and_close(line: bytes) -> None:
    pair = logged_in()
    pair.server.receive_data(line)
    pair.store.serve(pair.server)
    reply, rest = parse_reply(pair.server.data_to_send()) or (None, b"")
    assert reply is not None and reply.kind is ReplyKind.ERROR and rest == b""
    assert pair.server.state is State.DONE and pair.store.closed


def test_wrong_password_gets_minus_and_close() -> None:
    pair = Pair.new({"alice": {}})
    (event,) = pair.step(pair.client.helo("alice", "nope"))
    assert isinstance(event, UnexpectedReply) and event.reply.kind is ReplyKind.ERROR
    assert pair.store.closed and pair.client.state is ClientState.CLOSED


def test_quoted_password_with_a_space() -> None:
    pair = Pair.new({"bob": {1: M1}})
    assert number(pair.step(pair.client.helo("bob", "two words"))) == 1


def test_timeout_sends_minus_and_closes() -> None:
    pair = logged_in()
    pair.server.timed_out()
    assert pair.server.data_to_send().startswith(b"- ")
    pair.store.serve(pair.server)
    assert pair.store.closed


def test_long_command_line_is_garbage() -> None:
    pair = logged_in()
    pair.server.receive_data(b"FOLD " + b"x" * 600)
    assert pair.server.state is State.DONE


def test_client_refuses_commands_out_of_sequence() -> None:
    client = ClientConnection()
    with pytest.raises(LocalProtocolError):
        client.read()  # the greeting has not arrived
    client.receive_data(b"+ POP2 pop.example.test\r\n")
    with pytest.raises(LocalProtocolError):
        client.retr()  # CALL allows HELO or QUIT only


def test_client_reports_a_bad_greeting() -> None:
    client = ClientConnection()
    client.receive_data(b"+OK POP3 server\r\n")
    event = client.next_event()
    assert isinstance(event, UnexpectedReply)
    with pytest.raises(LocalProtocolError):
        client.helo("alice", "pw")
    assert client.quit() == b"QUIT\r\n"  # action 1: only QUIT


def test_quoting_round_trip() -> None:
    for value in (b"plain", b"two words", b"back\\slash", b" lead", b"\\ "):
        assert split_words(quote(value)) == [value]
    parsed = parse_command_line(b"HELO a\\ b c\\\\d")
    assert parsed is not None and parsed.arguments == (b"a b", b"c\\d")
    fold = parse_command_line(b"FOLD /usr/spool/mail/smith")
    assert fold is not None and fold.arguments == (b"/usr/spool/mail/smith",)
