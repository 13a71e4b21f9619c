"""RFC 3501 §9 sequence sets (ranges in either order, "*"), §6.4.2 CLOSE, §6.2.1
STARTTLS."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import expect_ok, expect_refused, fetch, select, three_messages

RANGE_RULE = "§9 defines seq-range and '*' in the ABNF comments, the only definition there is"


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_a_reversed_range_means_the_same_messages(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """seq-range = seq-number ":" seq-number ; two seq-number values and all values between
    ; these two regardless of order.  Example: 2:4 and 4:2 are equivalent and indicate
    values 2, 3, and 4."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    assert sorted(fetch(session, "3:2", "(UID)")) == [2, 3]


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_star_is_the_last_message(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """seq-number = nz-number / "*" ... * represents the largest number in use.  In the case
    of message sequence numbers, it is the number of messages in a non-empty mailbox."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    data = fetch(session, "*", "(UID)")
    assert list(data) == [3] and data[3].get(b"UID") == str(uids[2]).encode(), f"FETCH *: {data}"


@pytest.mark.rfc(3501, "9", "MUST", basis=RANGE_RULE)
def test_uid_range_to_star_includes_the_last_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Example: a unique identifier sequence range of 3291:* includes the UID of the last
    message in the mailbox, even if that value is less than 3291."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    beyond = uids[2] + 100000
    data = fetch(session, f"{beyond}:*", "(UID)", uid=True)
    assert list(data) == [3], f"UID FETCH {beyond}:* returned {data}"


@pytest.mark.rfc(3501, "6.4.2", "MUST", basis="§6.4.2 defines CLOSE's effect: expunge, silently")
def test_close_expunges_without_expunge_responses(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The CLOSE command permanently removes all messages that have the \\Deleted flag set
    from the currently selected mailbox, and returns to the authenticated state from the
    selected state.  No untagged EXPUNGE responses are sent."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE")
    completed = expect_ok(session.command("CLOSE"), "CLOSE")
    assert not [r for r in completed.untagged if r.keyword == b"EXPUNGE"], (
        f"CLOSE sent untagged EXPUNGE: {[r.line for r in completed.untagged]!r}"
    )
    expect_refused(session.command("FETCH", b"1", b"(UID)"), "FETCH after CLOSE")
    assert sorted(_numbers_after_select(session, imap_mailbox)) == [1, 2]


def _numbers_after_select(session: ImapSession, name: str) -> dict[int, object]:
    select(session, name)
    return dict(fetch(session, "1:*", "(UID)"))


@pytest.mark.rfc(
    3501,
    "6.2.1",
    "MUST",
    basis=(
        "§6.1.1: servers MUST implement STARTTLS; one that advertises it and does not "
        "start TLS after its OK does not implement it"
    ),
)
@pytest.mark.requires("STARTTLS")
def test_starttls_starts_tls(imap: ImapSession) -> None:
    """A [TLS] negotiation begins immediately after the CRLF at the end of the tagged OK
    response from the server."""
    expect_ok(imap.starttls(), "STARTTLS")
    assert imap.tls_active
    expect_ok(imap.command("CAPABILITY"), "CAPABILITY inside TLS")
