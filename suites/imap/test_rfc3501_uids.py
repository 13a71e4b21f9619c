"""RFC 3501 §2.3.1.1, §6.4.8, §9: UID and sequence sets (``*``, reversed ranges, lists,
UIDs that do not exist), UID commands answering with the UID, UIDNEXT and UIDVALIDITY
over APPEND, EXPUNGE, DELETE and RENAME."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    append,
    code_of,
    expect_ok,
    fetch,
    fetch_data,
    flags_of,
    mailbox,
    message,
    number_in,
    select,
    status_items,
    three_messages,
    uid_of,
)

RANGE_RULE = "§9 defines seq-range and '*' in the ABNF comments, the only definition there is"
UID_RULE = "§6.4.8 defines UID commands as taking unique identifiers and ignoring missing ones"
MISSING_UID = (
    "A non-existent unique identifier is ignored without any error message generated.  "
    "Thus, it is possible for a UID FETCH command to return an OK without any data or a UID "
    "COPY or UID STORE to return an OK without performing any operations."
)


def _uids(session: ImapSession, numbers: str = "1:*") -> list[int]:
    """The UIDs of messages ``numbers``, in sequence order."""
    data = fetch(session, numbers, "(UID)")
    return [int(str(data[n][b"UID"], "ascii")) for n in sorted(data)]  # type: ignore[arg-type]


def _expunge(session: ImapSession, numbers: bytes) -> None:
    expect_ok(session.command("STORE", numbers, b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")


def _status(session: ImapSession, name: str, items: bytes) -> dict[bytes, int]:
    completed = expect_ok(session.command("STATUS", mailbox(name), items), f"STATUS {items!r}")
    return status_items(completed)


@pytest.mark.rfc(3501, "6.4.8", "MUST", basis=UID_RULE)
def test_uid_fetch_of_a_missing_uid_gets_ok_and_no_data(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A non-existent unique identifier is ignored without any error message generated.
    Thus, it is possible for a UID FETCH command to return an OK without any data or a UID
    COPY or UID STORE to return an OK without performing any operations."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    missing = str(uids[2] + 1000)
    data = fetch(session, missing, "(FLAGS)", uid=True)
    assert data == {}, f"UID FETCH {missing} (no such UID) returned {data!r}"


@pytest.mark.rfc(3501, "6.4.8", "MUST", basis=UID_RULE)
def test_uid_store_of_a_missing_uid_gets_ok(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A non-existent unique identifier is ignored without any error message generated.
    Thus, it is possible for a UID FETCH command to return an OK without any data or a UID
    COPY or UID STORE to return an OK without performing any operations."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    missing = str(uids[2] + 1000).encode()
    sent = f"UID STORE {missing.decode()} +FLAGS (\\Flagged)"
    expect_ok(session.command("UID", b"STORE", missing, b"+FLAGS", b"(\\Flagged)"), sent)
    flagged = [
        n for n, d in fetch(session, "1:*", "(FLAGS)").items() if b"\\FLAGGED" in flags_of(d)
    ]
    assert flagged == [], f"{sent} (no such UID) flagged messages {flagged}"


@pytest.mark.rfc(3501, "6.4.8", "MUST", basis=UID_RULE)
def test_uid_copy_of_a_missing_uid_gets_ok_and_copies_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A non-existent unique identifier is ignored without any error message generated.
    Thus, it is possible for a UID FETCH command to return an OK without any data or a UID
    COPY or UID STORE to return an OK without performing any operations."""
    session = imap_login()
    target = imap_mailbox + "-copy"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    uids = three_messages(session, imap_mailbox)
    missing = str(uids[2] + 1000).encode()
    expect_ok(session.command("UID", b"COPY", missing, mailbox(target)), "UID COPY of no UID")
    assert _status(session, target, b"(MESSAGES)")[b"MESSAGES"] == 0, "UID COPY copied a message"


