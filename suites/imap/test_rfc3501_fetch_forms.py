"""RFC 3501 §6.4.5 FETCH forms: partial fetches past the end, RFC822 and RFC822.HEADER,
a new message's flags; §6.4.4 an empty SEARCH; §6.3.6 SUBSCRIBE and LSUB."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    MESSAGE,
    append,
    expect_ok,
    fetch,
    flags_of,
    mailbox,
    search_numbers,
    select,
    untagged,
)

FETCH_RULE = "§6.4.5 defines each fetch item's data; the definition is the requirement"


def _one(session: ImapSession, name: str) -> None:
    append(session, name, MESSAGE)
    select(session, name)


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis=FETCH_RULE)
def test_partial_fetch_past_the_end_is_truncated(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any partial fetch that attempts to read beyond the end of the text is truncated as
    appropriate.  A partial fetch that starts at octet 0 is returned as a partial fetch,
    even if this truncation happened."""
    session = imap_login()
    _one(session, imap_mailbox)
    data = fetch(session, "1", f"(BODY.PEEK[]<0.{len(MESSAGE) + 500}>)")[1]
    assert data.get(b"BODY[]<0>") == MESSAGE, f"BODY.PEEK[]<0.n> past the end: {data!r}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis=FETCH_RULE)
def test_partial_fetch_starting_past_the_end_is_empty(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the starting octet is beyond the end of the text, an empty string is returned."""
    session = imap_login()
    _one(session, imap_mailbox)
    start = len(MESSAGE) + 10
    data = fetch(session, "1", f"(BODY.PEEK[]<{start}.5>)")[1]
    assert data.get(f"BODY[]<{start}>".encode()) == b"", f"a partial past the end: {data!r}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis=FETCH_RULE)
def test_rfc822_is_the_whole_message_and_sets_seen(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """RFC822 Functionally equivalent to BODY[], differing in the syntax of the resulting
    untagged FETCH data (RFC822 is returned)."""
    session = imap_login()
    _one(session, imap_mailbox)
    assert fetch(session, "1", "(RFC822)")[1].get(b"RFC822") == MESSAGE
    assert b"\\SEEN" in flags_of(fetch(session, "1", "(FLAGS)")[1])


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis=FETCH_RULE)
def test_rfc822_header_is_the_header_without_seen(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """RFC822.HEADER Functionally equivalent to BODY.PEEK[HEADER], differing in the syntax
    of the resulting untagged FETCH data (RFC822.HEADER is returned)."""
    session = imap_login()
    _one(session, imap_mailbox)
    header = MESSAGE.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    assert fetch(session, "1", "(RFC822.HEADER)")[1].get(b"RFC822.HEADER") == header
    assert b"\\SEEN" not in flags_of(fetch(session, "1", "(FLAGS)")[1])


@pytest.mark.rfc(
    3501, "6.3.11", "MUST", basis="§6.3.11 defines the flags of a message appended without any"
)
def test_message_appended_without_flags_has_none(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """... otherwise, the flag list of the resulting message is set to empty by default.  In
    either case, the Recent flag is also set."""
    session = imap_login()
    _one(session, imap_mailbox)
    flags = flags_of(fetch(session, "1", "(FLAGS)")[1]) - {b"\\RECENT"}
    assert not flags, f"APPENDed without flags, FETCH FLAGS gives {sorted(flags)}"


@pytest.mark.rfc(
    3501, "7.2.5", "MUST", basis="§7.2.5: a SEARCH response with no numbers when none match"
)
def test_search_without_a_match_returns_an_empty_search(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The SEARCH response occurs as a result of a SEARCH or UID SEARCH command.  The
    number(s) refer to those messages that match the search criteria."""
    session = imap_login()
    _one(session, imap_mailbox)
    completed = expect_ok(session.command("SEARCH", b"SUBJECT", b'"no-such-subject"'), "SEARCH")
    assert search_numbers(completed) == []


@pytest.mark.requires("IMAP4rev1")  # RFC 9051 Appendix E: dropped in IMAP4rev2
@pytest.mark.rfc(
    3501,
    "6.3.6",
    "MUST",
    basis="§6.3.6 defines SUBSCRIBE by what LSUB returns after it",
)
def test_subscribed_mailbox_is_listed_by_lsub(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The SUBSCRIBE command adds the specified mailbox name to the server's set of
    "active" or "subscribed" mailboxes as returned by the LSUB command."""
    session = imap_login()
    expect_ok(session.command("SUBSCRIBE", mailbox(imap_mailbox)), "SUBSCRIBE")
    try:
        completed = expect_ok(session.command("LSUB", b'""', mailbox(imap_mailbox)), "LSUB")
        names = [r.line.rsplit(b" ", 1)[-1].strip(b'"') for r in untagged(completed, b"LSUB")]
        assert names == [imap_mailbox.encode()], f"LSUB after SUBSCRIBE: {names!r}"
    finally:
        session.command("UNSUBSCRIBE", mailbox(imap_mailbox))


@pytest.mark.rfc(3501, "6.1.3", "MUST")
def test_logout_from_the_selected_state(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The server MUST send a BYE untagged response before the (tagged) OK response, and
    then close the network connection."""
    session = imap_login()
    select(session, imap_mailbox)
    completed = expect_ok(session.logout(), "LOGOUT with a mailbox selected")
    assert [r for r in completed.untagged if r.status == b"BYE"], "LOGOUT without BYE"
