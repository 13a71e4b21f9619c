"""RFC 937 ACKS, ACKD and NACK: the current message indicator and deletion."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop2Mailbox, Pop2Session
from reference_impl.pop2 import ReplyKind

from ._rfc937 import expect, read, retrieve


@pytest.mark.rfc(
    937,
    "Commands: ACKS",
    "MUST",
    basis=(
        "ACKS is defined to increment the current message indicator and return the length"
        " of the now current message. RFC 937 (1985) predates RFC 2119: its command "
        "definitions and decision table are its rules."
    ),
)
def test_acks_moves_to_the_next_message(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The current message indicator is incremented.  The server returns the count of
    characters in the now current message to be transmitted."""
    session = pop2_login()
    retrieve(session, pop2_mailbox, "plain")
    length = expect(session.acks(), ReplyKind.LENGTH, "READ, RETR, ACKS")
    following = pop2_mailbox.numbers["plain"] + 1
    expected = read(session, following)
    assert length == expected and expected > 0, (
        f"sent ACKS after message {following - 1}, expected the length of message "
        f"{following} (={expected}), got ={length}"
    )


@pytest.mark.rfc(
    937,
    "Commands: ACKS",
    "MUST",
    basis=(
        "ACKS is defined to return a count of zero when no message is left to read. RFC "
        "937 (1985) predates RFC 2119: its command definitions and decision table are its"
        " rules."
    ),
)
def test_acks_after_the_last_message_gets_zero(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """If there is no message to be read or the message is marked deleted, the count of
    zero is returned."""
    session = pop2_login()
    last = session.count or 0
    length = read(session, last)
    session.retr(length)
    reply = session.acks()
    assert expect(reply, ReplyKind.LENGTH, f"READ {last} (the last), RETR, ACKS") == 0, (
        f"sent ACKS after the last message ({last}), expected =0, got {reply}"
    )


@pytest.mark.rfc(
    937,
    "Commands: NACK",
    "MUST",
    basis=(
        "NACK is defined to leave the current message indicator unchanged and return the "
        "length of the current message. RFC 937 (1985) predates RFC 2119: its command "
        "definitions and decision table are its rules."
    ),
)
def test_nack_keeps_the_current_message(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The current message indicator remains the same.  The server returns the count of
    characters in the current message."""
    session = pop2_login()
    retrieve(session, pop2_mailbox, "plain")
    length = expect(session.nack(), ReplyKind.LENGTH, "READ, RETR, NACK")
    expected = len(pop2_mailbox["plain"].content)
    assert length == expected, f"sent NACK, expected ={expected} (the same message), got ={length}"
    again = session.retr(expected)
    assert again == pop2_mailbox["plain"].content, "sent NACK then RETR: not the same message"


@pytest.mark.rfc(
    937,
    "Commands: READ",
    "MUST",
    basis=(
        "READ is defined to return a count of zero for a message deleted with ACKD. RFC "
        "937 (1985) predates RFC 2119: its command definitions and decision table are its"
        " rules."
    ),
)
def test_read_of_a_message_marked_by_ackd_gets_zero(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """If the message was previously deleted with the ACKD command, the count of zero is
    returned."""
    session = pop2_login()
    retrieve(session, pop2_mailbox, "plain")
    expect(session.ackd(), ReplyKind.LENGTH, "READ, RETR, ACKD")
    number = pop2_mailbox.numbers["plain"]
    length = read(session, number)
    assert length == 0, (
        f"sent ACKD for message {number}, then READ {number}: expected =0, got ={length}"
    )


@pytest.mark.rfc(
    937,
    "Commands: ACKD",
    "MUST",
    basis=(
        "ACKD is defined not to renumber messages until the mailbox is released. RFC 937 "
        "(1985) predates RFC 2119: its command definitions and decision table are its "
        "rules."
    ),
)
def test_ackd_does_not_renumber(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The messages are not renumbered until the mailbox is released."""
    session = pop2_login()
    retrieve(session, pop2_mailbox, "plain")
    session.ackd()
    number = pop2_mailbox.numbers["dots"]
    expected = len(pop2_mailbox["dots"].content)
    length = read(session, number)
    assert length == expected, (
        f"sent ACKD for message {pop2_mailbox.numbers['plain']}, then READ {number}: expected "
        f"={expected} (still the same message), got ={length}"
    )


@pytest.mark.rfc(
    937,
    "Commands: ACKD",
    "MUST",
    basis=(
        "ACKD is defined to take effect when the mailbox is released at the end of the "
        "session. RFC 937 (1985) predates RFC 2119: its command definitions and decision "
        "table are its rules."
    ),
)
def test_ackd_deletes_when_the_session_ends(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The actual change is made when the mailbox is released at the end of the session or
    when the client selects another mailbox with the FOLD command."""
    session = pop2_login()
    before = session.count or 0
    retrieve(session, pop2_mailbox, "plain")
    session.ackd()
    session.quit()
    session.expect_closed()
    after = pop2_login().count
    assert after == before - 1, (
        f"ACKD one of #{before} messages and QUIT, expected #{before - 1} in a new session, "
        f"got #{after}"
    )


@pytest.mark.rfc(
    937,
    "Commands: ACKD",
    "MUST",
    basis=(
        "ACKD is defined to take effect when FOLD selects another mailbox. RFC 937 (1985)"
        " predates RFC 2119: its command definitions and decision table are its rules."
    ),
)
def test_ackd_deletes_when_fold_selects_a_mailbox(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The actual change is made when the mailbox is released at the end of the session or
    when the client selects another mailbox with the FOLD command."""
    session = pop2_login()
    before = session.count or 0
    retrieve(session, pop2_mailbox, "plain")
    session.ackd()
    # FOLD's reply counts the messages of the mailbox it selects ("Message
    # Numbers"); INBOX selected again is read after the release, so without the deleted
    # one.  Read from this session: a second one may be refused while this one holds
    # the mailbox (the reference server locks it, as POP3 servers do).
    reply = session.fold("INBOX")
    assert session.count == before - 1, (
        f"ACKD one of #{before} messages then FOLD INBOX, expected #{before - 1} in FOLD's "
        f"reply, got {reply}"
    )
