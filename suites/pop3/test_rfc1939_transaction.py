"""RFC 1939 §4-§5 and §11: drop and scan listings, sizes, DELE, RETR, RSET.

Without delivery these tests read (and DELE) messages already in the maildrop; their
sessions end without QUIT, so nothing is removed (RFC 1939 §6).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop3Messages, Pop3Session

from ._pop3 import drop_listing, expect_err, expect_ok, scan_listing, shaped

Login = Callable[[], Pop3Session]


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "STAT (§5): 'all POP3 servers are required to use a certain format for drop "
        "listings', '+OK', a space, the number of messages, a space, the size in octets; "
        "'required' in lower case. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and"
        " states its rules as definitions."
    ),
)
def test_stat_format(pop3_login: Login) -> None:
    """The positive response consists of "+OK" followed by a single space, the number of
    messages in the maildrop, a single space, and the size of the maildrop in octets."""
    drop_listing(pop3_login().stat())


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "STAT (§5) is defined as the number of messages and the size of the maildrop, the"
        " same maildrop LIST lists. RFC 1939 (May 1996) predates RFC 2119 (March 1997) "
        "and states its rules as definitions."
    ),
)
def test_stat_matches_the_scan_listing(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The positive response consists of "+OK" followed by a single space, the number of
    messages in the maildrop, a single space, and the size of the maildrop in octets."""
    session = pop3_login()
    count, octets = drop_listing(session.stat())
    listing = scan_listing(session.list())
    assert (count, octets) == (len(listing), sum(listing.values())), (
        f"sent STAT and LIST, expected STAT to give the count and total of the listing "
        f"({len(listing)} {sum(listing.values())}), got {count} {octets}"
    )


