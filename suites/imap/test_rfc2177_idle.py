"""RFC 2177 IDLE: the continuation request, updates pushed while idling (an APPEND in
another session), and DONE ending the command with its tagged OK."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession
from conformance._errors import TargetTimeout
from conformance._imap_session import Completion
from reference_impl.imap import CommandCompleted, ContinuationRequested, ImapResponse

from ._imap import append, expect_ok, message, select, shown

IDLE = "IDLE"


def _idle(session: ImapSession) -> tuple[bytes, list[ImapResponse]]:
    """Send IDLE; its tag and what came up to the continuation request (which must come:
    an early completion fails here)."""
    tag = session.start("IDLE")
    seen: list[ImapResponse] = []
    while True:
        try:
            event = session.next_response(timeout=session.timeout * 0.95)
        except TargetTimeout:
            raise AssertionError(
                f"sent IDLE: no '+' continuation request came (got {[shown(r) for r in seen]})"
            ) from None
        seen.append(event.response)
        if isinstance(event, ContinuationRequested):
            return tag, seen
        assert not isinstance(event, CommandCompleted) or event.tag != tag, (
            f"sent IDLE, expected a '+' continuation request, got {shown(event.response)}"
        )


def _done(session: ImapSession, tag: bytes) -> tuple[list[ImapResponse], Completion]:
    """DONE; the untagged responses before IDLE's completion, and the completion."""
    session.continue_with(b"DONE")
    completed = session.completion(tag)
    return list(completed.untagged), completed


def _exists_until(session: ImapSession, count: int) -> list[ImapResponse]:
    """Responses read until ``* <count> EXISTS``, waiting just under the session's
    timeout: none in that time fails the test rather than stopping the run."""
    seen: list[ImapResponse] = []
    try:
        while not any(r.keyword == b"EXISTS" and r.number == count for r in seen):
            seen.append(session.next_response(timeout=session.timeout * 0.95).response)
    except TargetTimeout:
        raise AssertionError(
            f"while idling, another session appended a message: no '* {count} EXISTS' "
            f"within {session.timeout * 0.95:.0f} s (got {[shown(r) for r in seen]})"
        ) from None
    return seen


@pytest.fixture
def idle_pair(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> tuple[ImapSession, ImapSession]:
    """An idler with ``imap_mailbox`` (empty) selected, and a second session."""
    idler = imap_login()
    select(idler, imap_mailbox)
    return idler, imap_login()


@pytest.mark.requires(IDLE)
@pytest.mark.rfc(
    2177,
    "3",
    "MUST",
    basis="§3 defines the continuation request as how the server starts IDLE; a client "
    "must not send DONE before it",
)
def test_idle_is_answered_with_a_continuation_request(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The server requests a response to the IDLE command using the continuation ("+")
    response."""
    session = imap_login()
    select(session, imap_mailbox)
    tag, _ = _idle(session)
    _done(session, tag)


@pytest.mark.requires(IDLE)
@pytest.mark.rfc(2177, "3", "MUST")
def test_done_ends_idle_with_its_tagged_ok(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """At that point, the server MAY send any remaining queued untagged responses and then
    MUST immediately send the tagged response to the IDLE command and prepare to process
    other commands."""
    session = imap_login()
    select(session, imap_mailbox)
    tag, _ = _idle(session)
    _, completed = _done(session, tag)
    expect_ok(completed, "IDLE, then DONE")
    expect_ok(session.command("NOOP"), "NOOP after IDLE ended")


@pytest.mark.requires(IDLE)
@pytest.mark.rfc(
    2177,
    "3",
    "SHOULD",
    basis="§3: while IDLE is active the server is free to send EXISTS at any time, and "
    "IDLE exists so that new mail is seen without polling; an update held back until "
    "DONE leaves the client polling",
)
def test_idle_pushes_exists_for_a_message_appended_by_another_session(
    idle_pair: tuple[ImapSession, ImapSession], imap_mailbox: str
) -> None:
    """The IDLE command is sent from the client to the server when the client is ready to
    accept unsolicited mailbox update messages."""
    idler, other = idle_pair
    tag, _ = _idle(idler)
    append(other, imap_mailbox, message("pushed"))
    _exists_until(idler, 1)
    expect_ok(_done(idler, tag)[1], "IDLE, then DONE")
