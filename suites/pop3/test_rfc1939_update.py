"""RFC 1939 §6: messages are removed in the UPDATE state only, after QUIT.

Each test checks the maildrop from a second session, after the first one ended.  Those
that remove nothing run without delivery too, on messages already in the maildrop.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop3Messages, Pop3Session, SeededMaildrop

from ._pop3 import drop_listing, expect_ok, quit_quietly

Login = Callable[[], Pop3Session]


def _delete(session: Pop3Session, messages: Pop3Messages) -> str:
    """DELE the "plain" message (without delivery, one already there); its name."""
    number = messages.some(session)
    expect_ok(session.dele(number), f"DELE {number}")
    return messages.chosen()


@pytest.mark.delivers
@pytest.mark.rfc(
    1939,
    "6",
    "MUST",
    basis=(
        "QUIT in TRANSACTION (§6) is defined to remove all messages marked as deleted; "
        "its +OK reports success ('-ERR some deleted messages not removed' is the "
        "failure). RFC 1939 (May 1996) predates RFC 2119 (March 1997) and states its "
        "rules as definitions."
    ),
)
def test_quit_removes_deleted_messages(pop3_login: Login, pop3_maildrop: SeededMaildrop) -> None:
    """The POP3 server removes all messages marked as deleted from the maildrop and replies
    as to the status of this operation."""
    first = pop3_login()
    _delete(first, pop3_maildrop)
    expect_ok(first.quit(), "QUIT after DELE")
    first.expect_closed()
    found = pop3_maildrop.find(pop3_login())
    assert "plain" not in found, "sent DELE then QUIT; a new session still lists the message"


@pytest.mark.delivers
@pytest.mark.rfc(
    1939,
    "6",
    "MUST",
    basis=(
        "QUIT (§6) says 'In no case may the server remove any messages not marked as "
        "deleted': a prohibition, in lower case. RFC 1939 (May 1996) predates RFC 2119 "
        "(March 1997) and states its rules as definitions."
    ),
)
def test_quit_keeps_undeleted_messages(pop3_login: Login, pop3_maildrop: SeededMaildrop) -> None:
    """In no case may the server remove any messages not marked as deleted."""
    first = pop3_login()
    _delete(first, pop3_maildrop)
    expect_ok(first.quit(), "QUIT after DELE")
    first.expect_closed()
    found = pop3_maildrop.find(pop3_login())
    assert {"dots", "long"} <= set(found), (
        f"sent DELE of one message then QUIT; expected the others kept, found only {found}"
    )


@pytest.mark.rfc(
    1939,
    "5",
    "MUST",
    basis=(
        "DELE (§5) is defined not to delete the message until the session enters UPDATE, "
        "which only QUIT does (§6). RFC 1939 (May 1996) predates RFC 2119 (March 1997) "
        "and states its rules as definitions."
    ),
)
def test_dele_removes_nothing_before_quit(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The POP3 server does not actually delete the message until the POP3 session enters
    the UPDATE state."""
    first = pop3_login()
    name = _delete(first, pop3_messages)
    first.close()  # without QUIT: the session never enters UPDATE
    found = pop3_messages.find(pop3_login())
    assert name in found, "sent DELE and dropped the connection; the message was removed"


@pytest.mark.rfc(1939, "6", "MUST")
def test_dropped_connection_deletes_nothing(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """If a session terminates for some reason other than a client-issued QUIT command, the
    POP3 session does NOT enter the UPDATE state and MUST not remove any messages from the
    maildrop."""
    first = pop3_login()
    numbers = pop3_messages.find(first)
    for number in numbers.values():
        expect_ok(first.dele(number), f"DELE {number}")
    first.close()
    found = pop3_messages.find(pop3_login())
    assert set(found) == set(numbers), (
        f"sent DELE of {sorted(numbers.values())} and closed without QUIT; expected all "
        f"kept, found {sorted(found.values())}"
    )


@pytest.mark.rfc(
    1939,
    "6",
    "MUST",
    basis=(
        "After RSET nothing is marked; QUIT (§6) says 'In no case may the server remove "
        "any messages not marked as deleted'. RFC 1939 (May 1996) predates RFC 2119 "
        "(March 1997) and states its rules as definitions."
    ),
)
def test_rset_then_quit_deletes_nothing(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """In no case may the server remove any messages not marked as deleted.

    QUIT only once STAT shows nothing marked: without delivery the message is the user's.
    """
    first = pop3_login()
    before = drop_listing(first.stat())
    name = _delete(first, pop3_messages)
    expect_ok(first.rset(), "RSET")
    after = drop_listing(first.stat())
    assert after == before, (
        f"sent STAT ({before[0]} {before[1]}), DELE, RSET, STAT: got {after[0]} {after[1]}, "
        "so a message is still marked as deleted; QUIT not sent"
    )
    expect_ok(first.quit(), "QUIT after DELE and RSET")
    first.expect_closed()
    assert name in pop3_messages.find(pop3_login()), (
        "sent DELE, RSET, QUIT; a new session no longer lists the message"
    )


@pytest.mark.rfc(
    1939,
    "6",
    "MUST",
    basis=(
        "QUIT (§6) is defined to close the TCP connection after the removal. RFC 1939 "
        "(May 1996) predates RFC 2119 (March 1997) and states its rules as definitions."
    ),
)
def test_quit_in_transaction_closes(pop3_login: Login) -> None:
    """Whether the removal was successful or not, the server then releases any
    exclusive-access lock on the maildrop and closes the TCP connection."""
    session = pop3_login()
    expect_ok(session.quit(), "QUIT in the TRANSACTION state")
    assert session.expect_closed(), "sent QUIT, expected the server to close the connection"


@pytest.mark.rfc(
    1939,
    "6",
    "MUST",
    basis=(
        "QUIT (§6) is defined to release the exclusive-access lock on the maildrop, so a "
        "new session can open it. RFC 1939 (May 1996) predates RFC 2119 (March 1997) and "
        "states its rules as definitions."
    ),
)
def test_quit_releases_the_maildrop(pop3_login: Login) -> None:
    """Whether the removal was successful or not, the server then releases any
    exclusive-access lock on the maildrop and closes the TCP connection."""
    first = pop3_login()
    quit_quietly(first)
    first.expect_closed()
    expect_ok(pop3_login().stat(), "STAT in a new session after QUIT")
