"""SORT and UID SORT (RFC 5256 §2-§3), graded only where SORT is advertised."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import append, expect_ok, select, shown, uid_of, untagged

SORT_IS_OPTIONAL = "SORT is an extension: graded only for a server advertising it"


def _sorted(session: ImapSession, command: str, criteria: bytes, search: bytes) -> list[int]:
    completed = expect_ok(
        session.command(command, criteria, b"UTF-8", search),
        f"{command} {criteria.decode()} UTF-8 {search.decode()}",
    )
    responses = untagged(completed, b"SORT")
    assert len(responses) == 1, f"expected one '* SORT', got {[shown(r) for r in responses]}"
    words = responses[0].line.split()[2:]
    assert all(w.isdigit() for w in words), f"not a list of numbers: {shown(responses[0])}"
    return [int(w) for w in words]


def _message(subject: str, date: str) -> bytes:
    return (
        f"From: a@example.test\r\nTo: b@example.test\r\nSubject: {subject}\r\n"
        f"Date: {date}\r\n\r\nbody\r\n"
    ).encode()


def _mailbox_of(session: ImapSession, name: str, *messages: bytes) -> None:
    for content in messages:
        append(session, name, content)
    select(session, name)


@pytest.mark.rfc(5256, "2.1", "MUST")
@pytest.mark.requires("SORT")
def test_subject_sorts_by_the_base_subject(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """All servers and disconnected (as described in [IMAP-MODELS]) clients MUST use
    exactly this algorithm to determine the "base subject"."""
    session = imap_login()
    day = "Tue, 3 Dec 2024 12:00:00 +0000"
    _mailbox_of(
        session,
        imap_mailbox,
        _message("Re: [list] bravo", day),
        _message("Fwd: alpha (fwd)", day),
        _message("charlie", day),
    )
    order = _sorted(session, "SORT", b"(SUBJECT)", b"ALL")
    assert order == [2, 1, 3], (
        "subjects 'Re: [list] bravo', 'Fwd: alpha (fwd)', 'charlie' have the base "
        f"subjects bravo, alpha, charlie: SORT (SUBJECT) gave {order}, not [2, 1, 3]"
    )


@pytest.mark.rfc(
    5256,
    "2.2",
    "MUST",
    basis="§3 sorts DATE by this sent date; §2.2 defines it, in UTC, without a keyword",
)
@pytest.mark.requires("SORT")
def test_date_sorts_by_the_sent_date_in_utc(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """As used in this document, the term "sent date" refers to the date and time from
    the Date: header, adjusted by time zone to normalize to UTC."""
    session = imap_login()
    _mailbox_of(
        session,
        imap_mailbox,
        _message("noon in London", "Tue, 3 Dec 2024 12:00:00 +0000"),
        _message("noon in Tokyo", "Tue, 3 Dec 2024 12:00:00 +0900"),  # 03:00 UTC
    )
    order = _sorted(session, "SORT", b"(DATE)", b"ALL")
    assert order == [2, 1], (
        f"12:00 +0900 is 03:00 UTC, before 12:00 +0000: SORT (DATE) gave {order}, not [2, 1]"
    )


@pytest.mark.rfc(5256, "3", "MUST", basis=SORT_IS_OPTIONAL)
@pytest.mark.requires("SORT")
def test_equal_messages_keep_their_mailbox_order(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If two or more messages exactly match according to the sorting criteria, these
    messages are sorted according to the order in which they appear in the mailbox."""
    session = imap_login()
    day = "Tue, 3 Dec 2024 12:00:00 +0000"
    _mailbox_of(session, imap_mailbox, *(_message("same", day) for _ in range(3)))
    order = _sorted(session, "SORT", b"(REVERSE SUBJECT)", b"ALL")
    assert order == [1, 2, 3], f"three messages equal by every criterion: SORT gave {order}"


@pytest.mark.rfc(5256, "3", "MUST", basis=SORT_IS_OPTIONAL)
@pytest.mark.requires("SORT")
def test_uid_sort_returns_uids(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """There is also a UID SORT command that returns unique identifiers instead of message
    sequence numbers."""
    session = imap_login()
    day = "Tue, 3 Dec 2024 12:00:00 +0000"
    _mailbox_of(
        session, imap_mailbox, _message("gone", day), _message("b", day), _message("a", day)
    )
    # With the first message expunged, UIDs and sequence numbers differ.
    expect_ok(session.command("STORE", b"1", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 1")
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    uids = [uid_of(session, n) for n in (1, 2)]
    order = _sorted(session, "UID SORT", b"(SUBJECT)", b"ALL")
    assert order == [uids[1], uids[0]], (
        f"UID SORT (SUBJECT) of messages with UIDs {uids} and subjects b, a: {order}"
    )
