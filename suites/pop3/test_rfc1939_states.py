"""RFC 1939 §3-§7: which command is valid in which state; wrong state -> -ERR."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop3Account, Pop3Session

from ._pop3 import expect_err, expect_ok, expect_still_authorization

TRANSACTION_ONLY = ["STAT", "LIST", "LIST 1", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 0", "UIDL"]


@pytest.mark.rfc(1939, "3", "MUST")
@pytest.mark.parametrize("line", TRANSACTION_ONLY)
def test_transaction_command_refused_in_authorization(pop3: Pop3Session, line: str) -> None:
    """A server MUST respond to a command issued when the session is in an incorrect state
    by responding with a negative status indicator."""
    expect_err(pop3.command(line), f"{line!r} before logging in")


@pytest.mark.rfc(1939, "3", "MUST")
@pytest.mark.parametrize("line", ["USER {user}", "PASS {password}", "APOP {user} " + "0" * 32])
def test_authorization_command_refused_in_transaction(
    pop3_login: Callable[[], Pop3Session], pop3_account: Pop3Account, line: str
) -> None:
    """A server MUST respond to a command issued when the session is in an incorrect state
    by responding with a negative status indicator."""
    session = pop3_login()
    command = line.format(user=pop3_account.user, password=pop3_account.password)
    expect_err(session.command(command), f"{line.split()[0]} in the TRANSACTION state")
    expect_ok(session.stat(), "STAT after it (still in TRANSACTION)")


@pytest.mark.rfc(1939, "3", "MUST")
def test_pass_without_user_refused(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """A server MUST respond to a command issued when the session is in an incorrect state
    by responding with a negative status indicator.  PASS ... Restrictions: may only be
    given in the AUTHORIZATION state immediately after a successful USER command (§7)."""
    expect_err(pop3.pass_(pop3_account.password), "PASS without USER")
    expect_still_authorization(pop3, "the refused PASS")


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "PASS is defined to decide access from the USER and PASS arguments, with '-ERR "
        "invalid password' as the response to a wrong one; §4 answers a denied maildrop "
        "with a negative status. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and "
        "states its rules as definitions."
    ),
)
def test_wrong_password_refused(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """When the client issues the PASS command, the POP3 server uses the argument pair from
    the USER and PASS commands to determine if the client should be given access to the
    appropriate maildrop."""
    pop3.user(pop3_account.user)
    expect_err(pop3.pass_(pop3_account.password + "-wrong"), "PASS with a wrong password")
    expect_still_authorization(pop3, "the refused PASS")


@pytest.mark.rfc(
    1939,
    "4",
    "MUST",
    basis=(
        "§4 lets the client start a new authentication after a refused one when the "
        "server keeps the connection: the session is still in AUTHORIZATION, where USER "
        "and PASS are defined (§7). RFC 1939 (May 1996) predates RFC 2119 (March 1997) "
        "and states its rules as definitions."
    ),
)
def test_new_login_after_failed_one(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """If the server does not close the connection, the client may either issue a new
    authentication command and start again, or the client may issue the QUIT command."""
    pop3.user(pop3_account.user)
    expect_err(pop3.pass_(pop3_account.password + "-wrong"), "PASS with a wrong password")
    if pop3.expect_closed(timeout=0.3):
        pytest.skip("the server closed the connection after the failed login (allowed)")
    expect_ok(pop3.login(pop3_account.user, pop3_account.password), "USER/PASS again")
    expect_ok(pop3.stat(), "STAT after the second login")


@pytest.mark.rfc(
    1939,
    "7",
    "MUST",
    basis=(
        "USER and PASS are defined to log in: +OK to USER lets the client send PASS, and "
        "+OK to PASS locks the maildrop and enters TRANSACTION (§4). RFC 1939 (May 1996) "
        "predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_user_pass_enters_transaction(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """If the POP3 server responds with a positive status indicator ("+OK"), then the
    client may issue either the PASS command to complete the authentication, or the QUIT
    command to terminate the POP3 session."""
    expect_ok(pop3.user(pop3_account.user), f"USER {pop3_account.user}")
    expect_ok(pop3.pass_(pop3_account.password), "PASS with the right password")
    expect_ok(pop3.stat(), "STAT in the TRANSACTION state")


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "NOOP (§5) is defined to reply with a positive response. RFC 1939 (May 1996) "
        "predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_noop_in_transaction(pop3_login: Callable[[], Pop3Session]) -> None:
    """The POP3 server does nothing, it merely replies with a positive response."""
    expect_ok(pop3_login().noop(), "NOOP in the TRANSACTION state")


@pytest.mark.rfc(1939, "3", "MUST")
def test_unknown_command_in_transaction(pop3_login: Callable[[], Pop3Session]) -> None:
    """A server MUST respond to an unrecognized, unimplemented, or syntactically invalid
    command by responding with a negative status indicator."""
    session = pop3_login()
    expect_err(session.command("XYZZY"), "XYZZY in the TRANSACTION state")
    expect_ok(session.noop(), "NOOP after it")


@pytest.mark.rfc(1939, "3", "MUST")
@pytest.mark.parametrize("line", ["RETR", "DELE", "RETR one", "DELE -1", "TOP 1", "TOP 1 x"])
def test_invalid_arguments_get_err(pop3_login: Callable[[], Pop3Session], line: str) -> None:
    """A server MUST respond to an unrecognized, unimplemented, or syntactically invalid
    command by responding with a negative status indicator."""
    session = pop3_login()
    expect_err(session.command(line), repr(line))
