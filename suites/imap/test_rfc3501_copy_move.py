"""RFC 3501 §6.3.11, §6.4.7, RFC 4315 §3, RFC 6851 §3.3, §4.3: APPEND kept byte-exact
with its flags and date, COPY keeping flags and dates, COPYUID naming the copies, MOVE
without \\Deleted and with TRYCREATE."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from conformance import ImapSession
from reference_impl.imap import Literal

from ._imap import (
    append,
    code_of,
    expect_ok,
    expect_trycreate,
    fetch,
    flags_of,
    mailbox,
    message,
    select,
    status_items,
    three_messages,
)

DATE = b'"07-Feb-1994 21:52:25 -0800"'
OCTETS = message("exact") + b'Trailing space \r\nTab\there\r\n(parens) {braces} "quotes"\r\n'


def _instant(date_time: bytes) -> datetime.datetime:
    """RFC 3501 §9 date-time (quotes optional) as an aware datetime."""
    return datetime.datetime.strptime(date_time.decode("ascii").strip('" '), "%d-%b-%Y %H:%M:%S %z")


def _append_dated(session: ImapSession, name: str, flags: bytes) -> None:
    completed = session.command("APPEND", mailbox(name), flags, DATE, Literal(OCTETS))
    expect_ok(completed, f"APPEND {flags.decode()} {DATE.decode()}")


def _target(session: ImapSession, name: str) -> str:
    target = name + "-target"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    return target


def _uid_set(text: bytes) -> list[int]:
    """RFC 4315 §4 uid-set (``3,5:7``) as UIDs in the order given (a range 7:5 counts
    down, as a range in a COPYUID pairs its UIDs in order)."""
    found: list[int] = []
    for part in text.split(b","):
        low, _, high = part.partition(b":")
        first, last = int(low), int(high or low)
        step = 1 if last >= first else -1
        found += list(range(first, last + step, step))
    return found


@pytest.mark.rfc(3501, "6.3.11", "SHOULD")
def test_append_then_fetch_keeps_octets_flags_and_date(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If a flag parenthesized list is specified, the flags SHOULD be set in the resulting
    message; otherwise, the flag list of the resulting message is set to empty by
    default."""
    session = imap_login()
    _append_dated(session, imap_mailbox, b"(\\Answered $Conformance)")
    select(session, imap_mailbox)
    data = fetch(session, "1", "(FLAGS INTERNALDATE BODY.PEEK[])")[1]
    assert data.get(b"BODY[]") == OCTETS, f"BODY[] {data.get(b'BODY[]')!r}"
    assert {b"\\ANSWERED", b"$CONFORMANCE"} <= flags_of(data), f"FLAGS {flags_of(data)}"
    found = data.get(b"INTERNALDATE")
    assert isinstance(found, bytes) and _instant(found) == _instant(DATE), f"INTERNALDATE {found!r}"


@pytest.mark.rfc(3501, "6.3.11", "MUST")
def test_append_to_a_missing_mailbox_creates_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the destination mailbox does not exist, a server MUST return an error, and MUST
    NOT automatically create the mailbox."""
    session = imap_login()
    missing = imap_mailbox + "-missing"
    completed = session.command("APPEND", mailbox(missing), Literal(OCTETS))
    assert completed.response.status in (b"NO", b"BAD"), (
        f"APPEND to a missing mailbox: {completed.response.line!r}"
    )
    listed = session.command("LIST", b'""', mailbox(missing))
    assert not [r for r in listed.untagged if r.keyword == b"LIST"], "APPEND created the mailbox"


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_append_with_a_malformed_date_gets_bad(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    session = imap_login()
    bad_date = b'"07-Xyz-1994 21:52:25 -0800"'
    completed = session.command("APPEND", mailbox(imap_mailbox), bad_date, Literal(OCTETS))
    assert completed.response.status == b"BAD", (
        f"APPEND with the date {bad_date.decode()}: expected BAD, got {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.4.7", "SHOULD")
def test_copy_keeps_flags_and_internal_date(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The flags and internal date of the message(s) SHOULD be preserved, and the Recent
    flag SHOULD be set, in the copy."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    _append_dated(session, imap_mailbox, b"(\\Flagged $Conformance)")
    select(session, imap_mailbox)
    expect_ok(session.command("COPY", b"1", mailbox(target)), "COPY 1")
    select(session, target)
    data = fetch(session, "1", "(FLAGS INTERNALDATE)")[1]
    assert {b"\\FLAGGED", b"$CONFORMANCE"} <= flags_of(data), f"the copy's FLAGS {data!r}"
    found = data.get(b"INTERNALDATE")
    assert isinstance(found, bytes) and _instant(found) == _instant(DATE), (
        f"copied a message of INTERNALDATE {DATE.decode()}, the copy has {found!r}"
    )


@pytest.mark.rfc(3501, "6.4.7", "SHOULD")
def test_copy_sets_recent(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """The flags and internal date of the message(s) SHOULD be preserved, and the Recent
    flag SHOULD be set, in the copy."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    three_messages(session, imap_mailbox)
    expect_ok(session.command("COPY", b"1:2", mailbox(target)), "COPY 1:2")
    completed = session.command("STATUS", mailbox(target), b"(RECENT)")
    recent = status_items(expect_ok(completed, "STATUS (RECENT)")).get(b"RECENT")
    assert recent == 2, f"two messages copied, STATUS of the target says RECENT {recent}"