@pytest.mark.rfc(3501, "6.4.8", "MUST", basis=UID_RULE)
def test_uid_range_over_a_gap_returns_the_messages_left(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Sequence set ranges are permitted, but there is no guarantee that unique
    identifiers will be contiguous."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    _expunge(session, b"2")
    data = fetch(session, f"{uids[0]}:{uids[2]}", "(UID)", uid=True)
    found = sorted(int(str(d[b"UID"], "ascii")) for d in data.values())  # type: ignore[arg-type]
    assert found == [uids[0], uids[2]], f"UID FETCH {uids[0]}:{uids[2]} returned UIDs {found}"


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_a_reversed_uid_range_means_the_same_messages(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Example: 2:4 and 4:2 are equivalent and indicate values 2, 3, and 4."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    data = fetch(session, f"{uids[2]}:{uids[0]}", "(UID)", uid=True)
    assert sorted(data) == [1, 2, 3], f"UID FETCH {uids[2]}:{uids[0]} returned {sorted(data)}"


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_uid_star_is_the_last_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """* represents the largest number in use."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    data = fetch(session, "*", "(UID)", uid=True)
    assert list(data) == [3] and data[3].get(b"UID") == str(uids[2]).encode(), (
        f"UID FETCH * returned {data!r}"
    )


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_a_sequence_list_names_only_its_members(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Example: a message sequence number set of 2,4:7,9,12:* for a mailbox with 15
    messages is equivalent to 2,4,5,6,7,9,12,13,14,15"""
    session = imap_login()
    three_messages(session, imap_mailbox)
    assert sorted(fetch(session, "1,3", "(UID)")) == [1, 3], "FETCH 1,3 returned other messages"


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_store_to_star_changes_only_the_last_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """* represents the largest number in use."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"*", b"+FLAGS.SILENT", b"(\\Flagged)"), "STORE *")
    data = fetch(session, "1:*", "(FLAGS)")
    flagged = [n for n in sorted(data) if b"\\FLAGGED" in flags_of(data[n])]
    assert flagged == [3], f"STORE * +FLAGS (\\Flagged) flagged messages {flagged}"


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_store_over_a_reversed_range(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Example: 2:4 and 4:2 are equivalent and indicate values 2, 3, and 4."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("STORE", b"3:2", b"+FLAGS", b"(\\Flagged)"), "STORE 3:2")
    assert sorted(fetch_data(completed)) == [2, 3], "STORE 3:2 did not answer for messages 2, 3"
    data = fetch(session, "1:*", "(FLAGS)")
    flagged = [n for n in sorted(data) if b"\\FLAGGED" in flags_of(data[n])]
    assert flagged == [2, 3], f"STORE 3:2 +FLAGS (\\Flagged) flagged messages {flagged}"


@pytest.mark.rfc(3501, "6.4.8", "MUST")
def test_uid_store_answers_with_the_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """However, server implementations MUST implicitly include the UID message data item as
    part of any FETCH response caused by a UID command, regardless of whether a UID was
    specified as a message data item to the FETCH."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    uid = str(uids[1]).encode()
    completed = session.command("UID", b"STORE", uid, b"+FLAGS", b"(\\Flagged)")
    data = fetch_data(expect_ok(completed, f"UID STORE {uid.decode()} +FLAGS"))
    assert data.get(2, {}).get(b"UID") == uid, f"UID STORE {uid.decode()} answered {data!r}"


@pytest.mark.rfc(3501, "6.4.8", "MUST", basis=UID_RULE)
def test_uid_copy_copies_the_message_with_that_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """In the first form, it takes as its arguments a COPY, FETCH, or STORE command with
    arguments appropriate for the associated command.  However, the numbers in the
    sequence set argument are unique identifiers instead of message sequence numbers."""
    session = imap_login()
    target = imap_mailbox + "-copy"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    append(session, imap_mailbox, message("expunged"))
    select(session, imap_mailbox)
    _expunge(session, b"1")  # so UIDs and sequence numbers differ
    uids = three_messages(session, imap_mailbox)
    uid = str(uids[1]).encode()
    expect_ok(session.command("UID", b"COPY", uid, mailbox(target)), f"UID COPY {uid.decode()}")
    select(session, target)
    header = fetch(session, "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subjects = [v for d in header.values() for v in d.values()]
    assert subjects == [b"Subject: m-1\r\n\r\n"], f"UID COPY {uid.decode()} copied {subjects!r}"


@pytest.mark.rfc(
    3501, "2.3.1.1", "MUST", basis="§2.3.1.1 states how UIDs are assigned, for every message added"
)
def test_copies_get_uids_above_the_messages_there(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Unique identifiers are assigned in a strictly ascending fashion in the mailbox; as
    each message is added to the mailbox it is assigned a higher UID than the message(s)
    which were added previously."""
    session = imap_login()
    target = imap_mailbox + "-copy"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    append(session, target, message("there-first"))
    three_messages(session, imap_mailbox)
    expect_ok(session.command("COPY", b"3:1", mailbox(target)), "COPY 3:1")
    select(session, target)
    uids = _uids(session)
    assert len(uids) == 4 and uids == sorted(set(uids)), f"UIDs after COPY: {uids}"


@pytest.mark.rfc(3501, "2.3.1.1", "MUST")
def test_uidnext_stays_while_nothing_is_added(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """First, the next unique identifier value MUST NOT change unless new messages are
    added to the mailbox; and second, the next unique identifier value MUST change
    whenever new messages are added to the mailbox, even if those new messages are
    subsequently expunged."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"1:*", b"+FLAGS.SILENT", b"(\\Seen)"), "STORE")
    before = _status(session, imap_mailbox, b"(UIDNEXT)")[b"UIDNEXT"]
    expect_ok(session.command("STORE", b"1:*", b"-FLAGS.SILENT", b"(\\Seen)"), "STORE")
    after = _status(session, imap_mailbox, b"(UIDNEXT)")[b"UIDNEXT"]
    assert before == after, f"UIDNEXT went from {before} to {after} with no message added"


@pytest.mark.rfc(3501, "2.3.1.1", "MUST")
def test_uidnext_grows_past_an_expunged_append(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """First, the next unique identifier value MUST NOT change unless new messages are
    added to the mailbox; and second, the next unique identifier value MUST change
    whenever new messages are added to the mailbox, even if those new messages are
    subsequently expunged."""
    session = imap_login()
    before = _status(session, imap_mailbox, b"(UIDNEXT)")[b"UIDNEXT"]
    append(session, imap_mailbox, message("gone"))
    select(session, imap_mailbox)
    _expunge(session, b"1")
    expect_ok(session.command("CLOSE"), "CLOSE")
    after = _status(session, imap_mailbox, b"(UIDNEXT)")[b"UIDNEXT"]
    assert after > before, f"UIDNEXT {before} before an APPEND then EXPUNGE, {after} after"


@pytest.mark.rfc(3501, "6.3.10", "MUST", basis="§6.3.10 and §6.3.1 name the same two values")
def test_status_and_select_agree_on_uidnext_and_uidvalidity(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """UIDNEXT The next unique identifier value of the mailbox.  Refer to section 2.3.1.1
    for more information."""
    session = imap_login()
    append(session, imap_mailbox, message("status"))
    items = _status(session, imap_mailbox, b"(UIDNEXT UIDVALIDITY)")
    selected = select(session, imap_mailbox).untagged
    codes = {name: code_of(selected, name) for name in (b"UIDNEXT", b"UIDVALIDITY")}
    wanted = {name: str(value).encode() for name, value in items.items()}
    assert codes == wanted, f"STATUS said {items}, SELECT said {codes}"


def _recreated_uid(
    session: ImapSession, name: str, recreate: Callable[[ImapSession, str], None]
) -> tuple[tuple[int, bytes | None], tuple[int, bytes | None]]:
    """(UID, UIDVALIDITY) of a message in ``name``, and of one appended after
    ``recreate`` made a new mailbox of that name."""
    append(session, name, message("first incarnation"))
    append(session, name, message("first incarnation, last"))
    old_validity = code_of(select(session, name).untagged, b"UIDVALIDITY")
    old = (uid_of(session, 2), old_validity)
    expect_ok(session.command("CLOSE"), "CLOSE")
    recreate(session, name)
    append(session, name, message("second incarnation"))
    new_validity = code_of(select(session, name).untagged, b"UIDVALIDITY")
    return old, (uid_of(session, 1), new_validity)


def _delete_and_create(session: ImapSession, name: str) -> None:
    expect_ok(session.command("DELETE", mailbox(name)), f"DELETE {name}")
    expect_ok(session.command("CREATE", mailbox(name)), f"CREATE {name}")


def _rename_and_create(session: ImapSession, name: str) -> None:
    away = name + "-renamed"
    expect_ok(session.command("RENAME", mailbox(name), mailbox(away)), f"RENAME {name}")
    expect_ok(session.command("CREATE", mailbox(name)), f"CREATE {name}")


@pytest.mark.rfc(3501, "6.3.3", "MUST")
def test_a_recreated_mailbox_reuses_no_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If a new mailbox is created with the same name as a mailbox which was deleted, its
    unique identifiers MUST be greater than any unique identifiers used in the previous
    incarnation of the mailbox UNLESS the new incarnation has a different unique
    identifier validity value."""
    (old_uid, old_validity), (new_uid, new_validity) = _recreated_uid(
        imap_login(), imap_mailbox, _delete_and_create
    )
    assert new_uid > old_uid or old_validity != new_validity, (
        f"UID {old_uid} (UIDVALIDITY {old_validity!r}) before DELETE and CREATE, "
        f"UID {new_uid} (UIDVALIDITY {new_validity!r}) after"
    )


@pytest.mark.rfc(3501, "6.3.5", "MUST")
def test_a_name_renamed_away_and_created_reuses_no_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The value of the highest-used unique identifier of the old mailbox name MUST be
    preserved so that a new mailbox created with the same name will not reuse the
    identifiers of the former incarnation, UNLESS the new incarnation has a different
    unique identifier validity value."""
    (old_uid, old_validity), (new_uid, new_validity) = _recreated_uid(
        imap_login(), imap_mailbox, _rename_and_create
    )
    assert new_uid > old_uid or old_validity != new_validity, (
        f"UID {old_uid} (UIDVALIDITY {old_validity!r}) before RENAME and CREATE, "
        f"UID {new_uid} (UIDVALIDITY {new_validity!r}) after"
    )


@pytest.mark.rfc(3501, "6.3.11", "MUST", basis="§6.3.11 states it of every APPEND")
@pytest.mark.requires("IMAP4rev1")  # \Recent: RFC 9051 Appendix E drops it
def test_append_sets_recent(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """In either case, the Recent flag is also set."""
    session = imap_login()
    append(session, imap_mailbox, message("recent"), b"(\\Seen)")
    recent = number_in(select(session, imap_mailbox), b"RECENT")
    assert recent == 1, f"one message APPENDed, SELECT says {recent} RECENT"
