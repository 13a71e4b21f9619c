"""The POP3 server core reports what the client did wrong as ``ClientDefect`` events
(RFC 1939 §3, RFC 2449 §4); what the client may do reports nothing."""

from __future__ import annotations

import pytest
from pop3_pair import TIMESTAMP, make_config

from reference_impl._defects import ClientDefect
from reference_impl.pop3 import ServerConnection
from reference_impl.pop3._client_defects import ClientDefectKind as Kind


def _defects(wire: bytes, **changes: object) -> list[Kind]:
    server = ServerConnection(make_config(**changes), timestamp=TIMESTAMP)
    server.receive_data(wire)
    events = iter(server.next_event, None)
    return [event.defect.kind for event in events if isinstance(event, ClientDefect)]


@pytest.mark.parametrize(
    ("wire", "kind"),
    [
        (b"CAPA\nQUIT\r\n", Kind.BARE_LINE_END),  # RFC 1939 §3: CRLF ends a command
        (b"CAPA " + b"x" * 300 + b"\r\n", Kind.LINE_TOO_LONG),  # RFC 2449 §4: 255 octets
        (b"\x01\x02\r\n", Kind.SYNTAX),  # RFC 1939 §3: a keyword first
        (b"STAT\r\n", Kind.BAD_STATE),  # TRANSACTION only (RFC 1939 §5)
        (b"PASS secret\r\n", Kind.PASS_WITHOUT_USER),  # RFC 1939 §7
        (b"USER a b\r\n", Kind.BAD_ARGUMENTS),  # USER takes one name (RFC 1939 §7)
    ],
)
def test_each_departure_is_one_client_defect(wire: bytes, kind: Kind) -> None:
    assert _defects(wire, auth_without_tls=True) == [kind]


@pytest.mark.parametrize(
    "wire",
    [
        b"capa\r\n",  # RFC 1939 §3: keywords are case-insensitive
        b"XTND\r\n",  # an unknown keyword is the client's to try
        b"USER alice\r\nPASS wrong\r\n",  # a wrong password breaks no rule
    ],
)
def test_what_the_client_may_do_reports_nothing(wire: bytes) -> None:
    assert _defects(wire, auth_without_tls=True) == []


def test_an_argument_past_the_limit_is_a_client_defect() -> None:
    wire = b"USER " + b"a" * 41 + b"\r\n"  # RFC 1939 §3: up to 40 characters
    assert _defects(wire, max_argument=40) == [Kind.ARGUMENT_TOO_LONG]


def test_a_bad_sasl_response_is_a_client_defect() -> None:
    wire = b"AUTH PLAIN\r\nnot base64!\r\n"
    assert _defects(wire, auth_without_tls=True) == [Kind.BAD_SASL_RESPONSE]  # RFC 5034 §4


def test_the_evidence_of_a_pass_shows_no_password() -> None:
    server = ServerConnection(make_config(auth_without_tls=True), timestamp=TIMESTAMP)
    server.receive_data(b"PASS secret-password\r\n")
    [event] = [e for e in iter(server.next_event, None) if isinstance(e, ClientDefect)]
    assert event.defect.kind is Kind.PASS_WITHOUT_USER
    assert "secret" not in str(event.defect) and "PASS" in event.defect.detail
