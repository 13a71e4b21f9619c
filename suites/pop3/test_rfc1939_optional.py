"""RFC 1939 §7 and RFC 2449 §6: TOP, UIDL and APOP.

Without delivery the TOP and UIDL tests run on messages already in the maildrop, and TOP
is compared with what RETR sends for the same message.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop3Account, Pop3Messages, Pop3Session, SeededMaildrop, apop_digest

from ._pop3 import (
    UNIQUE_ID,
    expect_err,
    expect_ok,
    expect_still_authorization,
    known_content,
    uid_listing,
)

Login = Callable[[], Pop3Session]


def _header_and_blank(content: bytes) -> bytes:
    return content.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "TOP is defined to send the headers, the blank line, then the requested number of"
        " body lines. For a server that offers the optional command (§7), its definition "
        "is binding. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
@pytest.mark.requires("TOP")
def test_top_zero_is_header_and_blank_line(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """After the initial +OK, the POP3 server sends the headers of the message, the blank
    line separating the headers from the body, and then the number of lines of the
    indicated message's body"""
    session = pop3_login()
    number = pop3_messages.some(session)
    header = _header_and_blank(known_content(pop3_messages, session, number))
    top = expect_ok(session.top(number, 0), f"TOP {number} 0")
    assert top.body.endswith(header), (
        f"sent TOP {number} 0, expected the header ending with the blank line, got "
        f"{top.body[-200:]!r}"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "TOP is defined to send the headers, the blank line, then exactly the requested "
        "number of body lines. For a server that offers the optional command (§7), its "
        "definition is binding. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and "
        "states its rules as definitions."
    ),
)
@pytest.mark.requires("TOP")
def test_top_sends_n_body_lines(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """After the initial +OK, the POP3 server sends the headers of the message, the blank
    line separating the headers from the body, and then the number of lines of the
    indicated message's body"""
    session = pop3_login()
    number = pop3_messages.some(session)
    body = known_content(pop3_messages, session, number).partition(b"\r\n\r\n")[2]
    expected = b"\r\n\r\n" + b"".join(body.splitlines(keepends=True)[:2])
    top = expect_ok(session.top(number, 2), f"TOP {number} 2")
    assert top.body.endswith(expected), (
        f"sent TOP {number} 2, expected the header, blank line and 2 body lines, got "
        f"{top.body[-120:]!r}"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "TOP is defined to send the entire message when more lines are asked for than the"
        " body has. For a server that offers the optional command (§7), its definition is"
        " binding. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
@pytest.mark.requires("TOP")
def test_top_beyond_the_body_sends_the_message(
    pop3_login: Login, pop3_messages: Pop3Messages
) -> None:
    """Note that if the number of lines requested by the POP3 client is greater than than
    the number of lines in the body, then the POP3 server sends the entire message."""
    session = pop3_login()
    number = pop3_messages.some(session)
    whole = expect_ok(session.retr(number), f"RETR {number}").body
    lines = max(1000, whole.count(b"\n") + 1)
    top = expect_ok(session.top(number, lines), f"TOP {number} {lines}")
    assert top.body == whole, (
        f"sent TOP {number} {lines}, more lines than the body has, expected the RETR "
        f"content ({len(whole)} octets), got {len(top.body)} octets"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "TOP is defined to byte-stuff the termination character, as every multi-line "
        "response (§3). For a server that offers the optional command (§7), its "
        "definition is binding. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and "
        "states its rules as definitions."
    ),
)
@pytest.mark.requires("TOP")
def test_top_stuffs_periods(pop3_login: Login, pop3_maildrop: SeededMaildrop) -> None:
    """being careful to byte-stuff the termination character (as with all multi-line
    responses)."""
    session = pop3_login()
    number = pop3_maildrop.find(session)["dots"]
    top = expect_ok(session.top(number, 4), f"TOP {number} 4")
    expected = b"\r\n\r\n.starts with a period\r\n..starts with two periods\r\n.\r\n..\r\n"
    assert top.body.endswith(expected), (
        f"sent TOP {number} 4 of a body starting with period lines, expected after "
        f"un-stuffing {expected!r}, got {top.body[-120:]!r}"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "TOP's argument 'may NOT refer to a message marked as deleted', and DELE (§5) "
        "says any later reference to a deleted message generates an error. For a server "
        "that offers the optional command (§7), its definition is binding. RFC 1939 (May "
        "1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
@pytest.mark.requires("TOP")
def test_top_of_deleted_refused(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """a message-number (required) which may NOT refer to to a message marked as deleted"""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    expect_err(session.top(number, 0), f"TOP {number} 0 after DELE {number}")


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "UIDL defines a unique-id as 1 to 70 characters in 0x21-0x7E. For a server that "
        "offers the optional command (§7), its definition is binding. RFC 1939 (May 1996)"
        " predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_syntax(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The unique-id of a message is an arbitrary server-determined string, consisting of
    one to 70 characters in the range 0x21 to 0x7E, which uniquely identifies a message
    within a maildrop and which persists across sessions."""
    listing = uid_listing(pop3_login().uidl())
    assert listing, "sent UIDL with messages in the maildrop, got an empty unique-id listing"


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "UIDL defines a unique-id as identifying a message uniquely within a maildrop. "
        "For a server that offers the optional command (§7), its definition is binding. "
        "RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its rules as "
        "definitions."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_unique(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The unique-id of a message is an arbitrary server-determined string, consisting of
    one to 70 characters in the range 0x21 to 0x7E, which uniquely identifies a message
    within a maildrop and which persists across sessions.

    The seeded messages differ, so their unique-ids must differ.
    """
    session = pop3_login()
    numbers = pop3_messages.find(session)
    listing = uid_listing(session.uidl())
    ids = {name: listing.get(number) for name, number in numbers.items()}
    assert len(set(ids.values())) == len(ids), f"sent UIDL, got repeated unique-ids {ids}"


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "UIDL says, in lower case, 'this persistence is required even if a session ends "
        "without entering the UPDATE state'. For a server that offers the optional "
        "command (§7), its definition is binding. RFC 1939 (May 1996) predates RFC 2119 "
        "(March 1997) and states its rules as definitions."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_persists_across_sessions(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """This persistence is required even if a session ends without entering the UPDATE
    state."""
    first = pop3_login()
    before = {name: uid_listing(first.uidl())[n] for name, n in pop3_messages.find(first).items()}
    first.close()  # no QUIT: no UPDATE state
    second = pop3_login()
    after = {name: uid_listing(second.uidl())[n] for name, n in pop3_messages.find(second).items()}
    assert before == after, f"sent UIDL in two sessions, got {before} then {after}"


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "UIDL with an argument is defined to answer with the unique-id listing of that "
        "message. For a server that offers the optional command (§7), its definition is "
        "binding. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its rules"
        " as definitions."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_with_argument_matches_listing(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """If an argument was given and the POP3 server issues a positive response with a line
    containing information for that message.  This line is called a "unique-id listing"
    for that message."""
    session = pop3_login()
    number = pop3_messages.some(session)
    unique_id = uid_listing(session.uidl())[number]
    response = expect_ok(session.uidl(number), f"UIDL {number}")
    expected = str(number).encode() + b" " + unique_id
    assert response.text == expected, (
        f"sent UIDL {number}, expected '+OK {expected!r}', got {response}"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "UIDL: 'all POP3 servers are required to use a certain format for unique-id "
        "listings', the message-number, a space and the unique-id, with nothing after it."
        " For a server that offers the optional command (§7), its definition is binding. "
        "RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its rules as "
        "definitions."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_single_line_syntax(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """No information follows the unique-id in the unique-id listing."""
    session = pop3_login()
    number = pop3_messages.some(session, prefer="dots")
    response = expect_ok(session.uidl(number), f"UIDL {number}")
    word, _, unique_id = response.text.partition(b" ")
    assert word == str(number).encode() and UNIQUE_ID.fullmatch(unique_id), (
        f"sent UIDL {number}, expected '+OK {number} unique-id', got {response}"
    )


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "UIDL's argument 'may NOT refer to a message marked as deleted', and DELE (§5) "
        "says any later reference to a deleted message generates an error. For a server "
        "that offers the optional command (§7), its definition is binding. RFC 1939 (May "
        "1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_of_deleted_refused(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """a message-number (optional), which, if present, may NOT refer to a message marked
    as deleted"""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    expect_err(session.uidl(number), f"UIDL {number} after DELE {number}")
    listing = uid_listing(session.uidl())
    assert number not in listing, f"sent DELE {number} then UIDL; {number} is still listed"


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "APOP is defined to answer a correct digest with a positive response and enter "
        "TRANSACTION; a server that implements APOP includes the timestamp in its "
        "greeting. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_apop_with_right_digest(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """If the digest is correct, the POP3 server issues a positive response, and the POP3
    session enters the TRANSACTION state."""
    if pop3.timestamp is None:
        pytest.skip("the greeting has no APOP timestamp: APOP is not offered")
    expect_ok(pop3.apop(pop3_account.user, pop3_account.password), "APOP with the digest")
    expect_ok(pop3.stat(), "STAT after APOP")


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "APOP is defined to answer a wrong digest with a negative response and stay in "
        "AUTHORIZATION; a server that implements APOP includes the timestamp in its "
        "greeting. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_apop_with_wrong_digest(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """Otherwise, a negative response is issued and the POP3 session remains in the
    AUTHORIZATION state."""
    if pop3.timestamp is None:
        pytest.skip("the greeting has no APOP timestamp: APOP is not offered")
    wrong = apop_digest(pop3.timestamp, pop3_account.password + "-wrong")
    expect_err(pop3.command(f"APOP {pop3_account.user} {wrong}"), "APOP with a wrong digest")
    expect_still_authorization(pop3, "the refused APOP")


@pytest.mark.rfc(1939, "7", "MUST")
def test_apop_timestamp_differs_per_greeting(pop3_connect: Callable[..., Pop3Session]) -> None:
    """The syntax of the timestamp corresponds to the `msg-id' in [RFC822], and MUST be
    different each time the POP3 server issues a banner greeting."""
    first, second = pop3_connect(), pop3_connect()
    if first.timestamp is None:
        pytest.skip("the greeting has no APOP timestamp: APOP is not offered")
    assert first.timestamp != second.timestamp, (
        f"connected twice, expected different APOP timestamps, got {first.timestamp!r} twice"
    )
