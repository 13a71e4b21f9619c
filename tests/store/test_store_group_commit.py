"""Group commit: deliveries that arrive while an index commit runs share the next one,
and none is acknowledged before the commit that holds it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reference_impl.store import MailStore
from reference_impl.store._index import MessageRow, NewMessage


def test_deliveries_during_a_commit_share_the_next_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with MailStore(tmp_path) as store:
        index = store._index
        commit = index.add_messages
        groups: list[int] = []
        first_running, release_first = threading.Event(), threading.Event()

        def held_first(batch: list[NewMessage]) -> list[MessageRow | Exception]:
            groups.append(len(batch))
            if len(groups) == 1:
                first_running.set()
                release_first.wait(30)
            return commit(batch)

        monkeypatch.setattr(index, "add_messages", held_first)
        with ThreadPoolExecutor(max_workers=6) as pool:
            first = pool.submit(store.deliver, "alice", b"first")
            assert first_running.wait(30)
            rest = [pool.submit(store.deliver, "alice", b"next %d" % n) for n in range(5)]
            deadline = time.monotonic() + 30
            while len(store._deliveries._queued) < 5 and time.monotonic() < deadline:
                time.sleep(0.01)
            # Their files are written; their rows wait for a commit: not acknowledged yet.
            assert not any(future.done() for future in [first, *rest])
            release_first.set()
            uids = sorted(future.result(30).uid for future in rest)
        assert groups == [1, 5]
        assert first.result().uid == 1 and uids == [2, 3, 4, 5, 6]
        assert [m.uid for m in store.messages("alice")] == [1, 2, 3, 4, 5, 6]


def test_one_refused_row_does_not_fail_its_group(tmp_path: Path) -> None:
    with MailStore(tmp_path) as store:
        store.create_mailbox("alice", "Folder")
        store.create_mailbox("alice", "Folder/Sub")
        store.delete_mailbox("alice", "Folder")  # a \Noselect superior remains
        good = NewMessage(owner="alice", name="INBOX", file="x", size=1, internal_date=0.0)
        bad = NewMessage(owner="alice", name="Folder", file="y", size=1, internal_date=0.0)
        outcomes = store._index.add_messages([good, bad, good])
        assert [type(outcome).__name__ for outcome in outcomes] == [
            "MessageRow",
            "MailboxError",
            "MessageRow",
        ]
