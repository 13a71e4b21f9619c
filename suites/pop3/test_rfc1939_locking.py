"""RFC 1939 §4 and RFC 2449 §8.1.2: a second session on a maildrop in use.

The logins these tests examine never wait for a lock (``pop3_login`` does, for the
first session only); each test starts on a free maildrop (see ``pop3_account``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop3Account, Pop3Session, SeededMaildrop

from ._pop3 import expect_ok, quit_quietly

Connect = Callable[..., Pop3Session]
Login = Callable[[], Pop3Session]


def _second_login(pop3_connect: Connect, account: Pop3Account) -> tuple[Pop3Session, bool]:
    second = pop3_connect()
    response = second.login(account.user, account.password)
    assert response.ok or response.err, f"sent USER/PASS, got {response}"
    return second, response.ok


@pytest.mark.rfc(
    1939,
    "4",
    "MUST",
    basis=(
        "§4 says the server acquires an exclusive-access lock as necessary to prevent "
        "messages from being removed before the UPDATE state; a second session must not "
        "remove them. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
@pytest.mark.delivers
def test_concurrent_session_cannot_remove_messages(
    pop3_login: Login,
    pop3_connect: Connect,
    pop3_account: Pop3Account,
    pop3_maildrop: SeededMaildrop,
) -> None:
    """Once the POP3 server has determined through the use of any authentication command
    that the client should be given access to the appropriate maildrop, the POP3 server
    then acquires an exclusive-access lock on the maildrop, as necessary to prevent
    messages from being modified or removed before the session enters the UPDATE state.

    A second session either is refused, or its DELE and QUIT leave the first session's
    message retrievable.
    """
    first = pop3_login()
    number = pop3_maildrop.find(first)["plain"]
    second, accepted = _second_login(pop3_connect, pop3_account)
    if not accepted:
        expect_ok(first.stat(), "STAT in the first session after the second was refused")
        return
    other = pop3_maildrop.find(second)["plain"]
    expect_ok(second.dele(other), f"DELE {other} in the second session")
    expect_ok(second.quit(), "QUIT in the second session")
    second.expect_closed()
    response = first.retr(number)
    assert response.ok and pop3_maildrop["plain"].content in response.body, (
        f"a second session deleted the message while the first was in TRANSACTION; RETR "
        f"{number} in the first, expected the message, got {response}"
    )


@pytest.mark.rfc(
    2449,
    "8.1.2",
    "MUST",
    basis=(
        "§8.1.2 defines [IN-USE] as refusing a login because the maildrop is in use, and "
        "RFC 1939 §6 has QUIT release the exclusive-access lock before the close; a "
        "maildrop whose sessions have all ended is not in use, so the right credentials "
        "get +OK."
    ),
)
def test_in_use_only_for_a_locked_maildrop(
    pop3_login: Login, pop3_connect: Connect, pop3_account: Pop3Account
) -> None:
    """This occurs on an -ERR response to an AUTH, APOP, or PASS command.  It indicates the
    authentication was successful, but the user's maildrop is currently in use (probably
    by another POP3 client).

    With the maildrop free again (the first session ended), a login must not get
    [IN-USE].
    """
    first = pop3_login()
    second, accepted = _second_login(pop3_connect, pop3_account)
    quit_quietly(second)
    expect_ok(first.quit(), "QUIT in the first session")
    first.expect_closed()
    third = pop3_connect()
    response = third.login(pop3_account.user, pop3_account.password)
    assert response.ok, (
        f"both earlier sessions ended (second {'accepted' if accepted else 'refused'}); "
        f"USER/PASS, expected +OK, got {response}"
    )


@pytest.mark.rfc(
    1939,
    "4",
    "MUST",
    basis=(
        "§4 says, in lower case, the server 'must release the lock prior to rejecting the"
        " command'. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_refused_login_releases_the_lock(pop3_connect: Connect, pop3_account: Pop3Account) -> None:
    """(If a lock was acquired but the POP3 server intends to respond with a negative
    status indicator, the POP3 server must release the lock prior to rejecting the
    command.)

    The second login does not wait for the lock (as ``pop3_login`` would): whether the
    lock is free at once is the question.
    """
    failed = pop3_connect()
    failed.user(pop3_account.user)
    failed.pass_(pop3_account.password + "-wrong")
    second = pop3_connect()
    response = second.login(pop3_account.user, pop3_account.password)
    expect_ok(response, "USER/PASS in a new session while the failed one stays open")
    expect_ok(second.stat(), "STAT in that session")
