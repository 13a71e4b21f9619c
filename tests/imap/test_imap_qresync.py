"""QRESYNC (RFC 7162 §3.2) in the reference IMAP server core, driven in memory against a
real store: VANISHED instead of EXPUNGE once enabled, the QRESYNC SELECT parameter, the
VANISHED UID FETCH modifier, HIGHESTMODSEQ after EXPUNGE, and CLOSED."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from imap_driver import Driven, logged_in

from reference_impl.store import MailStore

MESSAGE = b"Subject: q\r\n\r\nbody\r\n"


@pytest.fixture
def store(tmp_path: Path) -> MailStore:
    return MailStore(tmp_path / "store")


def enabled(store: MailStore, tmp_path: Path) -> Driven:
    session = logged_in(tmp_path, store)
    reply = session.send(b"E ENABLE QRESYNC\r\n")
    assert b"* ENABLED QRESYNC\r\n" in reply and b"E OK" in reply, reply
    return session


def highest_modseq(reply: bytes) -> int:
    found = re.search(rb"HIGHESTMODSEQ (\d+)", reply)
    assert found, reply
    return int(found.group(1))


def test_capability_and_enable(store: MailStore, tmp_path: Path) -> None:
    session = logged_in(tmp_path, store)
    assert b" QRESYNC" in session.send(b"C CAPABILITY\r\n")
    enabled(store, tmp_path)


def test_qresync_parameter_before_enable_is_bad(store: MailStore, tmp_path: Path) -> None:
    """§3.2.5: "A server MUST respond with a tagged BAD response if the Quick
    Resynchronization parameter to the SELECT/EXAMINE command is specified and the client
    hasn't issued "ENABLE QRESYNC" in the current connection"."""
    session = logged_in(tmp_path, store)
    assert session.send(b"S SELECT INBOX (QRESYNC (1 1))\r\n").startswith(b"S BAD")


def test_expunges_are_vanished_once_enabled(store: MailStore, tmp_path: Path) -> None:
    """§3.2.10.2 and §3.2.7: VANISHED without EARLIER instead of EXPUNGE, and the raised
    HIGHESTMODSEQ in the tagged OK."""
    for _ in range(4):
        store.deliver("alice", MESSAGE)
    session = enabled(store, tmp_path)
    session.send(b"S SELECT INBOX\r\n")
    session.send(b"F STORE 2,3 +FLAGS.SILENT (\\Deleted)\r\n")
    reply = session.send(b"X EXPUNGE\r\n")
    assert b"* VANISHED 2:3\r\n" in reply and b"EXPUNGE\r\n" not in reply, reply
    assert re.search(rb"X OK \[HIGHESTMODSEQ \d+\]", reply), reply
    # Another session's expunge arrives as VANISHED too, naming the UID, not a number.
    store.update_flags("alice", [4], add=["\\Deleted"])
    store.expunge("alice")
    assert b"* VANISHED 4\r\n" in session.send(b"N NOOP\r\n")


def test_select_with_qresync_reports_what_changed(store: MailStore, tmp_path: Path) -> None:
    """§3.2.5.1: VANISHED (EARLIER) for the known UIDs expunged since the given MODSEQ,
    then FETCH (UID FLAGS MODSEQ) for those changed since."""
    for _ in range(5):
        store.deliver("alice", MESSAGE)
    session = enabled(store, tmp_path)
    reply = session.send(b"S SELECT INBOX\r\n")
    validity = int(re.search(rb"UIDVALIDITY (\d+)", reply).group(1))  # type: ignore[union-attr]
    known = highest_modseq(reply)
    session.send(b"C CLOSE\r\n")
    store.update_flags("alice", [2], add=["\\Deleted"])
    store.expunge("alice")
    store.update_flags("alice", [4], add=["\\Flagged"])
    reply = session.send(b"S SELECT INBOX (QRESYNC (%d %d 1:5))\r\n" % (validity, known))
    assert b"* VANISHED (EARLIER) 2\r\n" in reply, reply
    assert re.search(rb"\* 3 FETCH \(UID 4 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)", reply), reply
    assert reply.index(b"VANISHED") < reply.index(b"FETCH")
    # A UIDVALIDITY the client did not keep: nothing but the usual SELECT data.
    reply = session.send(b"T SELECT INBOX (QRESYNC (%d %d))\r\n" % (validity + 1, known))
    assert b"VANISHED" not in reply and b"FETCH" not in reply, reply


def test_uid_fetch_vanished_modifier(store: MailStore, tmp_path: Path) -> None:
    """§3.2.6: VANISHED (EARLIER) before the FETCH responses; BAD with FETCH, or without
    CHANGEDSINCE."""
    for _ in range(3):
        store.deliver("alice", MESSAGE)
    session = enabled(store, tmp_path)
    known = highest_modseq(session.send(b"S SELECT INBOX\r\n"))
    store.update_flags("alice", [1], add=["\\Deleted"])
    store.expunge("alice")
    store.update_flags("alice", [3], add=["\\Seen"])
    reply = session.send(b"U UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)\r\n" % known)
    assert reply.index(b"* VANISHED (EARLIER) 1\r\n") < reply.index(b"UID 3"), reply
    assert b"UID 2" not in reply  # unchanged since
    assert session.send(b"B FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n").startswith(b"B BAD")
    assert session.send(b"V UID FETCH 1:* (FLAGS) (VANISHED)\r\n").startswith(b"V BAD")


def test_select_while_selected_says_closed_in_imap4rev1(store: MailStore, tmp_path: Path) -> None:
    """§3.2.11: "A server that advertises "QRESYNC" or "CONDSTORE" in the capability string
    must return the CLOSED response code in this case, whether or not a CONDSTORE enabling
    command was issued"."""
    session = logged_in(tmp_path, store)
    session.send(b"S SELECT INBOX\r\n")
    assert b"* OK [CLOSED]" in session.send(b"T EXAMINE INBOX\r\n")
