"""The SMTP server core reports what the client did wrong, one ``ClientDefect`` per
departure, with the rule broken; what the client may do reports nothing."""

from __future__ import annotations

import pytest
from helpers import make_config

from reference_impl._defects import ClientDefect
from reference_impl.smtp import ServerConnection
from reference_impl.smtp._client_defects import ClientDefectKind as Kind

_OPEN = b"EHLO client.example.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<alice@example.test>\r\n"


def _defects(server: ServerConnection, data: bytes) -> list[Kind]:
    server.receive_data(data)
    events = iter(server.next_event, None)
    return [event.defect.kind for event in events if isinstance(event, ClientDefect)]


def _server(**changes: object) -> ServerConnection:
    server = ServerConnection(make_config(**changes), peer_ip="192.0.2.1")
    server.data_to_send()
    return server


@pytest.mark.parametrize(
    ("wire", "kind"),
    [
        (b"NOOP\nNOOP\r\n", Kind.BARE_LINE_END),  # RFC 5321 §2.3.8
        (b"RSET\rQUIT\r\n", Kind.BARE_LINE_END),
        (b"NOOP " + b"x" * 1100 + b"\r\n", Kind.LINE_TOO_LONG),  # §4.5.3.1.4
        (b"\x01\x02\r\n", Kind.SYNTAX),  # §4.1: a verb first
        (b"RSET now\r\n", Kind.BAD_ARGUMENTS),  # §4.1.1: RSET takes no parameters
        (b"EHLO client.example.test\r\nMAIL FROM:\r\n", Kind.BAD_ARGUMENTS),
        (b"RCPT TO:<alice@example.test>\r\n", Kind.BAD_SEQUENCE),  # §4.1.4
        (_OPEN + b"DATA\r\nSubject: not waiting for 354\r\n.\r\n", Kind.DATA_BEFORE_354),
    ],
)
def test_each_departure_is_one_client_defect(wire: bytes, kind: Kind) -> None:
    assert _defects(_server(), wire) == [kind]


def test_a_bare_lf_in_mail_data_is_a_client_defect() -> None:
    server = _server()
    assert _defects(server, _OPEN + b"DATA\r\n") == []
    body = b"Subject: x\r\n\r\nbare\nLF\r\n.\r\n"
    assert _defects(server, body) == [Kind.DATA_BARE_LINE_END]  # RFC 5321 §2.3.8


def test_a_bad_sasl_response_is_a_client_defect() -> None:
    server = _server(auth_without_tls=True)
    assert _defects(server, b"EHLO c.example.test\r\nAUTH PLAIN\r\n") == []
    assert _defects(server, b"not base64!\r\n") == [Kind.BAD_SASL_RESPONSE]  # RFC 4954 §4


@pytest.mark.parametrize(
    "wire",
    [
        b"ehlo client.example.test\r\nnoop\r\n",  # §2.4: verbs are case-insensitive
        b"XYZZY\r\n",  # an unknown command is the client's to try (500, no rule broken)
        b"EHLO c.example.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<nobody@example.test>\r\n",
        _OPEN + b"DATA\r\n",
    ],
)
def test_what_the_client_may_do_reports_nothing(wire: bytes) -> None:
    assert _defects(_server(), wire) == []


def test_a_cancelled_auth_is_no_defect() -> None:
    server = _server(auth_without_tls=True)
    assert _defects(server, b"EHLO c.example.test\r\nAUTH PLAIN\r\n*\r\n") == []


@pytest.mark.parametrize("opening", [_OPEN + b"DATA\r\n", _OPEN + b"BDAT 100\r\nfirst"])
def test_closing_inside_mail_data_is_a_client_defect(opening: bytes) -> None:
    server = _server()
    _defects(server, opening)
    server.connection_lost()
    assert _defects(server, b"") == [Kind.DATA_NOT_ENDED]  # RFC 5321 §4.1.1.4


def test_closing_between_commands_is_no_defect() -> None:
    server = _server()
    _defects(server, _OPEN)
    server.connection_lost()
    assert _defects(server, b"") == []
