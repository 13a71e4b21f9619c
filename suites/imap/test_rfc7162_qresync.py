"""QRESYNC (RFC 7162 §3.2), graded where advertised, and the CLOSED response code every
server advertising CONDSTORE or QRESYNC owes (§3.2.11)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapCompletion, ImapSession

from ._imap import code_of, expect_ok, mailbox, shown, three_messages


def _enabled(session: ImapSession) -> None:
    completed = expect_ok(session.command("ENABLE", b"QRESYNC"), "ENABLE QRESYNC")
    enabled = [r for r in completed.untagged if r.keyword == b"ENABLED"]
    assert enabled and b"QRESYNC" in enabled[0].line.upper(), (
        f"ENABLE QRESYNC of a server advertising QRESYNC: no ENABLED QRESYNC in "
        f"{[shown(r) for r in completed.untagged]}"
    )


def _vanished(completed: ImapCompletion) -> list[bytes]:
    """The text after ``* VANISHED`` of each VANISHED response."""
    return [
        r.line.split(b" ", 2)[2].strip()
        for r in completed.untagged
        if r.keyword == b"VANISHED" and len(r.line.split(b" ", 2)) == 3
    ]


def _uid_set_has(uid_set: bytes, uid: int) -> bool:
    """``uid`` is in the sequence-set ``uid_set`` (numbers and ranges; no ``*`` here)."""
    for item in uid_set.split(b","):
        low, _, high = item.partition(b":")
        if low.isdigit() and int(low) <= uid <= int(high or low):
            return True
    return False


def _highest_modseq(completed: ImapCompletion) -> int:
    value = code_of(completed.untagged, b"HIGHESTMODSEQ")
    assert value is not None and value.strip().isdigit(), (
        f"SELECT after ENABLE QRESYNC: no [HIGHESTMODSEQ n] in "
        f"{[shown(r) for r in completed.untagged]}"
    )
    return int(value)


@pytest.mark.rfc(
    7162,
    "3.2.11",
    "MUST",
    basis=(
        "the sentence before says a QRESYNC server MUST return CLOSED; this one extends "
        "it, in lower case, to every server advertising CONDSTORE"
    ),
)
def test_select_while_selected_returns_closed(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, imap_capabilities: frozenset[str]
) -> None:
    """A server that advertises "QRESYNC" or "CONDSTORE" in the capability string must
    return the CLOSED response code in this case, whether or not a CONDSTORE enabling
    command was issued."""
    if not {"CONDSTORE", "QRESYNC"} & imap_capabilities:
        pytest.skip("the target advertises neither CONDSTORE nor QRESYNC")
    session = imap_login()
    expect_ok(session.select(imap_mailbox), f"SELECT {imap_mailbox}")
    completed = expect_ok(session.select("INBOX", examine=True), "EXAMINE INBOX")
    assert code_of(completed.untagged, b"CLOSED") is not None, (
        f"EXAMINE INBOX with {imap_mailbox} selected closes it implicitly: no [CLOSED] in "
        f"{[shown(r) for r in completed.untagged]}"
    )


@pytest.mark.rfc(7162, "3.2.5", "MUST")
@pytest.mark.requires("QRESYNC")
def test_qresync_parameter_without_enable_is_bad(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A server MUST respond with a tagged BAD response if the Quick Resynchronization
    parameter to the SELECT/EXAMINE command is specified and the client hasn't issued
    "ENABLE QRESYNC" in the current connection, or the server has not positively
    responded to that command with the untagged ENABLED response containing QRESYNC."""
    session = imap_login()
    completed = session.command("SELECT", mailbox(imap_mailbox), b"(QRESYNC (1 1))")
    assert completed.response.status == b"BAD", (
        f"SELECT ... (QRESYNC (1 1)) without ENABLE QRESYNC: {shown(completed.response)}"
    )


