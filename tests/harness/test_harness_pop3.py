"""The POP3 response parser, targets and session against the embedded reference server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance import Pop3DefectKind, Pop3Session, Security, parse_target
from conformance._pop3_responses import Pop3ResponseReader
from reference_impl._embedded import EmbeddedServers
from reference_impl.pop3 import dot_stuff


def _parse(data: bytes, *, multiline: bool = False) -> list[object]:
    reader = Pop3ResponseReader()
    reader.feed(data)
    found = []
    while (response := reader.next_response(multiline=multiline)) is not None:
        found.append(response)
    return found


def test_single_line_with_response_code() -> None:
    reader = Pop3ResponseReader()
    reader.feed(b"-ERR [IN-USE] busy\r\n")
    response = reader.next_response()
    assert response is not None and response.err and response.code == "IN-USE"
    assert response.text == b"[IN-USE] busy" and not response.defects


def test_multiline_is_unstuffed_and_waits_for_the_terminator() -> None:
    reader = Pop3ResponseReader()
    reader.feed(b"+OK\r\n..a\r\n..\r\n")
    assert reader.next_response(multiline=True) is None
    reader.feed(b"b\r\n.\r\n+OK next\r\n")
    response = reader.next_response(multiline=True)
    assert response is not None and response.lines == (b".a", b".", b"b")
    assert response.body == b".a\r\n.\r\nb\r\n"
    assert reader.pending == b"+OK next\r\n"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"+ok fine\r\n", Pop3DefectKind.STATUS_CASE),
        (b"OK fine\r\n", Pop3DefectKind.BAD_STATUS),
        (b"+OK " + b"x" * 600 + b"\r\n", Pop3DefectKind.LINE_TOO_LONG),
        (b"+OK bare\n", Pop3DefectKind.BARE_LF),
    ],
)
def test_defects_are_recorded(data: bytes, kind: Pop3DefectKind) -> None:
    reader = Pop3ResponseReader()
    reader.feed(data)
    response = reader.next_response()
    assert response is not None and kind in [d.kind for d in response.defects]


@given(st.lists(st.binary(max_size=30).filter(lambda b: b"\r" not in b and b"\n" not in b)))
def test_stuffed_body_round_trips(lines: list[bytes]) -> None:
    body = b"".join(line + b"\r\n" for line in lines)
    reader = Pop3ResponseReader()
    reader.feed(b"+OK\r\n" + dot_stuff(body) + b".\r\n")
    response = reader.next_response(multiline=True)
    assert response is not None and response.body == body and not response.defects


@pytest.mark.parametrize(
    ("url", "port", "security"),
    [("pop3://h", 110, Security.PLAIN), ("pop3s://u:p%40@h", 995, Security.IMPLICIT)],
)
def test_pop3_schemes(url: str, port: int, security: Security) -> None:
    target = parse_target(url)
    assert (target.protocol, target.port, target.security) == ("pop3", port, security)


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def test_session_against_the_reference(servers: EmbeddedServers) -> None:
    target = parse_target(f"pop3://{servers.host}:{servers.ports['pop3']}")
    with Pop3Session.connect(target) as session:
        assert session.greeting is not None and session.greeting.ok
        assert session.timestamp is not None
        user, password, _ = servers.users[0]
        assert session.apop(user, password).ok
        assert session.list().ok and session.quit().ok
        assert session.expect_closed()
    assert "C: APOP alice " in session.transcript.render()
