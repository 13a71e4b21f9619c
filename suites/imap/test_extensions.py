"""Extensions graded only where advertised: UIDPLUS UID EXPUNGE (RFC 4315), UNSELECT
(RFC 3691), MOVE (RFC 6851); and RFC 3501's READ-WRITE, system FLAGS, STATUS refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    expect_ok,
    fetch,
    mailbox,
    number_in,
    select,
    three_messages,
    uid_of,
    untagged,
)

OPTIONAL = "the extension is optional: graded only for a server advertising it"


def _uids(session: ImapSession) -> list[int]:
    return [uid_of(session, n) for n in sorted(fetch(session, "1:*", "(UID)"))]


@pytest.mark.rfc(4315, "2.1", "MAY", basis=f"§2.1 defines UID EXPUNGE; {OPTIONAL}")
@pytest.mark.requires("UIDPLUS")
def test_uid_expunge_removes_only_the_uids_given(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If a message either does not have the \\Deleted flag set or has a UID that is not
    included in the specified sequence set, it is not affected."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"1:2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 1:2")
    expect_ok(session.command("UID", b"EXPUNGE", str(uids[1]).encode()), "UID EXPUNGE")
    assert _uids(session) == [uids[0], uids[2]]


@pytest.mark.rfc(3691, "2", "MAY", basis=f"§2 defines UNSELECT; {OPTIONAL}")
@pytest.mark.requires("UNSELECT")
def test_unselect_removes_nothing(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """This command performs the same actions as CLOSE, except that no messages are
    permanently removed from the currently selected mailbox."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 2")
    expect_ok(session.command("UNSELECT"), "UNSELECT")
    select(session, imap_mailbox)
    assert _uids(session) == uids


@pytest.mark.rfc(6851, "3.3", "MAY", basis=f"§3.3 defines MOVE; {OPTIONAL}")
@pytest.mark.requires("MOVE")
def test_move_leaves_the_source_and_reaches_the_target(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Each message included in the set is moved, rather than copied, from the selected
    (source) mailbox to the named (target) mailbox."""
    session = imap_login()
    target = imap_mailbox + "-moved"
    expect_ok(session.command("CREATE", mailbox(target)), f"CREATE {target}")
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("MOVE", b"2", mailbox(target)), "MOVE 2")
    gone = [r.number for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert gone == [2], f"MOVE 2 reported EXPUNGE {gone}"
    assert number_in(select(session, target), b"EXISTS") == 1


@pytest.mark.rfc(3501, "6.3.1", "SHOULD")
def test_select_says_read_write(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """If the client is permitted to modify the mailbox, the server SHOULD prefix the text
    of the tagged OK response with the "[READ-WRITE]" response code."""
    completed = select(imap_login(), imap_mailbox)
    assert completed.response.code.upper() == b"READ-WRITE", (
        f"SELECT of the account's own new mailbox: {completed.response.line!r}"
    )


@pytest.mark.rfc(
    3501, "7.2.6", "MUST", basis="§7.2.6: the FLAGS list holds at least the system flags"
)
def test_flags_lists_the_system_flags(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The flag parenthesized list identifies the flags (at a minimum, the system-defined
    flags) that are applicable for this mailbox."""
    completed = select(imap_login(), imap_mailbox)
    (flags,) = untagged(completed, b"FLAGS") or [None]
    assert flags is not None, "SELECT sent no FLAGS"
    listed = {flag.upper() for flag in flags.text.strip().strip(b"()").split()}
    system = {b"\\ANSWERED", b"\\FLAGGED", b"\\DELETED", b"\\SEEN", b"\\DRAFT"}
    assert system <= listed, f"FLAGS lacks {sorted(system - listed)}: {flags.line!r}"


@pytest.mark.rfc(
    3501, "6.3.10", "MUST", basis="§6.3.10: NO - status failure: no status for that name"
)
def test_status_of_a_missing_mailbox_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """NO - status failure: no status for that name."""
    missing = mailbox(imap_mailbox + "-missing")
    completed = imap_login().command("STATUS", missing, b"(MESSAGES)")
    assert completed.response.status == b"NO", (
        f"STATUS of a missing mailbox: {completed.response.line!r}"
    )
