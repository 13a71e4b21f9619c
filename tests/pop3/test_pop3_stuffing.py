"""Round trips of multi-line responses through byte-stuffing (RFC 1939 §3)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pop3_pair import Pair

from reference_impl.pop3 import ClientConnection, dot_unstuff, multiline

line = st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
dotty_line = st.one_of(line, line.map(lambda b: b"." + b), st.just(b"."), st.just(b".."))
messages = st.lists(dotty_line, max_size=12).map(lambda ls: b"".join(x + b"\r\n" for x in ls))


@given(messages)
def test_multiline_body_unstuffs_to_itself(message: bytes) -> None:
    wire = multiline(b"+OK\r\n", message)
    assert wire.endswith(b".\r\n")
    assert dot_unstuff(wire[len(b"+OK\r\n") : -len(b".\r\n")]) == message
    # No line of the stuffed body is the terminator on its own.
    assert b"\r\n.\r\n" not in b"\r\n" + wire[len(b"+OK\r\n") : -len(b".\r\n")]


@settings(max_examples=60)
@given(messages, st.lists(st.integers(min_value=1, max_value=7), max_size=30))
def test_retr_round_trip_in_any_chunking(message: bytes, cuts: list[int]) -> None:
    pair = Pair.new({1: message})
    pair.login()
    pair.server.receive_data(pair.client.command("RETR 1"))
    pair._answer_events()
    wire = pair.server.data_to_send()
    client: ClientConnection = pair.client
    offset = 0
    for size in cuts:
        client.receive_data(wire[offset : offset + size])
        offset += size
    client.receive_data(wire[offset:])
    events = []
    while (event := client.next_event()) is not None:
        events.append(event)
    (retr,) = events
    assert retr.command == "RETR" and retr.response.body == message
