"""The POP2 client core past its own framing: raw octets that earn a stated number of
replies (or octets of data), after which RFC 937's client table frames only QUIT.  The
harness drives POP2 servers through this core and probes them this way."""

from __future__ import annotations

import pytest
from pop2_pair import Pair

from reference_impl.pop2 import ClientState, Command, MessageReceived, ReplyKind, ReplyReceived
from reference_impl.pop2._client import LocalProtocolError, UnexpectedReply

M1 = b"Subject: one\r\n\r\nfirst\r\n"


def _logged_in() -> Pair:
    pair = Pair.new({"alice": {3: M1}})
    pair.server.receive_data(pair.client.helo("alice", "alice-pw"))
    (count,) = pair.deliver()
    assert isinstance(count, ReplyReceived) and count.reply.number == 1
    return pair


def test_raw_out_of_sequence_command_is_taken_as_it_comes() -> None:
    pair = _logged_in()
    assert not pair.client.may_send(Command.RETR)  # MBOX state: READ or FOLD first
    pair.server.receive_data(pair.client.raw(b"RETR\r\n", replies=1))
    (refusal,) = pair.deliver()
    # Not "unexpected": raw octets await nothing in particular, so no defect either.
    assert isinstance(refusal, ReplyReceived) and refusal.reply.kind is ReplyKind.ERROR
    assert pair.client.state is ClientState.RAW and pair.client.ready


def test_after_raw_octets_only_quit_is_framed() -> None:
    pair = _logged_in()
    pair.client.raw(b"NOOP\r\n", replies=0)
    assert pair.client.may_send(Command.QUIT) and not pair.client.may_send(Command.READ)
    with pytest.raises(LocalProtocolError):
        pair.client.read()
    assert pair.client.quit() == b"QUIT\r\n"


def test_raw_retr_counts_its_data() -> None:
    pair = _logged_in()
    pair.server.receive_data(pair.client.read(1))
    (length,) = pair.deliver()
    assert isinstance(length, ReplyReceived) and length.reply.number == len(M1)
    pair.server.receive_data(pair.client.raw(b"RETR\r\n", replies=0, octets=len(M1)))
    (data,) = pair.deliver()
    assert isinstance(data, MessageReceived) and data.data == M1


def test_a_refusal_then_a_raw_probe_is_still_read() -> None:
    pair = Pair.new({"alice": {}})
    pair.server.receive_data(pair.client.helo("alice", "wrong"))
    (refused,) = pair.deliver()
    assert isinstance(refused, UnexpectedReply) and pair.client.state is ClientState.CLOSED
    pair.client.raw(b"QUIT\r\n", replies=1)
    pair.client.receive_data(b"+ still here\r\n")  # a server that did not close after "-"
    event = pair.client.next_event()
    assert isinstance(event, ReplyReceived) and event.reply.kind is ReplyKind.OK
