"""The store's IMAP model: a namespace per user, APPEND's flags and date, atomic flag
changes, COPY/MOVE UID maps, EXPUNGE, MODSEQ, the change feed, and the schema migration."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reference_impl.store import (
    SCHEMA_VERSION,
    ChangeKind,
    MailboxChange,
    MailboxError,
    MailStore,
    SchemaError,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store") as opened:
        yield opened


# -- namespace (RFC 9051 §5.1, §6.3.4-§6.3.8) ---------------------------------------------------


def test_inbox_is_case_insensitive_and_the_default(store: MailStore) -> None:
    uid = store.deliver("alice", b"x").uid
    assert store.read("alice", uid, mailbox="inbox") == b"x"
    assert [m.name for m in store.mailboxes("alice")] == ["INBOX"]
    store.create_mailbox("alice", "iNbOx/child")
    assert [m.name for m in store.mailboxes("alice")] == ["INBOX", "INBOX/child"]


def test_users_have_separate_namespaces(store: MailStore) -> None:
    store.create_new_mailbox("alice", "Archive")
    store.deliver("bob", b"b")
    assert [m.name for m in store.mailboxes("bob")] == ["INBOX"]
    assert store.mailbox_info("bob", "Archive") is None


def test_create_makes_superiors_and_refuses_an_existing_name(store: MailStore) -> None:
    store.create_new_mailbox("alice", "a/b/c", special_use="\\Archive")
    assert [m.name for m in store.mailboxes("alice")] == ["a", "a/b", "a/b/c"]
    assert store.mailbox_info("alice", "a/b/c").special_use == "\\Archive"  # type: ignore[union-attr]
    with pytest.raises(MailboxError):
        store.create_new_mailbox("alice", "a/b")


@pytest.mark.parametrize("bad", ["", "a//b", "/a", "a/", "x\0y"])
def test_names_with_empty_levels_are_refused(store: MailStore, bad: str) -> None:
    with pytest.raises(ValueError):
        store.create_new_mailbox("alice", bad)


def test_delete_keeps_inferiors_as_a_noselect_name(store: MailStore) -> None:
    store.create_new_mailbox("alice", "foo/bar")
    message = store.deliver("alice", b"in foo", mailbox="foo")
    store.delete_mailbox("alice", "foo")
    info = store.mailbox_info("alice", "foo")
    assert info is not None and info.noselect and info.exists == 0
    assert not message.path.exists()
    assert store.mailbox_info("alice", "foo/bar") is not None
    with pytest.raises(MailboxError):  # \Noselect with inferiors (§6.3.5)
        store.delete_mailbox("alice", "foo")
    store.delete_mailbox("alice", "foo/bar")
    store.delete_mailbox("alice", "foo")
    assert store.mailboxes("alice") == []


def test_inbox_cannot_be_deleted_and_missing_names_are_errors(store: MailStore) -> None:
    store.deliver("alice", b"x")
    with pytest.raises(MailboxError):
        store.delete_mailbox("alice", "inbox")
    with pytest.raises(MailboxError):
        store.delete_mailbox("alice", "nothing")
    with pytest.raises(MailboxError):
        store.rename_mailbox("alice", "nothing", "other")


def test_rename_moves_inferiors_and_keeps_uids(store: MailStore) -> None:
    store.create_new_mailbox("alice", "foo/bar")
    kept = store.deliver("alice", b"m", mailbox="foo/bar")
    before = store.mailbox_info("alice", "foo/bar")
    store.subscribe("alice", "foo/bar")
    store.rename_mailbox("alice", "foo", "zap/zip")
    names = [m.name for m in store.mailboxes("alice")]
    assert names == ["zap", "zap/zip", "zap/zip/bar"]
    after = store.mailbox_info("alice", "zap/zip/bar")
    assert after is not None and before is not None
    assert (after.uid_validity, after.uid_next) == (before.uid_validity, before.uid_next)
    assert store.read("alice", kept.uid, mailbox="zap/zip/bar") == b"m"
    assert store.subscriptions("alice") == ["zap/zip/bar"]
    # A mailbox made again under the old name starts a new UIDVALIDITY: no UID reused.
    again = store.create_new_mailbox("alice", "foo/bar")
    assert again.uid_validity != before.uid_validity


def test_rename_of_inbox_moves_its_messages_and_leaves_its_inferiors(store: MailStore) -> None:
    first = store.deliver("alice", b"one", flags={"\\Seen"})
    store.deliver("alice", b"two")
    store.create_new_mailbox("alice", "INBOX/keep")
    store.rename_mailbox("alice", "INBOX", "old-mail")
    assert store.messages("alice") == []
    inbox = store.mailbox_info("alice")
    assert inbox is not None and inbox.uid_next == 3  # INBOX's UIDs are not reused
    moved = store.messages("alice", mailbox="old-mail")
    assert [m.path.read_bytes() for m in moved] == [b"one", b"two"]
    assert moved[0].flags == first.flags
    assert store.mailbox_info("alice", "INBOX/keep") is not None
    assert store.deliver("alice", b"three").uid == 3


def test_subscriptions_need_no_mailbox(store: MailStore) -> None:
    store.subscribe("alice", "Later")
    store.subscribe("alice", "Later")
    assert store.subscriptions("alice") == ["Later"]
    store.unsubscribe("alice", "Later")
    assert store.subscriptions("alice") == []


# -- messages ------------------------------------------------------------------------------------


def test_append_keeps_flags_and_internal_date(store: MailStore) -> None:
    stored = store.deliver(
        "alice", b"x", mailbox="Sent", flags={"\\Seen", "$Forwarded"}, internal_date=86400.0
    )
    (listed,) = store.messages("alice", mailbox="Sent")
    assert listed == stored
    assert listed.flags == {"\\Seen", "$Forwarded"} and listed.internal_date == 86400.0


def test_flag_changes_from_two_sessions_are_not_lost(tmp_path: Path) -> None:
    # Two handles have two SQLite connections, as two server processes would.
    with MailStore(tmp_path) as first, MailStore(tmp_path) as second:
        uid = first.deliver("alice", b"x").uid
        barrier = threading.Barrier(2)

        def add(handle: MailStore, prefix: str) -> None:
            barrier.wait()
            for i in range(40):
                handle.update_flags("alice", [uid], add={f"{prefix}{i}"})

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(add, [first, second], ["$a", "$b"]))
        flags = first.message("alice", uid).flags
    assert flags == {f"$a{i}" for i in range(40)} | {f"$b{i}" for i in range(40)}


def test_flag_updates_add_remove_replace_and_modseq(store: MailStore) -> None:
    uid = store.deliver("alice", b"x").uid
    start = store.message("alice", uid).modseq
    update = store.update_flags("alice", [uid], add={"\\Seen", "\\Flagged"})
    (changed,) = update.changed
    assert changed.flags == {"\\Seen", "\\Flagged"} and changed.modseq > start
    assert store.update_flags("alice", [uid], add={"\\Seen"}).changed == []  # no change
    assert store.update_flags("alice", [uid], remove={"\\Seen"}).changed[0].flags == {
        "\\Flagged"
    }
    assert store.update_flags("alice", [uid], replace=set()).changed[0].flags == frozenset()
    info = store.mailbox_info("alice")
    assert info is not None and info.highest_modseq == store.message("alice", uid).modseq


def test_unchanged_since_refuses_messages_changed_later(store: MailStore) -> None:
    a, b = (store.deliver("alice", body).uid for body in (b"a", b"b"))
    seen = store.message("alice", b).modseq
    store.update_flags("alice", [a], add={"$x"})
    result = store.update_flags("alice", [a, b], add={"\\Seen"}, unchanged_since=seen)
    assert result.modified == [a]
    assert [m.uid for m in result.changed] == [b]


def test_expunge_removes_only_deleted_messages(store: MailStore) -> None:
    uids = [store.deliver("alice", b"m%d" % i).uid for i in range(4)]
    store.update_flags("alice", uids[1:], add={"\\Deleted"})
    assert store.expunge("alice", uids=[uids[2], uids[3]]) == [uids[2], uids[3]]  # UID EXPUNGE
    assert store.expunge("alice") == [uids[1]]
    assert [m.uid for m in store.messages("alice")] == [uids[0]]


def test_copy_and_move_give_new_uids_and_the_map(store: MailStore) -> None:
    for body in (b"a", b"b", b"c"):
        store.deliver("alice", body, flags={"\\Seen"}, internal_date=1000.0)
    store.create_new_mailbox("alice", "Archive")
    store.deliver("alice", b"already", mailbox="Archive")
    assert store.copy("alice", [1, 3, 99], to="Archive") == {1: 2, 3: 3}
    copied = store.messages("alice", mailbox="Archive")[1:]
    assert [(m.path.read_bytes(), m.flags, m.internal_date) for m in copied] == [
        (b"a", {"\\Seen"}, 1000.0),
        (b"c", {"\\Seen"}, 1000.0),
    ]
    assert store.move("alice", [2, 3], to="Archive") == {2: 4, 3: 5}
    assert [m.uid for m in store.messages("alice")] == [1]
    assert [m.path.read_bytes() for m in store.messages("alice", mailbox="Archive")] == [
        b"already",
        b"a",
        b"c",
        b"b",
        b"c",
    ]
    with pytest.raises(MailboxError):  # the target is never created (RFC 9051 §6.4.7)
        store.copy("alice", [1], to="Nowhere")


def test_uids_are_never_reused_after_expunge_and_restart(tmp_path: Path) -> None:
    with MailStore(tmp_path) as store:
        uids = [store.deliver("alice", b"m").uid for _ in range(3)]
        store.delete("alice", uids)
        validity = store.mailbox_info("alice").uid_validity  # type: ignore[union-attr]
    with MailStore(tmp_path) as reopened:
        assert reopened.deliver("alice", b"n").uid == 4
        assert reopened.mailbox_info("alice").uid_validity == validity  # type: ignore[union-attr]


# -- the change feed ---------------------------------------------------------------------------


def test_watchers_hear_appends_flag_changes_and_expunges(tmp_path: Path) -> None:
    heard: list[MailboxChange] = []
    with MailStore(tmp_path) as session_a, MailStore(tmp_path) as session_b:
        session_a.create_mailbox("alice")
        watch = session_a.watch("alice", "inbox", heard.append)
        uid = session_b.deliver("alice", b"x").uid
        session_b.update_flags("alice", [uid], add={"\\Deleted"})
        session_b.expunge("alice")
        session_b.deliver("bob", b"not alice's")
        watch.cancel()
        session_b.deliver("alice", b"after cancel")
    assert [(c.kind, c.uids) for c in heard] == [
        (ChangeKind.APPENDED, (uid,)),
        (ChangeKind.FLAGS, (uid,)),
        (ChangeKind.EXPUNGED, (uid,)),
    ]
    assert heard[0].modseq < heard[1].modseq < heard[2].modseq


def test_changes_since_reports_changes_and_vanished_uids(store: MailStore) -> None:
    kept, gone = store.deliver("alice", b"k").uid, store.deliver("alice", b"g").uid
    mark = store.mailbox_info("alice").highest_modseq  # type: ignore[union-attr]
    store.update_flags("alice", [kept], add={"\\Seen"})
    store.delete("alice", [gone])
    changed, vanished = store.changes_since("alice", mark)
    assert [m.uid for m in changed] == [kept]
    assert vanished == [gone]
    assert store.changes_since("alice", store.mailbox_info("alice").highest_modseq) == ([], [])  # type: ignore[union-attr]


# -- schema migration -----------------------------------------------------------------------------

# The index as version 1 of the store wrote it: one mailbox per user, named after the user.
_V1_SCHEMA = """
CREATE TABLE mailboxes (name TEXT PRIMARY KEY, uid_validity INTEGER NOT NULL,
                        uid_next INTEGER NOT NULL);
