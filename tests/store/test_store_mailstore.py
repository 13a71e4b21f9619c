"""MailStore: bytes round trip, UID rules (RFC 3501 §2.3.1.1), durability layout, deletes, flags."""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl.store import InvalidFlag, MailStore, NoSuchMessage


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store") as opened:
        yield opened


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=4096), mailbox=st.text(min_size=1, max_size=20))
def test_any_bytes_read_back_identical(data: bytes, mailbox: str) -> None:
    if "\0" in mailbox:
        mailbox = mailbox.replace("\0", "x")
    with tempfile.TemporaryDirectory() as tmp, MailStore(Path(tmp)) as store:
        stored = store.deliver(mailbox, data)
        assert store.read(mailbox, stored.uid) == data
        assert stored.size == len(data)
        assert stored.path.read_bytes() == data
        assert stored.path.is_relative_to(Path(tmp) / "mail")


def test_deliver_returns_message_in_new(store: MailStore) -> None:
    stored = store.deliver("alice", b"Subject: hi\r\n\r\nbody\r\n")
    assert (stored.owner, stored.mailbox) == ("alice", "INBOX")
    assert stored.uid == 1
    assert stored.flags == frozenset()
    assert stored.path.parent.name == "new"
    assert not any((stored.path.parent.parent / "tmp").iterdir())
    assert store.messages("alice") == [stored]


def test_uids_ascend_and_are_not_reused_after_delete(store: MailStore) -> None:
    uids = [store.deliver("alice", b"m%d" % i).uid for i in range(3)]
    assert uids == [1, 2, 3]
    assert store.delete("alice", [3]) == [3]
    assert store.deliver("alice", b"m4").uid == 4


def test_mailboxes_have_independent_uids(store: MailStore) -> None:
    assert store.deliver("alice", b"a").uid == 1
    assert store.deliver("bob", b"b").uid == 1
    assert store.users() == ["alice", "bob"]


