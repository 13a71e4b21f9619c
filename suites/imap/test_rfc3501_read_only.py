"""RFC 3501 §3, §6.1-§6.4: the commands each state refuses and admits, SELECT and
EXAMINE closing the mailbox before without an expunge, and an EXAMINE'd mailbox that
no command changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapAccount, ImapSession

from ._imap import (
    append,
    expect_ok,
    expect_refused,
    fetch,
    flags_of,
    mailbox,
    message,
    number_in,
    select,
    status_items,
    untagged,
)

STATE_RULE = (
    "§6.2-§6.4 list the commands valid in each state; a command outside its state's list "
    "is one the server cannot carry out there"
)
READ_ONLY = (
    "§6.3.2: in a mailbox selected by EXAMINE no change to the permanent state of the "
    "mailbox is permitted"
)


@pytest.mark.rfc(3501, "6.2", "MUST", basis=STATE_RULE)
@pytest.mark.parametrize(
    "line",
    [
        ("DELETE", "x"),
        ("RENAME", "x", "y"),
        ("SUBSCRIBE", "INBOX"),
        ("UNSUBSCRIBE", "INBOX"),
        ("LSUB", '""', "*"),
        ("STATUS", "INBOX", "(MESSAGES)"),
    ],
    ids=lambda line: line[0],
)
def test_more_authenticated_commands_refused_before_login(
    imap: ImapSession, line: tuple[str, ...]
) -> None:
    """In the not authenticated state, the AUTHENTICATE or LOGIN command establishes
    authentication and enters the authenticated state."""
    name, *arguments = line
    expect_refused(imap.command(name, *arguments), f"{' '.join(line)} before logging in")


@pytest.mark.rfc(3501, "6.2", "MUST", basis=STATE_RULE)
@pytest.mark.parametrize(
    "line",
    [("FETCH", "1", "FLAGS"), ("SEARCH", "ALL"), ("CHECK",), ("EXPUNGE",), ("CLOSE",)],
    ids=lambda line: line[0],
)
def test_selected_commands_refused_before_login(imap: ImapSession, line: tuple[str, ...]) -> None:
    """In the not authenticated state, the AUTHENTICATE or LOGIN command establishes
    authentication and enters the authenticated state."""
    name, *arguments = line
    expect_refused(imap.command(name, *arguments), f"{' '.join(line)} before logging in")


@pytest.mark.rfc(3501, "6.3", "MUST", basis=STATE_RULE)
@pytest.mark.parametrize(
    "line",
    [
        ("CHECK",),
        ("UID", "STORE", "1", "+FLAGS", "(\\Seen)"),
        ("UID", "COPY", "1", "INBOX"),
        ("UID", "SEARCH", "ALL"),
    ],
    ids=lambda line: "-".join(line[:2]),
)
def test_more_selected_commands_refused_in_authenticated_state(
    imap_login: Callable[[], ImapSession], line: tuple[str, ...]
) -> None:
    """In addition to the universal commands (CAPABILITY, NOOP, and LOGOUT), and the
    authenticated state commands (SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
    UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND), the following commands are valid in the
    selected state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, and UID."""
    name, *arguments = line
    expect_refused(imap_login().command(name, *arguments), f"{' '.join(line)} unselected")


@pytest.mark.rfc(3501, "6.4", "MUST", basis=STATE_RULE)
@pytest.mark.parametrize("command", ["LIST", "STATUS", "CREATE"], ids=lambda command: command)
def test_authenticated_commands_valid_in_selected_state(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, command: str
) -> None:
    """In addition to the universal commands (CAPABILITY, NOOP, and LOGOUT), and the
    authenticated state commands (SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
    UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND), the following commands are valid in the
    selected state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, and UID."""
    session = imap_login()
    select(session, imap_mailbox)
    arguments = {
        "LIST": (b'""', mailbox(imap_mailbox)),
        "STATUS": (mailbox(imap_mailbox), b"(MESSAGES)"),
        "CREATE": (mailbox(imap_mailbox + "-made-while-selected"),),
    }[command]
    expect_ok(session.command(command, *arguments), f"{command} with a mailbox selected")


@pytest.mark.rfc(3501, "6.4", "MUST", basis=STATE_RULE)
def test_login_refused_in_selected_state(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, imap_account: ImapAccount
) -> None:
    """In addition to the universal commands (CAPABILITY, NOOP, and LOGOUT), and the
    authenticated state commands (SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
    UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND), the following commands are valid in the
    selected state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, and UID."""
    session = imap_login()
    select(session, imap_mailbox)
    completed = session.login(imap_account.user, imap_account.password)
    expect_refused(completed, "LOGIN with a mailbox selected")


@pytest.mark.rfc(3501, "6.1.1", "MUST")
def test_capability_in_selected_state(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The server MUST send a single untagged CAPABILITY response with "IMAP4rev1" as one
    of the listed capabilities before the (tagged) OK response."""
    session = imap_login()
    select(session, imap_mailbox)
    completed = expect_ok(session.command("CAPABILITY"), "CAPABILITY with a mailbox selected")
    assert len(untagged(completed, b"CAPABILITY")) == 1, "no single '* CAPABILITY' when selected"