CREATE TABLE messages (mailbox TEXT NOT NULL REFERENCES mailboxes(name), uid INTEGER NOT NULL,
                       file TEXT NOT NULL, size INTEGER NOT NULL, internal_date REAL NOT NULL,
                       flags TEXT NOT NULL DEFAULT '', PRIMARY KEY (mailbox, uid)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO mailboxes VALUES ('alice', 1700000000, 8);
INSERT INTO messages VALUES ('alice', 5, 'mail/alice/new/m5', 2, 1.5, '\\Seen');
INSERT INTO messages VALUES ('alice', 7, 'mail/alice/new/m7', 2, 2.5, '');
INSERT INTO meta VALUES ('last_uid_validity', 1700000000);
PRAGMA user_version = 1;
"""


def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path) -> None:
    (tmp_path / "mail" / "alice" / "new").mkdir(parents=True)
    for uid in (5, 7):
        (tmp_path / "mail" / "alice" / "new" / f"m{uid}").write_bytes(b"m%d" % uid)
    db = sqlite3.connect(tmp_path / "index.sqlite3")
    db.executescript(_V1_SCHEMA)
    db.close()
    with MailStore(tmp_path) as store:
        assert store.migrated_from == 1
        info = store.mailbox_info("alice")
        assert info is not None and (info.uid_validity, info.uid_next) == (1700000000, 8)
        listed = store.messages("alice")
        assert [(m.uid, m.flags, m.path.read_bytes()) for m in listed] == [
            (5, {"\\Seen"}, b"m5"),
            (7, frozenset(), b"m7"),
        ]
        assert store.deliver("alice", b"new").uid == 8
        assert store.create_mailbox("bob").uid_validity > 1700000000
    with MailStore(tmp_path) as again:
        assert again.migrated_from == SCHEMA_VERSION
    (version,) = sqlite3.connect(tmp_path / "index.sqlite3").execute(
        "PRAGMA user_version"
    ).fetchone()
    assert version == SCHEMA_VERSION


def test_a_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "index.sqlite3")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(SchemaError, match="schema version"):
        MailStore(tmp_path)
