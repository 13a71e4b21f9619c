"""RFC 937 FOLD: selecting a mailbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import Pop2Mailbox, Pop2Session
from reference_impl.pop2 import ReplyKind

from ._rfc937 import expect, read


@pytest.mark.rfc(
    937,
    "Commands: FOLD",
    "MUST",
    basis=(
        "FOLD is defined to report zero messages for an empty or missing mailbox. RFC 937"
        " (1985) predates RFC 2119: its command definitions and decision table are its "
        "rules."
    ),
)
def test_fold_of_a_missing_mailbox_gets_zero(pop2_login: Callable[[], Pop2Session]) -> None:
    """If the mailbox is empty or does not exist, the number of messages reported is
    zero."""
    session = pop2_login()
    name = "no-such-folder-conformance"
    count = expect(session.fold(name), ReplyKind.COUNT, f"FOLD {name}")
    assert count == 0, f"sent FOLD {name} (no such mailbox), expected #0, got #{count}"


@pytest.mark.rfc(
    937,
    "The Protocol",
    "MUST",
    basis=(
        "The Protocol defines the default message of READ: the current message, set to "
        "one when a new folder is selected. RFC 937 (1985) predates RFC 2119: its command"
        " definitions and decision table are its rules."
    ),
)
def test_fold_sets_the_current_message_to_one(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """The read command may optionally indicate which message number to read, the default
    is the current message (incremented when a message is read and set to one when a new
    folder is selected)."""
    session = pop2_login()
    read(session, pop2_mailbox.numbers["dots"])
    session.fold("INBOX")
    implied = read(session)
    first = read(session, 1)
    assert implied == first, (
        f"sent READ {pop2_mailbox.numbers['dots']}, FOLD INBOX, READ: expected the length of "
        f"message 1 (={first}), got ={implied}"
    )


@pytest.mark.rfc(
    937,
    "Commands: FOLD",
    "MUST",
    basis=(
        "FOLD lists '#nnn' as its only response (zero for a missing mailbox, never '-' "
        "and close); action 5 of the Server Decision Table stays in MBOX state. RFC 937 "
        "(1985) predates RFC 2119: its command definitions and decision table are its "
        "rules."
    ),
)
def test_fold_of_a_missing_mailbox_keeps_the_session(
    pop2_login: Callable[[], Pop2Session], pop2_mailbox: Pop2Mailbox
) -> None:
    """"#nnn" ... where nnn is the number of messages in this mailbox.

    FOLD has no "-" response: the session goes on, and READ in the empty folder is =0.
    """
    session = pop2_login()
    session.fold("no-such-folder-conformance")
    length = read(session, 1)
    assert length == 0, f"sent FOLD of an empty folder then READ 1, expected =0, got ={length}"