def _copyuid(session: ImapSession, name: str, *arguments: bytes) -> list[bytes]:
    """The three parts of the [COPYUID] that answers ``name arguments``."""
    sent = f"{name} {arguments[0].decode()}"
    completed = expect_ok(session.command(name, *arguments), sent)
    found = code_of([completed.response, *completed.untagged], b"COPYUID")
    assert found is not None, f"{sent} answered without [COPYUID]: {completed.response.line!r}"
    parts = found.split()
    assert len(parts) == 3, f"[COPYUID {found.decode()}] is not 'validity source-set target-set'"
    return parts


@pytest.mark.rfc(4315, "3", "MUST", basis="§3 defines COPYUID's parts; other values misinform")
@pytest.mark.requires("UIDPLUS")
def test_copyuid_names_the_copies_in_the_target(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Followed by the UIDVALIDITY of the destination mailbox, a UID set containing the
    UIDs of the message(s) in the source mailbox that were copied to the destination
    mailbox and containing the UIDs assigned to the copied message(s) in the destination
    mailbox, indicates that the message(s) have been copied to the destination mailbox
    with the stated UID(s)."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    append(session, target, message("already there"))
    three_messages(session, imap_mailbox)
    validity, _, copies = _copyuid(session, "COPY", b"2:3", mailbox(target))
    selected = select(session, target)
    assert validity == code_of(selected.untagged, b"UIDVALIDITY"), "COPYUID's UIDVALIDITY"
    new = sorted(int(str(d[b"UID"], "ascii")) for d in fetch(session, "2:3", "(UID)").values())  # type: ignore[arg-type]
    assert sorted(_uid_set(copies)) == new, (
        f"COPYUID names copies {copies.decode()}; the target's new UIDs are {new}"
    )


@pytest.mark.rfc(4315, "3", "SHOULD")
@pytest.mark.requires("UIDPLUS")
def test_uid_copy_returns_copyuid(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """With limited exceptions, discussed below, server implementations that advertise the
    UIDPLUS extension SHOULD return these response codes."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    uids = three_messages(session, imap_mailbox)
    uid = str(uids[0]).encode()
    _, sources, _ = _copyuid(session, "UID", b"COPY", uid, mailbox(target))
    assert _uid_set(sources) == [uids[0]], f"UID COPY {uid.decode()}: COPYUID names {sources!r}"


@pytest.mark.rfc(6851, "4.3", "SHOULD")
@pytest.mark.requires("MOVE")
@pytest.mark.requires("UIDPLUS")
def test_uid_move_returns_copyuid(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """Servers supporting UIDPLUS [RFC4315] SHOULD send COPYUID in response to a UID MOVE
    command."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    uids = three_messages(session, imap_mailbox)
    uid = str(uids[1]).encode()
    _, sources, _ = _copyuid(session, "UID", b"MOVE", uid, mailbox(target))
    assert _uid_set(sources) == [uids[1]], f"UID MOVE {uid.decode()}: COPYUID names {sources!r}"


@pytest.mark.rfc(6851, "3.3", "MUST")
@pytest.mark.requires("MOVE")
def test_moved_message_is_not_flagged_deleted(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """In particular, though the COPY and EXPUNGE response codes will be returned,
    response codes for a STORE MUST NOT be generated and the \\DELETED flag MUST NOT be set
    for any message."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("MOVE", b"2", mailbox(target)), "MOVE 2")
    stored = [r.line for r in completed.untagged if r.keyword == b"FETCH"]
    assert not [line for line in stored if b"\\DELETED" in line.upper()], f"MOVE sent {stored!r}"
    select(session, target)
    flags = flags_of(fetch(session, "1", "(FLAGS)")[1])
    assert b"\\DELETED" not in flags, f"the moved message has {flags}"


@pytest.mark.rfc(
    6851, "3.3", "MUST", basis="§3.3: codes of COPY (RFC 3501 §6.4.7 TRYCREATE, a MUST) apply"
)
@pytest.mark.requires("MOVE")
def test_move_to_a_missing_mailbox_gets_trycreate(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Response codes such as TRYCREATE (see [RFC3501], Section 6.4.7), as well as those
    defined by extensions, are sent as appropriate."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = session.command("MOVE", b"1", mailbox(imap_mailbox + "-missing"))
    expect_trycreate(completed, "MOVE to a missing mailbox")
    assert sorted(fetch(session, "1:*", "(UID)")) == [1, 2, 3], "a failed MOVE removed messages"


@pytest.mark.rfc(6851, "3.3", "MUST", basis="§3.3: UID MOVE takes UIDs, as UID COPY does")
@pytest.mark.requires("MOVE")
def test_uid_move_moves_the_message_with_that_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The MOVE command takes two arguments: a message set (sequence numbers for MOVE,
    UIDs for UID MOVE) and a named mailbox."""
    session = imap_login()
    target = _target(session, imap_mailbox)
    append(session, imap_mailbox, message("expunged"), b"(\\Deleted)")
    select(session, imap_mailbox)
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")  # so UIDs and sequence numbers differ
    uids = three_messages(session, imap_mailbox)
    uid = str(uids[1]).encode()
    expect_ok(session.command("UID", b"MOVE", uid, mailbox(target)), f"UID MOVE {uid.decode()}")
    select(session, target)
    header = fetch(session, "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subjects = [v for d in header.values() for v in d.values()]
    assert subjects == [b"Subject: m-1\r\n\r\n"], f"UID MOVE {uid.decode()} moved {subjects!r}"
