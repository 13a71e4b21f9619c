"""RFC 3501 §2.3.2, §6.3.11, §7.3, §7.4.1: what one session sees of another's changes
(EXISTS, EXPUNGE and its renumbering, \\Recent in one session only), and no EXPUNGE in
the middle of a STORE or SEARCH answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    append,
    expect_ok,
    fetch,
    flags_of,
    mailbox,
    message,
    number_in,
    select,
    status_items,
    three_messages,
    uid_of,
)


def _expunged_elsewhere(imap_login: Callable[[], ImapSession], name: str) -> ImapSession:
    """A session with ``name`` selected (messages 1-3) while another session expunges
    message 2; the other session's expunge is not yet reported to it."""
    other = imap_login()
    three_messages(other, name)
    watcher = imap_login()
    select(watcher, name)
    expect_ok(other.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")
    expect_ok(other.command("EXPUNGE"), "EXPUNGE in the other session")
    return watcher


@pytest.mark.rfc(
    3501, "7.4.1", "MUST", basis="§7.4.1 defines the renumbering as the meaning of EXPUNGE"
)
def test_expunge_in_another_session_renumbers_here(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The message sequence number for each successive message in the mailbox is
    immediately decremented by 1, and this decrement is reflected in message sequence
    numbers in subsequent responses (including other untagged EXPUNGE responses)."""
    watcher = _expunged_elsewhere(imap_login, imap_mailbox)
    expect_ok(watcher.command("NOOP"), "NOOP")
    data = fetch(watcher, "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subjects = [value for n in sorted(data) for value in data[n].values()]
    wanted = [b"Subject: m-0\r\n\r\n", b"Subject: m-2\r\n\r\n"]
    assert subjects == wanted, f"after the other session expunged m-1, messages are {subjects}"


@pytest.mark.rfc(3501, "7.4.1", "MUST")
@pytest.mark.parametrize(
    "line",
    [("STORE", b"1", b"+FLAGS", b"(\\Flagged)"), ("SEARCH", b"ALL")],
    ids=lambda line: line[0],
)
def test_no_expunge_while_answering_store_or_search(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, line: tuple[str, ...]
) -> None:
    """An EXPUNGE response MUST NOT be sent when no command is in progress, nor while
    responding to a FETCH, STORE, or SEARCH command."""
    watcher = _expunged_elsewhere(imap_login, imap_mailbox)
    name, *arguments = line
    completed = expect_ok(watcher.command(name, *arguments), name)
    expunges = [r.line for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert not expunges, f"EXPUNGE sent while answering {name}: {expunges!r}"


@pytest.mark.rfc(
    3501, "7.3.1", "MUST", basis="§7.3.1: EXISTS is sent when the size of the mailbox changes"
)
def test_another_sessions_append_is_reported_by_exists(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """This response occurs as a result of a SELECT or EXAMINE command, and if the size of
    the mailbox changes (e.g., new messages)."""
    watcher = imap_login()
    select(watcher, imap_mailbox)
    append(imap_login(), imap_mailbox, message("arrives"))
    exists = number_in(expect_ok(watcher.command("NOOP"), "NOOP"), b"EXISTS")
    assert exists == 1, f"after another session's APPEND, NOOP reported EXISTS {exists}"


@pytest.mark.rfc(3501, "6.3.11", "SHOULD")
def test_append_to_the_selected_mailbox_reports_exists(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the mailbox is currently selected, the normal new message actions SHOULD occur.
    Specifically, the server SHOULD notify the client immediately via an untagged EXISTS
    response."""
    session = imap_login()
    select(session, imap_mailbox)
    exists = number_in(append(session, imap_mailbox, message("here")), b"EXISTS")
    assert exists == 1, f"APPEND to the selected mailbox reported EXISTS {exists}"


@pytest.mark.rfc(
    3501,
    "2.3.2",
    "MUST",
    basis="§2.3.2 defines \\Recent as seen by the first session told of the message only",
)
@pytest.mark.requires("IMAP4rev1")  # \Recent: RFC 9051 Appendix E drops it
def test_message_arriving_while_selected_is_recent_there_only(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """This session is the first session to have been notified about this message; if the
    session is read-write, subsequent sessions will not see \\Recent set for this
    message."""
    watcher = imap_login()
    select(watcher, imap_mailbox)
    append(imap_login(), imap_mailbox, message("recent while selected"))
    expect_ok(watcher.command("NOOP"), "NOOP")
    here = b"\\RECENT" in flags_of(fetch(watcher, "1", "(FLAGS)")[1])
    later = number_in(select(imap_login(), imap_mailbox), b"RECENT")
    assert (here, later) == (True, 0), (
        f"\\Recent in the session selected when it came: {here}; RECENT in a later one: {later}"
    )


@pytest.mark.rfc(3501, "6.3.10", "MUST", basis="§6.3.10 defines each status item's value")
def test_status_recent_counts_recent_messages(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """RECENT The number of messages with the \\Recent flag set."""
    session = imap_login()
    append(session, imap_mailbox, message("recent-1"))
    append(session, imap_mailbox, message("recent-2"))
    completed = session.command("STATUS", mailbox(imap_mailbox), b"(RECENT MESSAGES)")
    items = status_items(expect_ok(completed, "STATUS (RECENT MESSAGES)"))
    assert items.get(b"RECENT") == 2, f"two messages APPENDed, no session told: STATUS {items}"


@pytest.mark.rfc(3501, "2.2.2", "SHOULD")
def test_status_with_an_unknown_item_gets_bad(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any client command with a protocol syntax error, including (but not limited to)
    missing or extraneous spaces or arguments, SHOULD be rejected, and the client given a
    BAD server completion response."""
    completed = imap_login().command("STATUS", mailbox(imap_mailbox), b"(MESSAGES XNOSUCHITEM)")
    assert completed.response.status == b"BAD", (
        f"STATUS with an unknown item: expected BAD, got {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "7.4.1", "MUST", basis="§7.4.1: EXPUNGE reports a message removed")
def test_expunge_in_another_session_is_reported_once_per_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The EXPUNGE response reports that the specified message sequence number has been
    permanently removed from the mailbox."""
    other = imap_login()
    uids = three_messages(other, imap_mailbox)
    watcher = imap_login()
    select(watcher, imap_mailbox)
    expect_ok(other.command("STORE", b"1,3", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")
    expect_ok(other.command("EXPUNGE"), "EXPUNGE in the other session")
    completed = expect_ok(watcher.command("NOOP"), "NOOP")
    expunged = [r.number for r in completed.untagged if r.keyword == b"EXPUNGE"]
    assert expunged in ([1, 2], [3, 1]), f"messages 1 and 3 expunged, reported as {expunged}"
    assert uid_of(watcher, 1) == uids[1], "message 2 is not message 1 after the two EXPUNGEs"
