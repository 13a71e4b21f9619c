"""The SMTP client core past its own framing: raw octets that earn a stated number of
replies, and BDAT chunks.  Replies after them stay paired with their commands, so the
harness (which misbehaves on purpose) and the reference client share one core."""

from __future__ import annotations

import pytest
from helpers import Pair

from reference_impl.smtp._client import RAW, ClientState, LocalProtocolError


def _open(pair: Pair) -> None:
    for line in ("EHLO client.example.test", "MAIL FROM:<a@example.org>"):
        assert pair.command(line).reply.code == 250
    assert pair.command("RCPT TO:<alice@example.test>").reply.code == 250


def test_replies_after_raw_octets_stay_with_their_commands() -> None:
    pair = Pair.new()
    # RFC 5321 §2.3.8: "NOOP<LF>NOOP" is one (refused) line, one reply.
    wire = pair.client.raw(b"NOOP\nNOOP\r\n", replies=1) + pair.client.command("RSET")
    assert pair.client.state is ClientState.COMMANDS  # the framed RSET resumed the model
    replies = pair.send(wire)
    assert [(r.command, r.reply.code) for r in replies] == [(RAW, 500), ("RSET", 250)]


def test_raw_content_after_354_then_framed_commands() -> None:
    pair = Pair.new()
    _open(pair)
    assert pair.command("DATA").reply.code == 354
    (stored,) = pair.send(pair.client.raw(b"Subject: raw\r\n\r\nbody\r\n.\r\n", replies=1))
    assert (stored.command, stored.reply.code) == (RAW, 250)
    assert pair.client.state is ClientState.RAW
    assert pair.command("MAIL FROM:<a@example.org>").reply.code == 250
    assert pair.client.state is ClientState.COMMANDS


def test_a_framed_data_after_raw_octets_still_gets_its_354() -> None:
    pair = Pair.new()
    pair.send(pair.client.raw(b"EHLO client.example.test\r\n", replies=1))
    _open(pair)
    assert pair.command("DATA").reply.code == 354
    assert pair.client.state is ClientState.CONTENT
    (final,) = pair.send(pair.client.content(b"Subject: x\r\n\r\nbody\r\n"))
    assert (final.command, final.reply.code) == (".", 250)


def test_a_close_answering_raw_octets_closes_the_client() -> None:
    pair = Pair.new()
    (bye,) = pair.send(pair.client.raw(b"QUIT\r\n", replies=1))
    assert bye.reply.code == 221 and pair.client.state is ClientState.CLOSED
    with pytest.raises(LocalProtocolError):
        pair.client.command("NOOP")


def test_bdat_chunks_are_paired_like_commands() -> None:
    pair = Pair.new()
    _open(pair)
    wire = pair.client.bdat(b"Subject: x\r\n\r\n") + pair.client.bdat(b"body\r\n", last=True)
    replies = pair.send(wire)
    assert [(r.command, r.reply.code) for r in replies] == [("BDAT", 250), ("BDAT", 250)]
    assert pair.messages[0].content == b"Subject: x\r\n\r\nbody\r\n"


def test_raw_octets_cannot_interrupt_a_tls_handshake() -> None:
    pair = Pair.new(tls_available=True)
    pair.command("EHLO client.example.test")
    assert pair.command("STARTTLS").reply.code == 220
    with pytest.raises(LocalProtocolError):
        pair.client.raw(b"NOOP\r\n", replies=1)
