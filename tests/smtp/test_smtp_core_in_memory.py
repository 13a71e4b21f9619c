"""The SMTP server and client cores wired together in memory."""

from __future__ import annotations

import pytest
from helpers import Pair
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.smtp import MessageReceived, State, dot_stuff, dot_unstuff
from reference_impl.smtp._client import ClientConnection, ClientState, LocalProtocolError


def open_transaction(pair: Pair) -> None:
    assert pair.command("EHLO client.example.test").reply.code == 250
    assert pair.command("MAIL FROM:<sender@example.org>").reply.code == 250
    assert pair.command("RCPT TO:<alice@example.test>").reply.code == 250


def test_greeting_then_commands() -> None:
    pair = Pair.new()
    assert pair.client.state is ClientState.COMMANDS
    assert pair.server.state is State.CONNECTED


def test_full_transaction_delivers_unstuffed_content() -> None:
    pair = Pair.new()
    open_transaction(pair)
    assert pair.command("DATA").reply.code == 354
    assert pair.client.state is ClientState.CONTENT
    (final,) = pair.send(pair.client.content(b"Subject: x\r\n\r\n.hidden\r\n..\r\nend\r\n"))
    assert (final.command, final.reply.code) == (".", 250)
    (message,) = pair.messages
    assert message.content == b"Subject: x\r\n\r\n.hidden\r\n..\r\nend\r\n"
    assert message.envelope.mailboxes == ("alice",)
    assert message.trace.startswith(b"Received: from client.example.test ([192.0.2.1])")
    assert pair.server.state is State.READY


def test_rcpt_before_mail_is_503_and_state_unchanged() -> None:
    pair = Pair.new()
    pair.command("EHLO client.example.test")
    assert pair.command("RCPT TO:<alice@example.test>").reply.code == 503
    assert pair.server.state is State.READY


def test_pipelined_commands_are_answered_in_order() -> None:
    pair = Pair.new()
    pair.command("EHLO client.example.test")
    batch = b"".join(
        pair.client.command(line)
        for line in (
            "MAIL FROM:<s@example.org>",
            "RCPT TO:<nobody@example.test>",
            "RCPT TO:<bob@example.test>",
            "DATA",
        )
    )
    replies = pair.send(batch)
    assert [(r.command, r.reply.code) for r in replies] == [
        ("MAIL", 250),
        ("RCPT", 550),
        ("RCPT", 250),
        ("DATA", 354),
    ]


def test_enhanced_codes_with_or_without_ehlo() -> None:
    for opening in ("EHLO client.example.test", "HELO client.example.test"):
        pair = Pair.new()
        assert pair.command(opening).reply.enhanced_code is None
        assert pair.command("NOOP").reply.enhanced_code == "2.0.0"


def test_starttls_discards_pipelined_octets() -> None:
    pair = Pair.new(tls_available=True)
    pair.command("EHLO client.example.test")
    replies = pair.send(b"STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n")
    assert [r.reply.code for r in replies] == [220]
    pair.server.tls_started()
    assert pair.server.state is State.CONNECTED
    assert pair.server.data_to_send() == b""


def test_bare_lf_never_ends_data() -> None:
    pair = Pair.new()
    open_transaction(pair)
    pair.command("DATA")
    smuggled = b"x\n.\nMAIL FROM:<evil@example.org>\nRCPT TO:<bob@example.test>\n"
    replies = pair.send(smuggled + b"\r\n.\r\n")
    assert [r.reply.code for r in replies] == [550]
    assert pair.messages == []


def test_mail_data_sent_with_data_is_refused_and_the_session_closed() -> None:
    pair = Pair.new()
    open_transaction(pair)
    replies = pair.send(b"DATA\r\nSubject: not waiting for 354\r\n\r\nbody\r\n.\r\n")
    assert [(r.reply.code, r.reply.enhanced_code) for r in replies] == [(554, "5.5.0")]
    assert pair.server.state is State.CLOSED
    assert pair.messages == []


def test_mail_data_sent_with_data_is_read_when_sync_is_not_enforced() -> None:
    pair = Pair.new(enforce_data_sync=False)
    open_transaction(pair)
    pair.server.receive_data(b"DATA\r\nSubject: early\r\n\r\nbody\r\n.\r\n")
    assert pair.server.data_to_send().startswith(b"354 ")
    event = pair.server.next_event()
    assert isinstance(event, MessageReceived)
    assert event.content == b"Subject: early\r\n\r\nbody\r\n"


def test_bdat_chunks_are_joined_without_unstuffing() -> None:
    pair = Pair.new()
    open_transaction(pair)
    replies = pair.send(b"BDAT 5\r\n.a\r\nbBDAT 3 LAST\r\nc\r\n")
    assert [r.reply.code for r in replies] == [250, 250]
    assert pair.messages[0].content == b".a\r\nbc\r\n"


def test_client_refuses_content_before_354() -> None:
    pair = Pair.new()
    with pytest.raises(LocalProtocolError):
        pair.client.content(b"too early\r\n")


