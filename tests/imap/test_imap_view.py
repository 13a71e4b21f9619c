"""A session's view of its selected mailbox catches up with other sessions' changes by
reading only what changed (RFC 9051 §7.4: EXISTS, FETCH FLAGS, EXPUNGE), and stays right
when the mailbox itself goes away or is made anew."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_impl.imap._view import View
from reference_impl.store import MailStore

MESSAGE = b"Subject: view\r\n\r\nbody\r\n"


def selected(store: MailStore, mailbox: str = "INBOX") -> View:
    view = View(user="alice", mailbox=mailbox, read_only=False, rev1=False)
    info = store.mailbox_info("alice", mailbox)
    assert info is not None
    view.load(store, info)
    return view


def test_changes_from_elsewhere_arrive_in_order(tmp_path: Path) -> None:
    with MailStore(tmp_path / "store") as store:
        for _ in range(4):
            store.deliver("alice", MESSAGE)
        view = selected(store)
        assert view.refresh(store, expunge=True) == b""  # nothing changed: nothing said
        store.update_flags("alice", [3], add=["\\Seen"])
        store.update_flags("alice", [2], add=["\\Deleted"])
        store.expunge("alice")
        store.deliver("alice", MESSAGE)
        assert view.refresh(store, expunge=True) == (
            b"* 2 EXPUNGE\r\n* 2 FETCH (UID 3 FLAGS (\\Seen))\r\n* 4 EXISTS\r\n"
        )
        assert view.uids == [1, 3, 4, 5]


def test_expunge_waits_and_the_count_stays_right(tmp_path: Path) -> None:
    with MailStore(tmp_path / "store") as store:
        for _ in range(3):
            store.deliver("alice", MESSAGE)
        view = selected(store)
        store.delete("alice", [1])  # a POP3 UPDATE, say
        assert view.refresh(store, expunge=False) == b""  # RFC 9051 §7.4.1: not yet
        store.deliver("alice", MESSAGE)
        assert view.refresh(store, expunge=False) == b"* 4 EXISTS\r\n"  # the ghost counts
        assert view.refresh(store, expunge=True) == b"* 1 EXPUNGE\r\n"
        assert view.uids == [2, 3, 4]


def test_a_mailbox_deleted_and_made_anew_is_compared_whole(tmp_path: Path) -> None:
    with MailStore(tmp_path / "store") as store:
        store.create_mailbox("alice", "Work")
        for _ in range(2):
            store.deliver("alice", MESSAGE, mailbox="Work")
        view = selected(store, "Work")
        store.delete_mailbox("alice", "Work")
        assert view.refresh(store, expunge=True) == b"* 2 EXPUNGE\r\n* 1 EXPUNGE\r\n"
        store.create_mailbox("alice", "Work")
        store.deliver("alice", MESSAGE, mailbox="Work")
        # A new UIDVALIDITY: the view no longer matches, so it is compared whole.
        assert view.refresh(store, expunge=True) == b"* 1 EXISTS\r\n"


def test_catching_up_does_not_read_the_whole_mailbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command ends by catching up, so its cost must follow the changes, not the
    mailbox's size: listing every message there made a session in a mailbox of a
    thousand messages several times slower than in an empty one."""
    with MailStore(tmp_path / "store") as store:
        for _ in range(3):
            store.deliver("alice", MESSAGE)
        view = selected(store)

        def whole_mailbox(*args: object, **kwargs: object) -> None:
            raise AssertionError("the whole mailbox was read to catch up")

        monkeypatch.setattr(store, "messages", whole_mailbox)
        assert view.refresh(store, expunge=True) == b""
        store.update_flags("alice", [2], add=["\\Flagged"])
        store.deliver("alice", MESSAGE)
        assert view.refresh(store, expunge=True) == (
            b"* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n* 4 EXISTS\r\n"
        )
