"""RFC 3501 §6.4.3-§6.4.4, §6.4.7, §7.4.1: EXPUNGE and its renumbering, SEARCH, COPY."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    append,
    code_of,
    expect_ok,
    expect_trycreate,
    fetch,
    mailbox,
    message,
    number_in,
    search_numbers,
    select,
    three_messages,
    uid_of,
)


def _delete(session: ImapSession, numbers: bytes) -> None:
    expect_ok(session.command("STORE", numbers, b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")


@pytest.mark.rfc(
    3501,
    "6.4.3",
    "MUST",
    basis="§6.4.3 defines EXPUNGE's effect: before the OK, one EXPUNGE per removed message",
)
def test_expunge_reports_each_removed_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Before returning an OK to the client, an untagged EXPUNGE response is sent for each
    message that is removed."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    _delete(session, b"2")
    completed = expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    expunged = [r.number for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert expunged == [2], f"message 2 was \\Deleted; EXPUNGE reported {expunged}"


@pytest.mark.rfc(
    3501, "7.4.1", "MUST", basis="§7.4.1 defines the renumbering as the meaning of EXPUNGE"
)
def test_expunge_renumbers_the_later_messages(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The message sequence number for each successive message in the mailbox is
    immediately decremented by 1, and this decrement is reflected in message sequence
    numbers in subsequent responses (including other untagged EXPUNGE responses)."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    _delete(session, b"1:2")
    completed = expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    expunged = [r.number for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert expunged in ([1, 1], [2, 1]), f"messages 1 and 2 expunged, reported as {expunged}"
    assert uid_of(session, 1) == uids[2], "the third message is not message 1 after EXPUNGE"


@pytest.mark.rfc(
    3501,
    "6.4.3",
    "MUST",
    basis="§6.4.3 defines EXPUNGE as removing the messages with \\Deleted, and only those",
)
def test_expunge_keeps_messages_not_deleted(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The EXPUNGE command permanently removes all messages that have the \\Deleted flag
    set from the currently selected mailbox."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    _delete(session, b"3")
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    left = [uid_of(session, n) for n in sorted(fetch(session, "1:*", "(UID)"))]
    assert left == uids[:2], f"UIDs {uids}, message 3 expunged; left: {left}"


@pytest.mark.rfc(
    3501,
    "7.4.1",
    "MUST",
    basis="§7.4.1 defines EXPUNGE as reporting removal; another session must learn of it",
)
def test_other_session_sees_the_expunge(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The EXPUNGE response reports that the specified message sequence number has been
    permanently removed from the mailbox."""
    first = imap_login()
    three_messages(first, imap_mailbox)
    second = imap_login()
    select(second, imap_mailbox)
    _delete(first, b"2")
    expect_ok(first.command("EXPUNGE"), "EXPUNGE in the first session")
    completed = expect_ok(second.command("NOOP"), "NOOP in the second session")
    expunged = [r.number for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert expunged == [2], f"the second session's NOOP reported EXPUNGE {expunged}"


@pytest.mark.rfc(
    3501,
    "6.4.4",
    "MUST",
    basis="§6.4.4 defines SEARCH's result as the messages matching the criteria",
)
def test_search_all_lists_every_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The untagged SEARCH response from the server contains a listing of message sequence
    numbers corresponding to those messages that match the searching criteria."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("SEARCH", b"ALL"), "SEARCH ALL")
    assert sorted(search_numbers(completed)) == [1, 2, 3]


@pytest.mark.rfc(
    3501,
    "6.4.4",
    "MUST",
    basis="§6.4.4 defines SUBJECT <string> as matching messages containing it in Subject",
)
def test_search_subject_finds_only_the_match(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """SUBJECT <string> Messages that contain the specified string in the envelope
    structure's SUBJECT field."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("SEARCH", b"SUBJECT", b'"m-1"'), "SEARCH SUBJECT")
    assert search_numbers(completed) == [2]


@pytest.mark.rfc(
    3501, "6.4.4", "MUST", basis="§6.4.4: several keys are the intersection of their matches"
)
def test_search_keys_intersect(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """When multiple keys are specified, the result is the intersection (AND function) of
    all the messages that match those keys."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"2:3", b"+FLAGS", b"(\\Flagged)"), "STORE")
    completed = expect_ok(
        session.command("SEARCH", b"FLAGGED", b"SUBJECT", b'"m-2"'), "SEARCH FLAGGED SUBJECT"
    )
    assert search_numbers(completed) == [3]


@pytest.mark.rfc(
    3501,
    "6.4.8",
    "MUST",
    basis="§6.4.8: the numbers a UID SEARCH returns are unique identifiers",
)
def test_uid_search_returns_uids(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """The interpretation of the arguments is the same as with SEARCH; however, the numbers
    returned in a SEARCH response for a UID SEARCH command are unique identifiers instead
    of message sequence numbers."""
    session = imap_login()
    append(session, imap_mailbox, message("expunged first"))
    select(session, imap_mailbox)
    _delete(session, b"1")
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")  # so UIDs and numbers differ
    uids = three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("UID", b"SEARCH", b"SUBJECT", b'"m-2"'), "UID SEARCH")
    assert search_numbers(completed) == [uids[2]]


@pytest.mark.rfc(
    3501, "6.4.7", "MUST", basis="§6.4.7 defines COPY as copying to the end of the destination"
)
def test_copy_adds_the_message_to_the_destination(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The COPY command copies the specified message(s) to the end of the specified
    destination mailbox."""
    session = imap_login()
    target = imap_mailbox + "-copy"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    three_messages(session, imap_mailbox)
    original = fetch(session, "2", "(BODY.PEEK[])")[2][b"BODY[]"]
    expect_ok(session.command("COPY", b"2", mailbox(target)), "COPY 2")
    completed = select(session, target)
    assert number_in(completed, b"EXISTS") == 1
    assert fetch(session, "1", "(BODY.PEEK[])")[1][b"BODY[]"] == original


@pytest.mark.rfc(3501, "6.4.7", "MUST")
def test_copy_to_a_missing_mailbox_gets_trycreate(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Unless it is certain that the destination mailbox can not be created, the server
    MUST send the response code "[TRYCREATE]" as the prefix of the text of the tagged NO
    response."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = session.command("COPY", b"1", mailbox(imap_mailbox + "-missing"))
    expect_trycreate(completed, "COPY to a missing mailbox")


@pytest.mark.rfc(4315, "3", "SHOULD")
@pytest.mark.requires("UIDPLUS")
def test_copy_returns_copyuid(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """With limited exceptions, discussed below, server implementations that advertise the
    UIDPLUS extension SHOULD return these response codes."""
    session = imap_login()
    target = imap_mailbox + "-copy"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    uids = three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("COPY", b"2:3", mailbox(target)), "COPY 2:3")
    found = code_of([completed.response], b"COPYUID")
    assert found is not None, f"COPY completed without [COPYUID]: {completed.response.line!r}"
    parts = found.split()
    assert len(parts) == 3 and parts[1] in (
        f"{uids[1]}:{uids[2]}".encode(),
        f"{uids[1]},{uids[2]}".encode(),
    ), f"COPYUID {found!r} does not name the source UIDs {uids[1:]}"


@pytest.mark.rfc(4315, "3", "SHOULD")
@pytest.mark.requires("UIDPLUS")
def test_append_returns_appenduid(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """With limited exceptions, discussed below, server implementations that advertise the
    UIDPLUS extension SHOULD return these response codes."""
    session = imap_login()
    completed = append(session, imap_mailbox, message("appenduid"))
    found = code_of([completed.response], b"APPENDUID")
    assert found is not None, f"APPEND completed without [APPENDUID]: {completed.response.line!r}"
    validity, uid = found.split()
    selected = select(session, imap_mailbox)
    assert validity == code_of(selected.untagged, b"UIDVALIDITY")
    assert int(uid) == uid_of(session, 1)