@pytest.mark.rfc(3501, "6.4.1", "MUST", basis="§6.4.1 names OK as CHECK's only non-BAD result")
def test_check_in_selected_state_gets_ok(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The CHECK command requests a checkpoint of the currently selected mailbox."""
    session = imap_login()
    select(session, imap_mailbox)
    expect_ok(session.command("CHECK"), "CHECK with a mailbox selected")


def _deleted_message(session: ImapSession, name: str) -> None:
    """One message with \\Deleted in ``name``, which is then selected."""
    append(session, name, message("deleted"), b"(\\Deleted)")
    select(session, name)


def _messages_in(session: ImapSession, name: str) -> int:
    completed = expect_ok(session.command("STATUS", mailbox(name), b"(MESSAGES)"), "STATUS")
    return status_items(completed)[b"MESSAGES"]


@pytest.mark.rfc(3501, "6.4.2", "MUST", basis="§6.4.2 states SELECT's implicit close so")
@pytest.mark.parametrize("examine", [False, True], ids=["SELECT", "EXAMINE"])
def test_select_of_another_mailbox_expunges_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, examine: bool
) -> None:
    """The SELECT, EXAMINE, and LOGOUT commands implicitly close the currently selected
    mailbox without doing an expunge."""
    session = imap_login()
    _deleted_message(session, imap_mailbox)
    expect_ok(session.select("INBOX", examine=examine), "SELECT / EXAMINE INBOX")
    assert _messages_in(session, imap_mailbox) == 1, "the \\Deleted message was expunged"


@pytest.mark.rfc(3501, "6.4.2", "MUST", basis="§6.4.2 states LOGOUT's implicit close so")
def test_logout_expunges_nothing(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """The SELECT, EXAMINE, and LOGOUT commands implicitly close the currently selected
    mailbox without doing an expunge."""
    session = imap_login()
    _deleted_message(session, imap_mailbox)
    expect_ok(session.logout(), "LOGOUT")
    assert _messages_in(imap_login(), imap_mailbox) == 1, "LOGOUT expunged the message"


@pytest.mark.rfc(3501, "6.4.2", "MUST", basis="§6.4.2: CLOSE removes nothing when read-only")
def test_close_of_an_examined_mailbox_removes_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """No messages are removed, and no error is given, if the mailbox is selected by an
    EXAMINE command or is otherwise selected read-only."""
    session = imap_login()
    _deleted_message(session, imap_mailbox)
    expect_ok(session.select(imap_mailbox, examine=True), "EXAMINE")
    expect_ok(session.command("CLOSE"), "CLOSE of an EXAMINE'd mailbox")
    assert _messages_in(session, imap_mailbox) == 1, "CLOSE after EXAMINE expunged"


@pytest.mark.rfc(3501, "6.3.2", "MUST", basis=READ_ONLY)
def test_expunge_in_an_examined_mailbox_removes_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """No changes to the permanent state of the mailbox, including per-user state, are
    permitted"""
    session = imap_login()
    _deleted_message(session, imap_mailbox)
    expect_ok(session.select(imap_mailbox, examine=True), "EXAMINE")
    session.command("EXPUNGE")  # refused, or a no-op: either way nothing goes
    assert _messages_in(session, imap_mailbox) == 1, "EXPUNGE after EXAMINE expunged"


def _flags_after_examined(
    imap_login: Callable[[], ImapSession], name: str, command: str, *arguments: bytes
) -> set[bytes]:
    """The flags another session sees on a message after ``command`` was sent in a
    session that EXAMINEd its mailbox (the command refused or carried out)."""
    session = imap_login()
    append(session, name, message("read-only"))
    expect_ok(session.select(name, examine=True), "EXAMINE")
    session.command(command, *arguments)
    other = imap_login()
    select(other, name)
    return flags_of(fetch(other, "1", "(FLAGS)")[1])


@pytest.mark.rfc(3501, "6.3.2", "MUST", basis=READ_ONLY)
def test_store_in_an_examined_mailbox_changes_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """No changes to the permanent state of the mailbox, including per-user state, are
    permitted"""
    flags = _flags_after_examined(
        imap_login, imap_mailbox, "STORE", b"1", b"+FLAGS", b"(\\Flagged)"
    )
    assert b"\\FLAGGED" not in flags, f"STORE after EXAMINE changed the flags: {flags}"


@pytest.mark.rfc(3501, "6.3.2", "MUST", basis=READ_ONLY)
def test_fetch_body_in_an_examined_mailbox_leaves_seen_unset(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """No changes to the permanent state of the mailbox, including per-user state, are
    permitted"""
    flags = _flags_after_examined(imap_login, imap_mailbox, "FETCH", b"1", b"(BODY[])")
    assert b"\\SEEN" not in flags, f"FETCH BODY[] after EXAMINE set \\Seen: {flags}"


@pytest.mark.rfc(3501, "6.3.2", "MUST")
@pytest.mark.requires("IMAP4rev1")  # \Recent: RFC 9051 Appendix E drops it
def test_examine_keeps_recent(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """No changes to the permanent state of the mailbox, including per-user state, are
    permitted; in particular, EXAMINE MUST NOT cause messages to lose the \\Recent flag."""
    session = imap_login()
    append(session, imap_mailbox, message("recent"))
    expect_ok(session.select(imap_mailbox, examine=True), "EXAMINE")
    recent = number_in(select(imap_login(), imap_mailbox), b"RECENT")
    assert recent == 1, f"after an EXAMINE, a SELECT in another session says RECENT {recent}"


@pytest.mark.rfc(3501, "6.3.2", "MUST", basis="§6.3.2: NO - examine failure: no such mailbox")
def test_examine_of_a_missing_mailbox_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """NO - examine failure, now in authenticated state: no such mailbox, can't access
    mailbox"""
    completed = imap_login().select(imap_mailbox + "-missing", examine=True)
    assert completed.response.status == b"NO", (
        f"EXAMINE of a missing mailbox: expected NO, got {completed.response.line!r}"
    )