@pytest.mark.rfc(
    1939,
    "4",
    "MUST",
    basis=(
        "§4 defines message-numbers as 1 for the first message, n for the nth. RFC 1939 "
        "(May 1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_message_numbers_count_from_one(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The first message in the maildrop is assigned a message-number of "1", the second is
    assigned "2", and so on, so that the nth message in a maildrop is assigned a
    message-number of "n"."""
    listing = scan_listing(pop3_login().list())
    assert sorted(listing) == list(range(1, len(listing) + 1)), (
        f"sent LIST, expected message numbers 1..{len(listing)}, got {sorted(listing)}"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "LIST (§5): 'all POP3 servers are required to use a certain format for scan "
        "listings', the message-number and the exact size in octets; 'required' in lower "
        "case. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its rules as"
        " definitions."
    ),
)
@pytest.mark.parametrize("name", ["plain", "dots", "long"])
def test_list_size_is_retr_octets(
    pop3_login: Login, pop3_messages: Pop3Messages, name: str
) -> None:
    """A scan listing consists of the message-number of the message, followed by a single
    space and the exact size of the message in octets.

    §11: the size counts line ends as CRLF and byte-stuffed periods once, so it equals the
    octets of the un-stuffed RETR body with CRLF line ends.
    """
    session = pop3_login()
    number = shaped(pop3_messages, session, name)
    listing = scan_listing(session.list())
    retrieved = expect_ok(session.retr(number), f"RETR {number}")
    assert listing[number] == len(retrieved.body), (
        f"sent LIST and RETR {number} (the {name!r} message), expected the listed size "
        f"{listing[number]} to equal the {len(retrieved.body)} octets retrieved"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "LIST (§5) with an argument is defined to answer with one line, the scan listing "
        "of that message, whose format 'all POP3 servers are required to use'. RFC 1939 "
        "(May 1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_list_with_argument_is_one_scan_line(
    pop3_login: Login, pop3_messages: Pop3Messages
) -> None:
    """If an argument was given and the POP3 server issues a positive response with a line
    containing information for that message."""
    session = pop3_login()
    number = pop3_messages.some(session)
    size = scan_listing(session.list())[number]
    response = expect_ok(session.list(number), f"LIST {number}")
    words = response.text.split(b" ")
    assert words[:2] == [str(number).encode(), str(size).encode()], (
        f"sent LIST {number}, expected '+OK {number} {size}', got {response}"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "LIST (§5) lists '-ERR no such message' as its response for a message that does "
        "not exist; +OK would claim a scan listing of it. RFC 1939 (May 1996) predates "
        "RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_list_of_nonexistent_message(pop3_login: Login) -> None:
    """LIST 3 S: -ERR no such message, only 2 messages in maildrop"""
    session = pop3_login()
    count, _ = drop_listing(session.stat())
    expect_err(session.list(count + 1), f"LIST {count + 1} with {count} messages")


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "RETR (§5) lists '-ERR no such message' as its response for a message that does "
        "not exist. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_retr_of_nonexistent_message(pop3_login: Login) -> None:
    """Possible Responses: +OK message follows -ERR no such message"""
    session = pop3_login()
    count, _ = drop_listing(session.stat())
    expect_err(session.retr(count + 1), f"RETR {count + 1} with {count} messages")


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "LIST's argument 'may NOT refer to a message marked as deleted', and DELE (§5) "
        "says any later reference to a deleted message-number generates an error. RFC "
        "1939 (May 1996) predates RFC 2119 (March 1997) and states its rules as "
        "definitions."
    ),
)
def test_dele_then_list_of_it_refused(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """a message-number (optional), which, if present, may NOT refer to a message marked
    as deleted"""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    expect_err(session.list(number), f"LIST {number} after DELE {number}")


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "DELE (§5) says any later reference to the deleted message-number in a command "
        "generates an error. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and "
        "states its rules as definitions."
    ),
)
def test_dele_twice_refused(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The POP3 server marks the message as deleted.  Any future reference to the
    message-number associated with the message in a POP3 command generates an error."""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    expect_err(session.dele(number), f"DELE {number} a second time")


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "RETR's argument 'may NOT refer to a message marked as deleted', and DELE (§5) "
        "says such a reference generates an error. RFC 1939 (May 1996) predates RFC 2119 "
        "(March 1997) and states its rules as definitions."
    ),
)
def test_retr_of_deleted_refused(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """a message-number (required) which may NOT refer to a message marked as deleted"""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    expect_err(session.retr(number), f"RETR {number} after DELE {number}")


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "LIST (§5) is defined not to list messages marked as deleted. RFC 1939 (May 1996)"
        " predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_deleted_not_in_scan_listing(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """Note that messages marked as deleted are not listed."""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    listing = scan_listing(session.list())
    assert number not in listing, f"sent DELE {number} then LIST, got {number} still listed"


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "STAT (§5) is defined not to count messages marked as deleted. RFC 1939 (May "
        "1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_deleted_not_counted_in_stat(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """Note that messages marked as deleted are not counted in either total."""
    session = pop3_login()
    number = pop3_messages.some(session)
    count, octets = drop_listing(session.stat())
    size = scan_listing(session.list())[number]
    expect_ok(session.dele(number), f"DELE {number}")
    after = drop_listing(session.stat())
    assert after == (count - 1, octets - size), (
        f"sent STAT ({count} {octets}), DELE {number} ({size} octets), STAT: expected "
        f"{count - 1} {octets - size}, got {after[0]} {after[1]}"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "RSET (§5) is defined to unmark every message marked as deleted. RFC 1939 (May "
        "1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_rset_unmarks_deleted(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """If any messages have been marked as deleted by the POP3 server, they are unmarked.
    The POP3 server then replies with a positive response."""
    session = pop3_login()
    number = pop3_messages.some(session)
    before = drop_listing(session.stat())
    expect_ok(session.dele(number), f"DELE {number}")
    expect_ok(session.rset(), "RSET")
    after = drop_listing(session.stat())
    assert after == before, f"sent DELE {number}, RSET, STAT: expected {before}, got {after}"
    expect_ok(session.retr(number), f"RETR {number} after RSET")