def test_oversized_data_is_refused_after_the_terminator() -> None:
    pair = Pair.new(max_message_size=1000)
    open_transaction(pair)
    pair.command("DATA")
    replies = pair.send(b"x" * 50 + b"\r\n" + (b"y" * 80 + b"\r\n") * 100 + b".\r\nNOOP\r\n")
    assert [r.reply.code for r in replies] == [552, 250]


lines = st.lists(
    st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
    max_size=20,
)


@given(lines)
def test_dot_stuffing_round_trip(parts: list[bytes]) -> None:
    content = b"".join(part + b"\r\n" for part in parts)
    assert dot_unstuff(dot_stuff(content)) == content


@given(lines, st.integers(min_value=1, max_value=7))
def test_stuffed_content_survives_any_split_through_the_server(
    parts: list[bytes], step: int
) -> None:
    content = b"".join(part + b"\r\n" for part in parts)
    pair = Pair.new()
    open_transaction(pair)
    pair.command("DATA")
    wire = pair.client.content(content)
    replies = []
    for i in range(0, len(wire), step):
        replies += pair.send(wire[i : i + step])
    assert [r.reply.code for r in replies] == [250]
    assert pair.messages[0].content == content


def test_text_line_limit_counts_the_crlf() -> None:
    from reference_impl._transparency import longest_line_exceeds

    assert not longest_line_exceeds(b"a" * 998 + b"\r\n", 1000)
    assert longest_line_exceeds(b"a" * 999 + b"\r\n", 1000)


@given(
    lines=st.lists(st.integers(min_value=0, max_value=40), max_size=8),
    limit=st.integers(min_value=1, max_value=30),
)
def test_text_line_limit_finds_a_long_line_anywhere(lines: list[int], limit: int) -> None:
    # Any line, first, last or unterminated: the same answer as measuring every line.
    from reference_impl._transparency import longest_line_exceeds

    content = b"\n".join(b"a" * (n - 1) + b"\r" if n else b"" for n in lines)
    expected = any(len(line) >= limit for line in content.split(b"\n"))
    assert longest_line_exceeds(content, limit) == expected


def test_runaway_line_gets_500_and_the_session_goes_on() -> None:
    pair = Pair.new()
    pair.command("EHLO client.example.test")
    replies = pair.send(b"NOOP " + b"x" * 100_000)
    assert replies == []  # no line end yet: nothing to answer, nothing buffered beyond the limit
    replies = pair.send(b"\r\nNOOP\r\n")
    assert [r.reply.code for r in replies] == [500, 250]
    assert replies[0].reply.enhanced_code == "5.5.2"


def test_unknown_wrong_state_and_bad_syntax_replies() -> None:
    pair = Pair.new()
    assert pair.command("FROBNICATE").reply.code == 500
    assert pair.command("MAIL FROM:<a@example.org>").reply.code == 503  # before EHLO
    pair.command("EHLO client.example.test")
    assert pair.command("MAIL FROM:a@example.org").reply.code == 501
    assert pair.command("TURN").reply.code == 502
    assert pair.server.state is State.READY


def test_runaway_sasl_response_ends_the_exchange() -> None:
    # RFC 4954 §4: after the 500 the exchange is over; NOOP is a command again.
    pair = Pair.new(auth_without_tls=True)
    pair.command("EHLO client.example.test")
    assert pair.command("AUTH PLAIN").reply.code == 334
    assert pair.send(b"A" * 20_000) == []
    replies = pair.send(b"\r\nNOOP\r\n")
    assert [r.reply.code for r in replies] == [500, 250]
    assert pair.server.state is State.READY


def test_expn_is_advertised_when_answered() -> None:
    # RFC 5321 §3.5.2: "if EXPN is supported, it MUST be listed as a service extension".
    for answers, listed in ((True, True), (False, False)):
        pair = Pair.new(vrfy_answers=answers)
        ehlo = pair.command("EHLO client.example.test").reply
        assert (b"EXPN" in ehlo.lines) is listed
        assert (pair.command("EXPN alice@example.test").reply.code not in (500, 502)) is listed


def test_help_with_trailing_space_is_help_without_topic() -> None:
    pair = Pair.new()
    assert pair.command("HELP ").reply.code == 214
    assert pair.command("HELP FROBNICATE").reply.code == 504


def test_client_discards_replies_injected_before_the_tls_handshake() -> None:
    # CVE-2011-0411, client side (RFC 3207 §4.2): octets after the 220 to STARTTLS
    # and before the handshake are not replies; the next EHLO's reply is what comes
    # inside TLS.
    client = ClientConnection()
    client.receive_data(b"220 mx ESMTP\r\n")
    client.command("STARTTLS")
    client.receive_data(b"220 go ahead\r\n250-mx\r\n250 AUTH PLAIN\r\n")
    replies = []
    while (event := client.next_event()) is not None:
        replies.append((event.command, event.reply.code))
    assert replies == [("", 220), ("STARTTLS", 220)]
    assert client.state is ClientState.TLS
    client.tls_started()
    client.command("EHLO me")
    client.receive_data(b"250 mx inside TLS\r\n")
    event = client.next_event()
    assert event is not None and (event.command, event.reply.text) == ("EHLO", "mx inside TLS")
    assert client.next_event() is None
