"""RFC 3501: \\Recent in one session, no EXPUNGE during FETCH, header sections, INBOX,
APPEND's date and TRYCREATE, SEARCH by flags."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from conformance import ImapSession
from reference_impl.imap import Literal

from ._imap import (
    MESSAGE,
    append,
    expect_ok,
    expect_trycreate,
    fetch,
    mailbox,
    message,
    number_in,
    search_numbers,
    select,
)


@pytest.mark.requires("IMAP4rev1")  # RFC 9051 Appendix E: dropped in IMAP4rev2
@pytest.mark.rfc(
    3501,
    "2.3.2",
    "MUST",
    basis="§2.3.2 defines \\Recent as seen by one session only; RECENT counts it (§7.3.2)",
)
def test_recent_is_seen_by_one_session_only(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """This session is the first session to have been notified about this message; if the
    session is read-write, subsequent sessions will not see \\Recent set for this
    message."""
    writer = imap_login()
    append(writer, imap_mailbox, message("recent"))
    first = number_in(select(imap_login(), imap_mailbox), b"RECENT")
    second = number_in(select(imap_login(), imap_mailbox), b"RECENT")
    assert (first, second) == (1, 0), f"RECENT in the first session {first}, the next {second}"


@pytest.mark.rfc(3501, "7.4.1", "MUST")
def test_no_expunge_while_answering_fetch(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """An EXPUNGE response MUST NOT be sent when no command is in progress, nor while
    responding to a FETCH, STORE, or SEARCH command."""
    other = imap_login()
    for n in range(3):
        append(other, imap_mailbox, message(f"x-{n}"))
    reader = imap_login()
    select(reader, imap_mailbox)
    select(other, imap_mailbox)
    expect_ok(other.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")
    expect_ok(other.command("EXPUNGE"), "EXPUNGE in the other session")
    completed = expect_ok(reader.command("FETCH", b"1:*", b"(UID)"), "FETCH 1:* (UID)")
    expunges = [r.line for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert not expunges, f"EXPUNGE sent while answering FETCH: {expunges!r}"


@pytest.mark.rfc(
    3501, "6.4.5", "MUST", basis="§6.4.5 defines HEADER.FIELDS' subset and its blank line"
)
def test_header_fields_returns_only_those_fields(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The subset returned by HEADER.FIELDS contains only those header fields with a
    field-name that matches one of the names in the list.  The field-matching is
    case-insensitive but otherwise exact."""
    session = imap_login()
    append(session, imap_mailbox, MESSAGE)
    select(session, imap_mailbox)
    data = fetch(session, "1", "(BODY.PEEK[HEADER.FIELDS (subject TO)])")[1]
    wanted = b"To: Bob <bob@example.test>\r\nSubject: conformance test message\r\n\r\n"
    found = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER.FIELDS")), None)
    assert found == wanted, f"HEADER.FIELDS (subject TO) returned {found!r}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis="§6.4.5 defines TEXT as the body without the header")
def test_text_section_is_the_body(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """The TEXT part specifier refers to the text body of the message, omitting the
    [RFC-2822] header."""
    session = imap_login()
    append(session, imap_mailbox, MESSAGE)
    select(session, imap_mailbox)
    body = fetch(session, "1", "(BODY.PEEK[TEXT])")[1].get(b"BODY[TEXT]")
    assert body == MESSAGE.split(b"\r\n\r\n", 1)[1], f"BODY[TEXT] returned {body!r}"


@pytest.mark.rfc(
    3501, "5.1", "MUST", basis="§5.1 reserves INBOX, case-insensitive, for the user's mailbox"
)
def test_inbox_is_case_insensitive(imap_login: Callable[[], ImapSession]) -> None:
    """The case-insensitive mailbox name INBOX is a special name reserved to mean "the
    primary mailbox for this user on this server"."""
    expect_ok(imap_login().command("EXAMINE", b"inBox"), "EXAMINE inBox")


@pytest.mark.rfc(
    3501,
    "6.3.8",
    "MUST",
    basis="§6.3.8 states when INBOX is listed: whenever SELECT INBOX would succeed",
)
def test_list_includes_inbox(imap_login: Callable[[], ImapSession]) -> None:
    """The special name INBOX is included in the output from LIST, if INBOX is supported
    by this server for this user and if the uppercase string "INBOX" matches the
    interpreted reference and mailbox name arguments with wildcards as described above."""
    completed = expect_ok(imap_login().command("LIST", b'""', b"%"), 'LIST "" %')
    names = [r.line.rsplit(b" ", 1)[-1].strip(b'"').upper() for r in completed.untagged]
    assert b"INBOX" in names, f'LIST "" % does not list INBOX: {names!r}'


@pytest.mark.rfc(3501, "6.3.11", "SHOULD")
def test_append_sets_the_internal_date_given(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If a date-time is specified, the internal date SHOULD be set in the resulting
    message; otherwise, the internal date of the resulting message is set to the current
    date and time by default."""
    session = imap_login()
    date = b'"07-Feb-1994 21:52:25 -0800"'
    appended = session.command("APPEND", mailbox(imap_mailbox), date, Literal(MESSAGE))
    expect_ok(appended, "APPEND with a date-time")
    select(session, imap_mailbox)
    found = fetch(session, "1", "(INTERNALDATE)")[1].get(b"INTERNALDATE")
    assert isinstance(found, bytes), f"no INTERNALDATE: {found!r}"
    # The same instant: a server may keep it in another zone.
    assert _instant(found) == _instant(date.strip(b'"')), f"APPENDed with {date!r}, got {found!r}"


def _instant(date_time: bytes) -> datetime.datetime:
    """RFC 3501 §9 date-time (without its quotes) as an aware datetime."""
    return datetime.datetime.strptime(date_time.decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z")


@pytest.mark.rfc(3501, "6.3.11", "MUST")
def test_append_to_a_missing_mailbox_gets_trycreate(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Unless it is certain that the destination mailbox can not be created, the server
    MUST send the response code "[TRYCREATE]" as the prefix of the text of the tagged NO
    response."""
    session = imap_login()
    missing = mailbox(imap_mailbox + "-missing")
    completed = session.command("APPEND", missing, Literal(MESSAGE))
    expect_trycreate(completed, "APPEND to a missing mailbox")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis="§6.4.4 defines SEEN and UNSEEN by the \\Seen flag")
def test_search_seen_and_unseen(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """SEEN Messages that have the \\Seen flag set. ... UNSEEN Messages that do not have
    the \\Seen flag set."""
    session = imap_login()
    append(session, imap_mailbox, message("seen"), b"(\\Seen)")
    append(session, imap_mailbox, message("unseen"))
    select(session, imap_mailbox)
    seen = search_numbers(expect_ok(session.command("SEARCH", b"SEEN"), "SEARCH SEEN"))
    unseen = search_numbers(expect_ok(session.command("SEARCH", b"UNSEEN"), "SEARCH UNSEEN"))
    assert (seen, unseen) == ([1], [2]), f"SEARCH SEEN {seen}, UNSEEN {unseen}"
