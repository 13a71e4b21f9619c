"""RFC 937 greeting, HELO, QUIT and the "if anything goes wrong close" rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop2Account, Pop2Mailbox, Pop2Session
from reference_impl.pop2 import ReplyKind

from ._rfc937 import expect


@pytest.mark.rfc(
    937,
    "Replies: Greeting",
    "MUST",
    basis=(
        "The greeting is defined as '+', 'POP2', the server host name, optional text and "
        "CRLF. RFC 937 (1985) predates RFC 2119: its command definitions and decision "
        "table are its rules."
    ),
)
def test_greeting_is_plus_pop2_host(pop2: Pop2Session) -> None:
    """The greeting is a plus sign, followed by the protocol name ("POP2"), followed by
    the server host name, optionally followed by text, and ending with a CRLF."""
    greeting = pop2.greeting
    assert greeting is not None and greeting.greeting_host is not None, (
        f"connected, expected '+ POP2 <host> [text]' CRLF, got {greeting}"
    )


@pytest.mark.rfc(
    937,
    "Commands: HELO",
    "MUST",
    basis=(
        "HELO lists '#nnn', the number of messages in the default mailbox, as its "
        "positive response (action 3a of the Server Decision Table). RFC 937 (1985) "
        "predates RFC 2119: its command definitions and decision table are its rules."
    ),
)
def test_helo_returns_the_message_count(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """ "#nnn" ... where nnn is the number of messages in the default mailbox,"

    The three seeded messages are in it, so the count is at least the highest of
    their numbers.
    """
    session = pop2_login()
    highest = max(pop2_mailbox.numbers.values())
    assert session.count is not None and session.count >= highest, (
        f"sent HELO with three messages seeded (the last is number {highest}), "
        f"expected #{highest} or more, got #{session.count}"
    )


@pytest.mark.rfc(
    937,
    "Commands: HELO",
    "MUST",
    basis=(
        "HELO lists '- error report' and closing the connection as its answer to a "
        "refused user (action 3b of the Server Decision Table). RFC 937 (1985) predates "
        "RFC 2119: its command definitions and decision table are its rules."
    ),
)
def test_helo_with_a_wrong_password_gets_minus_and_close(
    pop2: Pop2Session, pop2_account: Pop2Account
) -> None:
    """ "- error report" and Close the connection."""
    reply = pop2.helo(pop2_account.user, pop2_account.password + "-wrong")
    expect(reply, ReplyKind.ERROR, "HELO with a wrong password")
    assert pop2.expect_closed(), "sent HELO with a wrong password, got '-', still open"


@pytest.mark.rfc(
    937,
    "Commands: QUIT",
    "MUST",
    basis=(
        "QUIT is defined to send an OK response ('+') before the close. RFC 937 (1985) "
        "predates RFC 2119: its command definitions and decision table are its rules."
    ),
)
def test_quit_gets_plus(pop2_login: Callable[[], Pop2Session]) -> None:
    """The server sends an OK response and then closes the connection."""
    session = pop2_login()
    expect(session.quit(), ReplyKind.OK, "HELO then QUIT")


@pytest.mark.rfc(
    937,
    "Commands: QUIT",
    "MUST",
    basis=(
        "QUIT is defined to close the connection after its OK response. RFC 937 (1985) "
        "predates RFC 2119: its command definitions and decision table are its rules."
    ),
)
def test_quit_closes_the_connection(pop2_login: Callable[[], Pop2Session]) -> None:
    """The server sends an OK response and then closes the connection."""
    session = pop2_login()
    reply = session.quit()
    assert session.expect_closed(), f"sent QUIT, got {reply}, the connection stayed open"


@pytest.mark.rfc(
    937,
    "Server Decision Table",
    "MUST",
    basis=(
        "Action 4 of the Server Decision Table, for QUIT in AUTH state: send '+ Bye' and "
        "go to DONE. RFC 937 (1985) predates RFC 2119: its command definitions and "
        "decision table are its rules."
    ),
)
def test_quit_before_helo_gets_plus(pop2: Pop2Session) -> None:
    """4.  Send "+ Bye" and go to DONE state.

    Action 4 is the server decision table's entry for QUIT in the AUTH state.
    """
    expect(pop2.quit(), ReplyKind.OK, "QUIT right after the greeting")


@pytest.mark.rfc(
    937,
    "Server Decision Table",
    "MUST",
    basis=(
        "Action 1 of the Server Decision Table, for 'other' input: send '- error' and "
        "close. RFC 937 (1985) predates RFC 2119: its command definitions and decision "
        "table are its rules."
    ),
)
def test_unknown_command_gets_minus_and_close(pop2_login: Callable[[], Pop2Session]) -> None:
    """1.  This is garbage.  Send "- error", and Close the connection."""
    session = pop2_login()
    expect(session.command("XYZZY"), ReplyKind.ERROR, "XYZZY after HELO")
    assert session.expect_closed(), "sent XYZZY, got '-', the connection stayed open"


@pytest.mark.rfc(
    937,
    "Server Decision Table",
    "MUST",
    basis=(
        "Action 1 of the Server Decision Table, for RETR in MBOX state: send '- error' "
        "and close. RFC 937 (1985) predates RFC 2119: its command definitions and "
        "decision table are its rules."
    ),
)
def test_retr_before_read_gets_minus_and_close(pop2_login: Callable[[], Pop2Session]) -> None:
    """1.  This is garbage.  Send "- error", and Close the connection.

    RETR in the MBOX state (right after HELO, before READ) has no entry but action 1.
    """
    session = pop2_login()
    session.send_raw(b"RETR\r\n", replies=1)  # "- error" (action 1), then the close
    reply = session.read_reply()
    expect(reply, ReplyKind.ERROR, "RETR right after HELO")
    assert session.expect_closed(), "sent RETR after HELO, got '-', the connection stayed open"
