"""The SMTP server core judging its client (``ServerConfig.judging``) and playing the
judge's scripts (``ServerConfig.script``): each departure only a whole session shows is
one ``ClientDefect``, and a client that follows the rules gets none."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import make_config

from reference_impl._defects import ClientDefect
from reference_impl.smtp import ServerConnection
from reference_impl.smtp._client_defects import ClientDefectKind as Kind
from reference_impl.smtp._config import Script
from reference_impl.smtp._events import ConnectionClosed

EHLO = b"EHLO client.example.test\r\n"
MAIL = b"MAIL FROM:<a@example.org>\r\n"
RCPT = b"RCPT TO:<alice@example.test>\r\n"


def _server(**changes: Any) -> ServerConnection:
    server = ServerConnection(make_config(judging=True, **changes), peer_ip="192.0.2.1")
    _drain(server)
    return server


def _drain(server: ServerConnection) -> bytes:
    """What the server sent, serving every pause it asked for at once."""
    out = server.data_to_send()
    while server.pace:
        server.pace_served()
        out += server.data_to_send()
    return out


def _kinds(server: ServerConnection, *lines: bytes) -> list[Kind]:
    """Send each of ``lines`` after the reply to the one before (a waiting client)."""
    for line in lines:
        server.receive_data(line)
        _drain(server)
    return [e.defect.kind for e in iter(server.next_event, None) if isinstance(e, ClientDefect)]


def test_a_client_that_waits_and_quits_shows_nothing() -> None:
    server = _server()
    assert _kinds(server, EHLO, MAIL, RCPT, b"DATA\r\n", b"x\r\n.\r\n") == []
    server.message_stored()  # the shell's part: the 250 after storing
    assert _kinds(server, b"QUIT\r\n") == []
    server.connection_lost()
    assert _kinds(server) == []


def test_commands_in_one_read_without_pipelining_are_not_waiting() -> None:
    # RFC 5321 §4.3.1: the sender MUST wait for the response (PIPELINING not known yet).
    assert _kinds(_server(), EHLO + MAIL) == [Kind.NOT_WAITING]


def test_commands_in_one_read_after_pipelining_was_offered_are_fine() -> None:
    assert _kinds(_server(), EHLO, MAIL + RCPT) == []  # RFC 2920 §3.1


def test_pipelining_not_offered_makes_a_group_a_departure() -> None:
    server = _server(script=Script(offer_pipelining=False))
    assert _kinds(server, EHLO, MAIL + RCPT) == [Kind.NOT_WAITING]


def test_closing_without_quit_is_a_departure_once() -> None:
    server = _server()
    _kinds(server, EHLO)
    server.connection_lost()
    assert _kinds(server) == [Kind.CLOSED_WITHOUT_QUIT]  # RFC 5321 §4.1.1.10


def test_closing_after_the_server_closed_is_not() -> None:
    server = _server(script=Script(close_at="MAIL"))
    assert _kinds(server, EHLO, MAIL) == []
    server.connection_lost()
    assert _kinds(server) == []


def test_a_command_before_a_slow_greeting_is_early() -> None:
    server = ServerConnection(
        make_config(judging=True, script=Script(greeting_delay=1.0)), peer_ip="192.0.2.1"
    )
    assert server.data_to_send() == b""  # held: the shell sends it after the pause
    server.receive_data(EHLO)
    assert server.data_to_send() == b""  # nothing runs before the greeting is out
    assert server.pace == 1.0
    server.pace_served()
    out = server.data_to_send()
    assert out.startswith(b"220 ") and b"\r\n250" in out
    assert _kinds(server) == [Kind.EARLY_COMMAND]  # RFC 5321 §4.3.1


def test_a_command_before_a_slow_reply_is_not_waiting() -> None:
    server = _server(script=Script(reply_delay=1.0, offer_pipelining=False))
    server.receive_data(EHLO)
    server.receive_data(MAIL)  # before the held EHLO reply went out
    assert _kinds(server) == [Kind.NOT_WAITING]


def test_a_split_reply_goes_out_line_by_line() -> None:
    server = ServerConnection(
        make_config(judging=True, script=Script(split_replies=True, greeting_lines=("more",))),
        peer_ip="192.0.2.1",
    )
    pieces = [server.data_to_send()]
    while server.pace:
        server.pace_served()
        pieces.append(server.data_to_send())
    assert len(pieces) == 3 and b"".join(pieces).startswith(b"220-")
    assert b"".join(pieces).endswith(b"220 more\r\n")


@pytest.mark.parametrize(
    ("changes", "lines", "kind"),
    [
        ({"script": Script(refuse_ehlo=True)}, [EHLO, b"QUIT\r\n"], Kind.NO_HELO_FALLBACK),
        (
            {"script": Script(refuse_starttls=True), "tls_available": True},
            [EHLO, b"STARTTLS\r\n", MAIL],
            Kind.CLEAR_AFTER_TLS_REFUSED,
        ),
        (
            {"auth_without_tls": True},
            [EHLO, b"AUTH PLAIN AGFsaWNlAGFsaWNlLXB3\r\n"],
            Kind.PLAIN_AUTH_IN_CLEAR,
        ),
        ({"max_message_size": 10}, [EHLO, b"MAIL FROM:<a@b.example> SIZE=99\r\n", RCPT], None),
    ],
)
def test_what_a_scenario_asks_of_the_client(
    changes: dict[str, Any], lines: list[bytes], kind: Kind | None
) -> None:
    server = _server(**changes)
    found = _kinds(server, *lines)
    server.connection_lost()
    found += _kinds(server)
    expected = kind or Kind.SIZE_REFUSAL_IGNORED
    assert expected in found


def test_helo_after_a_refused_ehlo_is_the_fallback() -> None:
    server = _server(script=Script(refuse_ehlo=True))
    assert _kinds(server, EHLO, b"HELO client.example.test\r\n", b"QUIT\r\n") == []


def test_the_first_command_after_tls_should_be_ehlo() -> None:
    server = _server(tls_available=True)
    _kinds(server, EHLO, b"STARTTLS\r\n")
    server.tls_started()
    assert _kinds(server, MAIL) == [Kind.NO_EHLO_AFTER_TLS, Kind.BAD_SEQUENCE]


def test_plaintext_is_injected_after_the_220_to_starttls() -> None:
    script = Script(inject_after_starttls=b"250 PIPELINING\r\n", delay_after_tls=1.0)
    server = _server(tls_available=True, script=script)
    _kinds(server, EHLO)
    server.receive_data(b"STARTTLS\r\n")
    assert server.data_to_send().endswith(b"Ready to start TLS\r\n250 PIPELINING\r\n")
    server.tls_started()
    server.receive_data(EHLO)
    server.receive_data(MAIL)  # a client that took the injected line for the reply
    assert _kinds(server) == [Kind.PLAINTEXT_INJECTION_ACCEPTED]


def test_a_drop_after_the_final_dot_sends_no_reply() -> None:
    server = _server(script=Script(drop_after_data=True))
    _kinds(server, EHLO, MAIL, RCPT, b"DATA\r\n")
    server.receive_data(b"x\r\n.\r\n")
    assert server.data_to_send() == b""
    assert any(isinstance(e, ConnectionClosed) for e in iter(server.next_event, None))


def test_without_judging_the_plain_server_reports_none_of_this() -> None:
    server = ServerConnection(make_config(), peer_ip="192.0.2.1")
    server.receive_data(EHLO + MAIL)
    server.connection_lost()
    assert not [e for e in iter(server.next_event, None) if isinstance(e, ClientDefect)]


def test_a_503_to_a_group_after_a_refused_mail_is_not_the_clients_fault() -> None:
    # RFC 2920 §3.1: RCPT and DATA may follow MAIL in a group, sent before its reply.
    server = _server(script=Script(refuse_mail=True))
    assert _kinds(server, EHLO, MAIL + RCPT + b"DATA\r\n") == []


def test_a_503_without_pipelining_is_out_of_sequence() -> None:
    server = _server(script=Script(refuse_mail=True))
    found = _kinds(server, b"HELO client.example.test\r\n", MAIL, RCPT)
    assert found == [Kind.BAD_SEQUENCE]  # RFC 5321 §4.1.4
