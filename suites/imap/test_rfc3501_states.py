"""RFC 3501 §3, §6.2-§6.4: each state's commands; LOGIN accepted and refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapAccount, ImapSession

from ._imap import expect_ok, expect_refused, mailbox, select

STATE_RULE = (
    "§6.2-§6.4 list the commands valid in each state; a command outside its state's list "
    "is one the server cannot carry out there, and §6.3.1 / §6.4.5 define no OK for it"
)


@pytest.mark.rfc(3501, "6.2", "MUST", basis=STATE_RULE)
@pytest.mark.parametrize(
    "line",
    [("SELECT", b"INBOX"), ("EXAMINE", b"INBOX"), ("LIST", b'""', b'"*"'), ("CREATE", b"x")],
    ids=lambda line: line[0],
)
def test_authenticated_command_refused_before_login(
    imap: ImapSession, line: tuple[str, ...]
) -> None:
    """In the not authenticated state, the AUTHENTICATE or LOGIN command establishes
    authentication and enters the authenticated state."""
    name, *arguments = line
    expect_refused(imap.command(name, *arguments), f"{name} before logging in")


@pytest.mark.rfc(3501, "6.4", "MUST", basis=STATE_RULE)
@pytest.mark.parametrize(
    "line",
    [
        ("FETCH", b"1", b"FLAGS"),
        ("STORE", b"1", b"+FLAGS", b"(\\Seen)"),
        ("EXPUNGE",),
        ("SEARCH", b"ALL"),
        ("CLOSE",),
        ("COPY", b"1", b"INBOX"),
        ("UID", b"FETCH", b"1", b"UID"),
    ],
    ids=lambda line: line[0] if line[0] != "UID" else "UID-FETCH",
)
def test_selected_command_refused_in_authenticated_state(
    imap_login: Callable[[], ImapSession], line: tuple[str, ...]
) -> None:
    """In addition to the universal commands (CAPABILITY, NOOP, and LOGOUT), and the
    authenticated state commands (SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
    UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND), the following commands are valid in the
    selected state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, and UID."""
    session = imap_login()
    name, *arguments = line
    expect_refused(session.command(name, *arguments), f"{name} with no mailbox selected")


@pytest.mark.rfc(
    3501,
    "6.2.3",
    "MUST",
    basis="§6.2.3 defines LOGIN's results: OK only when the login is completed",
)
def test_login_with_a_wrong_password_gets_no(imap: ImapSession, imap_account: ImapAccount) -> None:
    """NO - login failure: user name or password rejected."""
    completed = imap.login(imap_account.user, imap_account.password + "-wrong")
    assert completed.response.status == b"NO", (
        f"LOGIN with a wrong password: expected NO, got {completed.response.line!r}"
    )


@pytest.mark.rfc(
    3501,
    "6.2.3",
    "MUST",
    basis="§6.2.3: a refused LOGIN leaves the session not authenticated (§3.1)",
)
def test_still_not_authenticated_after_a_refused_login(
    imap: ImapSession, imap_account: ImapAccount
) -> None:
    """NO - login failure: user name or password rejected ... the following commands are
    valid in the not authenticated state: STARTTLS, AUTHENTICATE and LOGIN."""
    imap.login(imap_account.user, imap_account.password + "-wrong")
    expect_refused(imap.select("INBOX"), "SELECT INBOX after a refused LOGIN")


@pytest.mark.rfc(
    3501, "6.2.3", "MUST", basis="§6.2.3: OK - login completed, now in authenticated state"
)
def test_login_enters_the_authenticated_state(imap_login: Callable[[], ImapSession]) -> None:
    """OK - login completed, now in authenticated state."""
    session = imap_login()
    select(session, "INBOX")


@pytest.mark.rfc(3501, "6.3", "MUST", basis=STATE_RULE)
def test_login_refused_once_authenticated(
    imap_login: Callable[[], ImapSession], imap_account: ImapAccount
) -> None:
    """In addition to the universal commands (CAPABILITY, NOOP, and LOGOUT), the following
    commands are valid in the authenticated state: SELECT, EXAMINE, CREATE, DELETE,
    RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, and APPEND."""
    session = imap_login()
    expect_refused(session.login(imap_account.user, imap_account.password), "a second LOGIN")


@pytest.mark.rfc(
    3501,
    "6.3.1",
    "MUST",
    basis="§6.3.1 states it as what SELECT's automatic deselection means for the state",
)
def test_failed_select_leaves_no_mailbox_selected(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Consequently, if a mailbox is selected and a SELECT command that fails is attempted,
    no mailbox is selected."""
    session = imap_login()
    select(session, imap_mailbox)
    missing = imap_mailbox + "-missing"
    expect_refused(session.command("SELECT", mailbox(missing)), f"SELECT {missing}")
    expect_refused(session.command("FETCH", b"1:*", b"FLAGS"), "FETCH after the failed SELECT")


@pytest.mark.rfc(
    3501, "6.1.2", "MUST", basis="§6.1: CAPABILITY, NOOP and LOGOUT are valid in any state"
)
def test_noop_in_selected_state(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """The following commands are valid in any state: CAPABILITY, NOOP, and LOGOUT."""
    session = imap_login()
    select(session, imap_mailbox)
    expect_ok(session.command("NOOP"), "NOOP with a mailbox selected")
