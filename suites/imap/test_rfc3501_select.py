"""RFC 3501 §6.3.1-§6.3.2, §2.3.1.1: SELECT and EXAMINE, their untagged data, UIDs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    append,
    code_of,
    expect_ok,
    mailbox,
    message,
    number_in,
    select,
    uid_of,
    untagged,
)


@pytest.mark.rfc(3501, "6.3.1", "MUST")
def test_select_sends_flags(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """Before returning an OK to the client, the server MUST send the following untagged
    data to the client. ... FLAGS Defined flags in the mailbox."""
    completed = select(imap_login(), imap_mailbox)
    assert untagged(completed, b"FLAGS"), "SELECT completed without an untagged FLAGS"


@pytest.mark.rfc(3501, "6.3.1", "MUST")
def test_select_sends_exists_with_the_count(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Before returning an OK to the client, the server MUST send the following untagged
    data to the client. ... <n> EXISTS The number of messages in the mailbox."""
    session = imap_login()
    for n in range(2):
        append(session, imap_mailbox, message(f"exists-{n}"))
    completed = select(session, imap_mailbox)
    assert number_in(completed, b"EXISTS") == 2, (
        f"two messages appended, SELECT said {number_in(completed, b'EXISTS')} EXISTS"
    )


@pytest.mark.requires("IMAP4rev1")  # RFC 9051 Appendix E: dropped in IMAP4rev2
@pytest.mark.rfc(3501, "6.3.1", "MUST")
def test_select_sends_recent(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """Before returning an OK to the client, the server MUST send the following untagged
    data to the client. ... <n> RECENT The number of messages with the \\Recent flag set."""
    completed = select(imap_login(), imap_mailbox)
    assert number_in(completed, b"RECENT") is not None, "SELECT completed without RECENT"


@pytest.mark.rfc(3501, "6.3.1", "MUST")
def test_select_sends_uidvalidity(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """Before returning an OK to the client, the server MUST send the following untagged
    data to the client. ... OK [UIDVALIDITY <n>] The unique identifier validity value."""
    completed = select(imap_login(), imap_mailbox)
    value = code_of(completed.untagged, b"UIDVALIDITY")
    assert value is not None and value.isdigit() and int(value) > 0, (
        f"SELECT sent no OK [UIDVALIDITY nz-number]: {[r.line for r in completed.untagged]!r}"
    )


@pytest.mark.rfc(3501, "6.3.1", "MUST")
def test_select_sends_uidnext(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """Before returning an OK to the client, the server MUST send the following untagged
    data to the client. ... OK [UIDNEXT <n>] The next unique identifier value."""
    completed = select(imap_login(), imap_mailbox)
    value = code_of(completed.untagged, b"UIDNEXT")
    assert value is not None and value.isdigit() and int(value) > 0, (
        f"SELECT sent no OK [UIDNEXT nz-number]: {[r.line for r in completed.untagged]!r}"
    )


@pytest.mark.rfc(3501, "6.3.1", "MUST")
def test_select_sends_permanentflags(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Before returning an OK to the client, the server MUST send the following untagged
    data to the client. ... OK [PERMANENTFLAGS (<list of flags>)] A list of message flags
    that the client can change permanently."""
    completed = select(imap_login(), imap_mailbox)
    value = code_of(completed.untagged, b"PERMANENTFLAGS")
    assert value is not None and value.startswith(b"(") and value.endswith(b")"), (
        f"SELECT sent no OK [PERMANENTFLAGS (...)]: {[r.line for r in completed.untagged]!r}"
    )


@pytest.mark.rfc(3501, "6.3.2", "MUST")
def test_examine_is_read_only(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """The text of the tagged OK response to the EXAMINE command MUST begin with the "[READ-ONLY]"
    response code."""
    completed = expect_ok(imap_login().select(imap_mailbox, examine=True), "EXAMINE")
    assert completed.response.code.upper() == b"READ-ONLY", (
        f"EXAMINE completed without [READ-ONLY]: {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.3.1", "MUST", basis="§6.3.1: NO - select failure: no such mailbox")
def test_select_of_a_missing_mailbox_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """NO - select failure, now in authenticated state: no such mailbox, can't access
    mailbox."""
    missing = imap_mailbox + "-missing"
    completed = imap_login().command("SELECT", mailbox(missing))
    assert completed.response.status == b"NO", (
        f"SELECT of a missing mailbox: expected NO, got {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "2.3.1.1", "MUST")
def test_uids_strictly_ascending(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """Unique identifiers MUST be strictly ascending in the mailbox at all times."""
    session = imap_login()
    for n in range(3):
        append(session, imap_mailbox, message(f"uid-{n}"))
    select(session, imap_mailbox)
    uids = [uid_of(session, n) for n in (1, 2, 3)]
    assert len(uids) == 3 and uids == sorted(set(uids)), f"UIDs of messages 1-3: {uids}"


@pytest.mark.rfc(3501, "2.3.1.1", "MUST")
def test_uidnext_changes_when_a_message_is_added(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """... the next unique identifier value MUST change whenever new messages are added to the
    mailbox, even if those new messages are subsequently expunged."""
    session = imap_login()
    before = code_of(select(session, imap_mailbox).untagged, b"UIDNEXT")
    expect_ok(session.command("CLOSE"), "CLOSE")
    append(session, imap_mailbox, message("uidnext"))
    after = code_of(select(session, imap_mailbox).untagged, b"UIDNEXT")
    assert before is not None and after is not None and int(after) > int(before), (
        f"UIDNEXT before APPEND {before!r}, after {after!r}"
    )


@pytest.mark.rfc(3501, "2.3.1.1", "MUST")
def test_uid_not_reused_after_expunge(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A 32-bit value assigned to each message, which when used with the unique identifier
    validity value (see below) forms a 64-bit value that MUST NOT refer to any other message in the
    mailbox or any subsequent mailbox with the same name forever."""
    session = imap_login()
    append(session, imap_mailbox, message("reuse-1"))
    append(session, imap_mailbox, message("reuse-2"))
    select(session, imap_mailbox)
    old = uid_of(session, 2)
    expect_ok(session.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    append(session, imap_mailbox, message("reuse-3"))
    expect_ok(session.command("NOOP"), "NOOP")
    new = uid_of(session, 2)
    assert new > old, f"the expunged message had UID {old!r}; the next one got {new!r}"


@pytest.mark.rfc(3501, "2.3.1.1", "MUST")
def test_uidvalidity_stays_between_selects(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If unique identifiers from an earlier session fail to persist in this session, the
    unique identifier validity value MUST be greater than the one used in the earlier
    session."""
    first = imap_login()
    append(first, imap_mailbox, message("validity"))
    one = code_of(select(first, imap_mailbox).untagged, b"UIDVALIDITY")
    uid_one = uid_of(first, 1)
    second = imap_login()
    two = code_of(select(second, imap_mailbox).untagged, b"UIDVALIDITY")
    uid_two = uid_of(second, 1)
    assert one is not None and two is not None
    assert uid_one == uid_two or int(two) > int(one), (
        f"UID {uid_one!r} became {uid_two!r} while UIDVALIDITY went {one!r} -> {two!r}"
    )
