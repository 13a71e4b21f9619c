"""RFC 1939 §3: multi-line responses, their termination and byte-stuffing.

The seeded "dots" message has lines starting with "." and a line of only "."; the
harness un-stuffs RETR as the RFC tells a client to, so the body it reads back must equal
the body that was delivered.  Without delivery only the tests that need no known content
run, on a message already in the maildrop.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import LONG_LINE, Pop3DefectKind, Pop3Messages, Pop3Session, SeededMaildrop

from ._pop3 import expect_ok

Login = Callable[[], Pop3Session]


def _retrieve(session: Pop3Session, maildrop: SeededMaildrop, name: str) -> bytes:
    number = maildrop.find(session)[name]
    return expect_ok(session.retr(number), f"RETR {number}").body


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines byte-stuffing of lines starting with the termination octet as part of"
        " every multi-line response; a client un-stuffs them. RFC 1939 (May 1996) "
        "predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_lines_starting_with_period_are_stuffed(
    pop3_login: Login, pop3_maildrop: SeededMaildrop
) -> None:
    """If any line of the multi-line response begins with the termination octet, the line
    is "byte-stuffed" by pre-pending the termination octet to that line of the response."""
    session = pop3_login()
    body = _retrieve(session, pop3_maildrop, "dots")
    expected = pop3_maildrop["dots"].body
    assert body.endswith(expected), (
        f"RETR of a message whose body is {expected!r}: after un-stuffing expected the same "
        f"body, got one ending {body[-len(expected) - 20 :]!r}"
    )


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines the end of a multi-line response as CRLF.CRLF, so a stuffed '..' line"
        " of the body must not end it. RFC 1939 (May 1996) predates RFC 2119 (March 1997)"
        " and states its rules as definitions."
    ),
)
def test_lone_period_line_does_not_end_the_response(
    pop3_login: Login, pop3_maildrop: SeededMaildrop
) -> None:
    """Hence a multi-line response is terminated with the five octets "CRLF.CRLF"."""
    session = pop3_login()
    body = _retrieve(session, pop3_maildrop, "dots")
    assert b"\r\n.\r\n..\r\na line after the lone period\r\n" in body, (
        f"RETR of a message with a line of only '.', expected the lines after it in the "
        f"response, got a body ending {body[-120:]!r}"
    )
    expect_ok(session.noop(), "NOOP after the RETR (nothing left over from it)")


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines byte-stuffing of each line starting with the termination octet, octet"
        " for octet. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_raw_stuffing_on_the_wire(pop3_login: Login, pop3_maildrop: SeededMaildrop) -> None:
    """If any line of the multi-line response begins with the termination octet, the line
    is "byte-stuffed" by pre-pending the termination octet to that line of the response."""
    session = pop3_login()
    number = pop3_maildrop.find(session)["dots"]
    raw = expect_ok(session.retr(number), f"RETR {number}").raw
    for line in (b"..starts with a period", b"...starts with two periods", b"..\r\n..."):
        assert b"\r\n" + line in raw, (
            f"RETR {number}: expected the stuffed line {line!r} on the wire, got {raw[-200:]!r}"
        )


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines the end of a multi-line response as the five octets CRLF.CRLF. RFC "
        "1939 (May 1996) predates RFC 2119 (March 1997) and states its rules as "
        "definitions."
    ),
)
def test_response_ends_with_crlf_period_crlf(
    pop3_login: Login, pop3_messages: Pop3Messages
) -> None:
    """Hence a multi-line response is terminated with the five octets "CRLF.CRLF"."""
    session = pop3_login()
    number = pop3_messages.some(session)
    raw = expect_ok(session.retr(number), f"RETR {number}").raw
    assert raw.endswith(b"\r\n.\r\n"), (
        f"RETR {number}: expected CRLF.CRLF at the end, got {raw[-20:]!r}"
    )


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines each line of a multi-line response as terminated by a CRLF pair. RFC "
        "1939 (May 1996) predates RFC 2119 (March 1997) and states its rules as "
        "definitions."
    ),
)
def test_retr_lines_end_with_crlf(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """After the initial +OK, the POP3 server sends the message corresponding to the given
    message-number, being careful to byte-stuff the termination character (as with all
    multi-line responses).

    Every line of a multi-line response is "terminated by a CRLF pair" (§3).
    """
    session = pop3_login()
    number = pop3_messages.some(session, prefer="dots")
    response = expect_ok(session.retr(number), f"RETR {number}")
    bad = [
        d for d in response.defects if d.kind in (Pop3DefectKind.BARE_LF, Pop3DefectKind.BARE_CR)
    ]
    assert not bad, f"RETR {number}: expected CRLF line ends only, got {[d.detail for d in bad]}"


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "RETR (§5) is defined to send the message corresponding to the given "
        "message-number. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states "
        "its rules as definitions."
    ),
)
def test_retr_returns_the_whole_message(pop3_login: Login, pop3_maildrop: SeededMaildrop) -> None:
    """After the initial +OK, the POP3 server sends the message corresponding to the given
    message-number, being careful to byte-stuff the termination character (as with all
    multi-line responses)."""
    session = pop3_login()
    message = pop3_maildrop["plain"]
    body = _retrieve(session, pop3_maildrop, "plain")
    assert body.endswith(message.content), (
        f"RETR of the message {message.content[:60]!r}...: expected it to end with the "
        f"delivered content (a server may add trace fields above), got {body[-200:]!r}"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "RETR (§5) is defined to send the message, which includes its long lines "
        "unchanged. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_long_lines_are_retrieved_intact(pop3_login: Login, pop3_maildrop: SeededMaildrop) -> None:
    """After the initial +OK, the POP3 server sends the message corresponding to the given
    message-number, being careful to byte-stuff the termination character (as with all
    multi-line responses)."""
    session = pop3_login()
    body = _retrieve(session, pop3_maildrop, "long")
    sizes = [len(line) for line in body.split(b"\r\n")]
    assert b"\r\n" + LONG_LINE + b"\r\n" in body, (
        f"RETR of a message with a {len(LONG_LINE)}-octet line: expected it intact, "
        f"got lines of {sizes} octets"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "LIST (§5) is defined as a multi-line response, ended by a line of the "
        "termination octet and CRLF even when it lists nothing. RFC 1939 (May 1996) "
        "predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_scan_listing_is_terminated(pop3_login: Login) -> None:
    """If there are no messages in the maildrop, then the POP3 server responds with no scan
    listings--it issues a positive response followed by a line containing a termination
    octet and a CRLF pair."""
    session = pop3_login()
    response = expect_ok(session.list(), "LIST")
    assert response.raw.endswith(b".\r\n") and not response.defects, (
        f"sent LIST, expected a multi-line response ending '.CRLF' without defects, "
        f"got {response} with {[d.rule for d in response.defects]}"
    )
