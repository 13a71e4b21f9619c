"""RFC 937 READ and RETR: message lengths and the message data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop2Mailbox, Pop2Session

from ._rfc937 import read, retrieve


@pytest.mark.rfc(
    937,
    "Commands: READ",
    "MUST",
    basis=(
        "READ is defined to return the count of characters in the message to be "
        "transmitted. RFC 937 (1985) predates RFC 2119: its command definitions and "
        "decision table are its rules."
    ),
)
def test_read_returns_the_message_length(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The server returns the count of characters in the message to be transmitted.

    "Message Length": "CRLF counts as two characters."
    """
    session = pop2_login()
    number = pop2_mailbox.numbers["plain"]
    expected = len(pop2_mailbox["plain"].content)
    length = read(session, number)
    assert length == expected, f"sent READ {number} ({expected} octets), got ={length}"


@pytest.mark.rfc(
    937,
    "Message Length",
    "MUST",
    basis=(
        "Message Length defines the reply to READ as the count of all characters then "
        "transmitted; the client reads exactly that many. RFC 937 (1985) predates RFC "
        "2119: its command definitions and decision table are its rules."
    ),
)
def test_retr_sends_exactly_the_announced_octets(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The reply to the READ command or an acknowledgment command (ACKS, ACKD, NACK) is the
    length (a character count) of the next message to be transmitted.  This includes all
    the characters in the data transmitted."""
    session = pop2_login()
    data = retrieve(session, pop2_mailbox, "plain")
    assert data == pop2_mailbox["plain"].content, (
        f"sent RETR, expected the message as delivered, got {data[:200]!r}"
    )
    reply = session.nack()
    assert reply.raw[:1] == b"=", (
        f"sent RETR then NACK, expected '=' right after the message data, got {reply} "
        "(extra octets after the announced length?)"
    )


@pytest.mark.rfc(
    937,
    "Extensions Not Supported",
    "MUST",
    basis=(
        "The server does not examine message data and sends exactly the counted "
        "characters (Message Length), so lines starting with a dot go out unchanged. RFC "
        "937 (1985) predates RFC 2119: its command definitions and decision table are its"
        " rules."
    ),
)
def test_retr_sends_dot_lines_unchanged(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """POP2 does not examine the internal data of messages.

    The data is counted, not terminated: a line of "." and leading dots travel as stored.
    """
    session = pop2_login()
    data = retrieve(session, pop2_mailbox, "dots")
    assert data == pop2_mailbox["dots"].content, (
        f"sent RETR of a message with '.' lines, expected it unchanged, got {data!r}"
    )


@pytest.mark.rfc(
    937,
    "Commands: READ",
    "MUST",
    basis=(
        "READ is defined to return a count of zero when there is no message to be read. "
        "RFC 937 (1985) predates RFC 2119: its command definitions and decision table are"
        " its rules."
    ),
)
def test_read_beyond_the_last_message_gets_zero(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """If there is no message to be read, the count of zero is returned."""
    session = pop2_login()
    beyond = (session.count or 0) + 1
    length = read(session, beyond)
    assert length == 0, (
        f"sent READ {beyond} with #{session.count} messages, expected =0, got ={length}"
    )


@pytest.mark.rfc(
    937,
    "Commands: RETR",
    "MUST",
    basis=(
        "The server will close the connection when asked to transmit a message of zero "
        "characters (also action 7 of the Server Decision Table). RFC 937 (1985) predates"
        " RFC 2119: its command definitions and decision table are its rules."
    ),
)
def test_retr_of_a_missing_message_closes(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The server will close the connection if asked to transmit a message of zero
    characters (i.e., transmit a non-existent message)."""
    session = pop2_login()
    read(session, (session.count or 0) + 1)
    session.send_raw(b"RETR\r\n", replies=1)  # at most "- error" before the close
    assert session.expect_closed(), "sent READ past the last message, =0, then RETR: still open"


@pytest.mark.rfc(
    937,
    "The Protocol",
    "MUST",
    basis=(
        "The Protocol defines the default message of READ: the current message, which is "
        "one right after HELO selects the default mailbox. RFC 937 (1985) predates RFC "
        "2119: its command definitions and decision table are its rules."
    ),
)
def test_read_without_argument_is_message_one_after_helo(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The read command may optionally indicate which message number to read, the default
    is the current message (incremented when a message is read and set to one when a new
    folder is selected)."""
    session = pop2_login()
    implied = read(session)
    first = read(session, 1)
    assert implied == first and first > 0, (
        f"sent HELO, READ, READ 1: expected the same non-zero length twice, got ={implied}, "
        f"={first}"
    )