def test_uids_strictly_ascending_under_concurrent_deliveries(store: MailStore) -> None:
    barrier = threading.Barrier(8)

    def deliver(worker: int) -> list[int]:
        barrier.wait()
        return [store.deliver("inbox", b"w%d m%d" % (worker, i)).uid for i in range(15)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        per_worker = list(pool.map(deliver, range(8)))
    for uids in per_worker:
        assert uids == sorted(uids)
    listed = store.messages("inbox")
    assert [m.uid for m in listed] == list(range(1, 121))
    bodies = {store.read("inbox", m.uid) for m in listed}
    assert len(bodies) == 120
    assert len({m.path for m in listed}) == 120


def test_state_survives_reopen(tmp_path: Path) -> None:
    with MailStore(tmp_path) as first:
        stored = first.deliver("alice", b"kept")
        first.set_flags("alice", stored.uid, {"\\Seen"})
        validity = first.create_mailbox("alice").uid_validity
    with MailStore(tmp_path) as second:
        assert second.read("alice", stored.uid) == b"kept"
        assert second.messages("alice")[0].flags == {"\\Seen"}
        info = second.mailbox_info("alice")
        assert info is not None
        assert (info.uid_validity, info.uid_next, info.exists) == (validity, 2, 1)


def test_index_is_wal_and_row_committed_on_return(tmp_path: Path) -> None:
    with MailStore(tmp_path) as store:
        store.deliver("alice", b"x")
        # A second, independent connection sees the row: it was committed, not pending.
        other = sqlite3.connect(tmp_path / "index.sqlite3")
        try:
            (mode,) = other.execute("PRAGMA journal_mode").fetchone()
            (count,) = other.execute("SELECT count(*) FROM mail").fetchone()
        finally:
            other.close()
    assert mode == "wal"
    assert count == 1


def test_delete_removes_files_and_ignores_unknown_uids(store: MailStore) -> None:
    first = store.deliver("alice", b"1")
    second = store.deliver("alice", b"2")
    assert store.delete("alice", [second.uid, 99, first.uid]) == [1, 2]
    assert store.messages("alice") == []
    assert not first.path.exists()
    assert not second.path.exists()
    with pytest.raises(NoSuchMessage):
        store.read("alice", first.uid)


def test_set_flags_replaces_flags(store: MailStore) -> None:
    uid = store.deliver("alice", b"x").uid
    assert store.set_flags("alice", uid, ["\\Seen", "$Label1"]).flags == {"\\Seen", "$Label1"}
    assert store.set_flags("alice", uid, []).flags == frozenset()
    assert store.message("alice", uid).flags == frozenset()


@pytest.mark.parametrize("flag", ["", "two words", "nul\0"])
def test_set_flags_rejects_unstorable_flags(store: MailStore, flag: str) -> None:
    uid = store.deliver("alice", b"x").uid
    with pytest.raises(InvalidFlag):
        store.set_flags("alice", uid, [flag])


def test_missing_messages_raise(store: MailStore) -> None:
    with pytest.raises(NoSuchMessage):
        store.read("nobody", 1)
    with pytest.raises(NoSuchMessage):
        store.set_flags("nobody", 1, ["\\Seen"])
    assert store.messages("nobody") == []
    assert store.mailbox_info("nobody") is None


def test_uid_validity_differs_for_recreated_store_mailbox(tmp_path: Path) -> None:
    with MailStore(tmp_path) as store:
        first = store.create_mailbox("a").uid_validity
        second = store.create_mailbox("b").uid_validity
        assert store.create_mailbox("a").uid_validity == first
    assert second > first > 0


@pytest.mark.parametrize("mailbox", ["..", ".", "a/b", "../escape", ".hidden", "INBOX/Sent"])
def test_mailbox_names_stay_inside_the_store(tmp_path: Path, mailbox: str) -> None:
    with MailStore(tmp_path) as store:
        stored = store.deliver(mailbox, b"x")
        assert stored.path.parent.parent.parent.parent == tmp_path / "mail"
        assert not stored.path.parent.parent.parent.name.startswith(".")
        assert store.read(mailbox, stored.uid) == b"x"


def test_invalid_mailbox_names_rejected(store: MailStore) -> None:
    for bad in ("", "a\0b"):
        with pytest.raises(ValueError):
            store.deliver(bad, b"x")


def test_message_files_are_private(store: MailStore) -> None:
    stored = store.deliver("alice", b"secret")
    assert os.stat(stored.path).st_mode & 0o077 == 0


def test_deliver_fsyncs_file_then_renames_then_fsyncs_directory(
    store: MailStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        events.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def rename(src: str | Path, dst: str | Path) -> None:
        events.append(f"rename {Path(src).parent.name}->{Path(dst).parent.name}")
        real_rename(src, dst)

    store.create_mailbox("alice")
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    store.deliver("alice", b"durable")
    assert events == ["fsync-file", "rename tmp->new", "fsync-dir"]


def test_failed_index_write_leaves_no_file(
    store: MailStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create_mailbox("alice")

    def fail(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store._index, "add_messages", fail)
    with pytest.raises(sqlite3.OperationalError):
        store.deliver("alice", b"lost")
    monkeypatch.undo()
    (maildir,) = (store.root / "mail" / "alice").iterdir()
    assert not any((maildir / "new").iterdir())
    assert store.deliver("alice", b"next").uid == 1


def test_two_store_handles_on_one_root_share_the_uid_sequence(tmp_path: Path) -> None:
    # Separate handles have separate SQLite connections, as separate processes would.
    with MailStore(tmp_path) as first, MailStore(tmp_path) as second:

        def deliver(handle: MailStore) -> list[int]:
            return [handle.deliver("inbox", b"m").uid for _ in range(20)]

        with ThreadPoolExecutor(max_workers=2) as pool:
            a, b = pool.map(deliver, [first, second])
        assert a == sorted(a)
        assert b == sorted(b)
        assert sorted(a + b) == list(range(1, 41))
        assert [m.uid for m in second.messages("inbox")] == list(range(1, 41))
