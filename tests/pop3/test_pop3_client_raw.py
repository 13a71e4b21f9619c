"""The POP3 client core past its own framing: raw octets earning a stated number of
responses, a caller's say on multi-line, and SASL answers as given.  The harness drives
servers through this core, misbehaving on purpose where a test needs it."""

from __future__ import annotations

import pytest
from pop3_pair import Pair

from reference_impl.pop3._client import RAW, ClientState, LocalProtocolError

M1 = b"Subject: one\r\n\r\nfirst\r\n"


def test_responses_after_raw_octets_stay_with_their_commands() -> None:
    pair = Pair.new({1: M1})
    pair.login()
    # RFC 1939 §3: "STAT<LF>NOOP" is one (refused) line, one response.
    wire = pair.client.raw(b"STAT\nNOOP\r\n", replies=1) + pair.client.command("LIST")
    assert pair.client.state is ClientState.COMMANDS  # the framed LIST resumed the model
    first, listing = pair.send(wire)
    assert (first.command, first.response.err) == (RAW, True)
    assert listing.command == "LIST" and listing.response.lines == (f"1 {len(M1)}".encode(),)


def test_the_caller_may_say_a_response_is_single_line() -> None:
    pair = Pair.new({1: M1})
    pair.login()
    # A probe: LIST read as one line leaves the listing to be seen as unasked octets.
    (head, *rest) = pair.send(pair.client.command("LIST", multiline=False))
    assert head.response.ok and not head.response.multiline and rest


def test_a_sasl_answer_goes_as_given() -> None:
    pair = Pair.new(auth_without_tls=True)
    (challenge,) = pair.send(pair.client.command("AUTH PLAIN"))
    assert challenge.response.continuation and pair.client.state is ClientState.SASL
    (refused,) = pair.send(pair.client.sasl_answer(b"not base64!"))  # RFC 5034 §4
    assert refused.command == "AUTH" and refused.response.err
    with pytest.raises(LocalProtocolError):
        pair.client.sasl_answer(b"*")  # no challenge is waiting


def test_raw_octets_cannot_interrupt_a_tls_handshake() -> None:
    pair = Pair.new(tls_available=True)
    assert pair.command("STLS").response.ok
    with pytest.raises(LocalProtocolError):
        pair.client.raw(b"NOOP\r\n", replies=1)
