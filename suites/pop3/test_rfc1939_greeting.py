"""RFC 1939 §3-§4: the greeting, status indicators, and responses to bad commands."""

from __future__ import annotations

import pytest

from conformance import Pop3DefectKind, Pop3Session

from ._pop3 import expect_err, expect_ok


@pytest.mark.rfc(
    1939,
    "4",
    "MUST",
    basis=(
        "§4 defines the greeting as a positive response; the AUTHORIZATION state starts "
        "only after it. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its"
        " rules as definitions."
    ),
)
def test_greeting_is_positive(pop3: Pop3Session) -> None:
    """Once the TCP connection has been opened by a POP3 client, the POP3 server issues a
    one line greeting.  This can be any positive response."""
    greeting = pop3.greeting
    assert greeting is not None and greeting.ok, f"connected, expected '+OK ...', got {greeting}"


@pytest.mark.rfc(1939, "3", "MUST")
def test_greeting_status_is_upper_case(pop3: Pop3Session) -> None:
    """Servers MUST send the "+OK" and "-ERR" in upper case."""
    greeting = pop3.greeting
    assert greeting is not None and greeting.status == b"+OK", (
        f"connected, expected the greeting to start with '+OK', got {greeting}"
    )


@pytest.mark.rfc(
    2449,
    "4",
    "MUST",
    basis=(
        "§4 states the 512-octet maximum for the first line of a response, the greeting "
        "included, as a protocol limit (also the ABNF's '512 octets maximum' in §3), "
        "restating RFC 1939 §3; clients size their buffers by it."
    ),
)
def test_greeting_fits_in_512_octets(pop3: Pop3Session) -> None:
    """The maximum length of the first line of a command response (including the initial
    greeting) is unchanged at 512 octets (including the terminating CRLF)."""
    assert pop3.greeting is not None
    size = len(pop3.greeting.first_line)
    assert size <= 512, f"connected, expected a greeting of at most 512 octets, got {size}"


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines every response as terminated by a CRLF pair; without it a client "
        "cannot find the end of the greeting. RFC 1939 (May 1996) predates RFC 2119 "
        "(March 1997) and states its rules as definitions."
    ),
)
def test_greeting_ends_with_crlf(pop3: Pop3Session) -> None:
    """All responses are terminated by a CRLF pair."""
    greeting = pop3.greeting
    assert greeting is not None and greeting.first_line.endswith(b"\r\n"), (
        f"connected, expected a greeting ending in CRLF, got {greeting}"
    )
    bare = [d for d in greeting.defects if d.kind is Pop3DefectKind.BARE_LF]
    assert not bare, f"connected, expected CRLF line ends, got {greeting}"


@pytest.mark.rfc(1939, "3", "MUST")
def test_error_status_is_upper_case(pop3: Pop3Session) -> None:
    """Servers MUST send the "+OK" and "-ERR" in upper case."""
    response = pop3.command("XYZZY")
    assert response.status == b"-ERR", f"sent XYZZY, expected '-ERR', got {response}"


@pytest.mark.rfc(1939, "3", "MUST")
@pytest.mark.parametrize("line", ["XYZZY", "FOOBAR now", "ST", "STATX", "123"])
def test_unrecognized_command_gets_err(pop3: Pop3Session, line: str) -> None:
    """A server MUST respond to an unrecognized, unimplemented, or syntactically invalid
    command by responding with a negative status indicator."""
    expect_err(pop3.command(line), repr(line))


@pytest.mark.rfc(
    1939,
    "3",
    "MUST",
    basis=(
        "§3 defines command keywords as case-insensitive, so a server must accept 'quit' "
        "as QUIT. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its rules"
        " as definitions."
    ),
)
def test_keywords_are_case_insensitive(pop3: Pop3Session) -> None:
    """Commands in the POP3 consist of a case-insensitive keyword, possibly followed by one
    or more arguments."""
    response = pop3.command("quit")
    assert response.status == b"+OK", f"sent 'quit' in lower case, expected +OK, got {response}"


@pytest.mark.rfc(
    1939,
    "4",
    "MUST",
    basis=(
        "The §4 summary of QUIT in the AUTHORIZATION state lists +OK as its only possible"
        " response. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_quit_in_authorization(pop3: Pop3Session) -> None:
    """Here is the summary for the QUIT command when used in the AUTHORIZATION state: ...
    QUIT ... Arguments: none ... Restrictions: none ... Possible Responses: +OK"""
    expect_ok(pop3.quit(), "QUIT in the AUTHORIZATION state")


@pytest.mark.rfc(
    1939,
    "6",
    "MUST",
    basis=(
        "§6 says QUIT in the AUTHORIZATION state terminates the session, and §3 says a "
        "session lasts until the connection is closed. RFC 1939 (May 1996) predates RFC "
        "2119 (March 1997) and states its rules as definitions."
    ),
)
def test_quit_in_authorization_closes(pop3: Pop3Session) -> None:
    """(Note that if the client issues the QUIT command from the AUTHORIZATION state, the
    POP3 session terminates but does NOT enter the UPDATE state.)"""
    expect_ok(pop3.quit(), "QUIT in the AUTHORIZATION state")
    assert pop3.expect_closed(), "sent QUIT, expected the server to close the connection"