@pytest.mark.rfc(7162, "3.2.10.2", "MUST")
@pytest.mark.requires("QRESYNC")
def test_expunge_is_reported_as_vanished_once_enabled(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Once a client has issued "ENABLE QRESYNC" (and the server has positively responded
    to that command with the untagged ENABLED response containing QRESYNC), the server
    MUST use the VANISHED response without the EARLIER tag instead of the EXPUNGE response
    for all mailboxes that don't return NOMODSEQ when selected."""
    session = imap_login()
    _enabled(session)
    uids = three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 2")
    completed = expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    expunges = [shown(r) for r in completed.untagged if r.keyword == b"EXPUNGE"]
    vanished = _vanished(completed)
    assert not expunges and any(_uid_set_has(v, uids[1]) for v in vanished), (
        f"EXPUNGE of UID {uids[1]} after ENABLE QRESYNC: expected '* VANISHED {uids[1]}', "
        f"got {[shown(r) for r in completed.untagged]}"
    )
    assert not any(v.upper().startswith(b"(EARLIER)") for v in vanished), (
        f"a VANISHED for an expunge in the session carries no EARLIER tag: {vanished}"
    )


@pytest.mark.rfc(7162, "3.2.7", "MUST")
@pytest.mark.requires("QRESYNC")
def test_expunge_with_qresync_returns_highestmodseq(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If at least one message got expunged and QRESYNC was enabled, the server MUST send
    the updated per-mailbox modification sequence using the HIGHESTMODSEQ response code
    (see Section 3.1.2.1) in the tagged OK response."""
    session = imap_login()
    _enabled(session)
    three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"1", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 1")
    completed = expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    assert code_of([completed.response], b"HIGHESTMODSEQ") is not None, (
        f"EXPUNGE removed a message with QRESYNC enabled: {shown(completed.response)}"
    )


@pytest.mark.rfc(7162, "3.2.6", "MUST")
@pytest.mark.requires("QRESYNC")
def test_uid_fetch_vanished_comes_before_fetch(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any VANISHED (EARLIER) responses MUST be returned before any FETCH responses,
    otherwise the client might get confused about how message numbers map to UIDs."""
    session = imap_login()
    _enabled(session)
    uids = three_messages(session, imap_mailbox)
    known = _highest_modseq(session.select(imap_mailbox))
    expect_ok(session.command("STORE", b"1", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 1")
    expect_ok(session.command("EXPUNGE"), "EXPUNGE")
    expect_ok(session.command("STORE", b"2", b"+FLAGS.SILENT", b"(\\Flagged)"), "STORE 2")
    completed = expect_ok(
        session.command("UID", b"FETCH", b"1:*", b"(FLAGS)", b"(CHANGEDSINCE %d VANISHED)" % known),
        f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {known} VANISHED)",
    )
    order = [r.keyword for r in completed.untagged if r.keyword in (b"VANISHED", b"FETCH")]
    earlier = [v for v in _vanished(completed) if v.upper().startswith(b"(EARLIER)")]
    assert earlier and any(_uid_set_has(v[len(b"(EARLIER) ") :], uids[0]) for v in earlier), (
        f"UID {uids[0]} was expunged after MODSEQ {known}: expected it in a VANISHED "
        f"(EARLIER), got {[shown(r) for r in completed.untagged]}"
    )
    assert b"FETCH" not in order or order.index(b"VANISHED") < order.index(b"FETCH"), (
        f"responses came in the order {order}"
    )


@pytest.mark.rfc(7162, "3.2.6", "MUST")
@pytest.mark.requires("QRESYNC")
def test_vanished_modifier_without_changedsince_is_bad(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the VANISHED UID FETCH modifier is used without the CHANGEDSINCE UID FETCH
    modifier, the server MUST respond with a tagged BAD response."""
    session = imap_login()
    _enabled(session)
    three_messages(session, imap_mailbox)
    completed = session.command("UID", b"FETCH", b"1:*", b"(FLAGS)", b"(VANISHED)")
    assert completed.response.status == b"BAD", (
        f"UID FETCH 1:* (FLAGS) (VANISHED): {shown(completed.response)}"
    )
