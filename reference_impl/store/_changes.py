"""The change feed: sessions learn what other sessions did to a mailbox.

IMAP reports other sessions' changes as untagged EXISTS, EXPUNGE and FETCH responses
(RFC 9051 §5.2, §7.4) and IDLE pushes them as they happen (RFC 9051 §6.3.13), so a session
must hear of them without reading the disk in a loop.  Every write the store commits is
published here, after the commit, to the watchers of that mailbox in this process.  A
watcher's callback runs in the writer's thread: an asyncio shell hands it to its loop with
``loop.call_soon_threadsafe``.

Another process sharing the store learns the same facts from ``MailStore.changes_since``
(by MODSEQ, RFC 7162), which is what such a session reads when it next reports updates.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ChangeFeed", "ChangeKind", "MailboxChange", "Watch"]


class ChangeKind(enum.Enum):
    APPENDED = "appended"
    """New messages (delivery, APPEND, COPY or MOVE into the mailbox): EXISTS."""
    FLAGS = "flags"
    """Flags of messages changed: FETCH (FLAGS ...)."""
    EXPUNGED = "expunged"
    """Messages removed (EXPUNGE, MOVE out, POP3 UPDATE, DELETE): EXPUNGE / VANISHED."""
    REMOVED = "removed"
    """The mailbox itself was deleted or renamed away."""


@dataclass(frozen=True, kw_only=True)
class MailboxChange:
    owner: str
    mailbox: str
    kind: ChangeKind
    uids: tuple[int, ...]
    modseq: int


Callback = Callable[[MailboxChange], None]


@dataclass(frozen=True, eq=False)
class Watch:
    """A registration; ``cancel()`` ends it."""

    feed: ChangeFeed
    key: tuple[str, str]
    callback: Callback

    def cancel(self) -> None:
        self.feed._remove(self)


class ChangeFeed:
    """Watchers per (owner, mailbox); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watchers: dict[tuple[str, str], list[Watch]] = {}

    def watch(self, owner: str, mailbox: str, callback: Callback) -> Watch:
        watch = Watch(self, (owner, mailbox), callback)
        with self._lock:
            self._watchers.setdefault(watch.key, []).append(watch)
        return watch

    def publish(self, change: MailboxChange) -> None:
        if not change.uids and change.kind is not ChangeKind.REMOVED:
            return
        with self._lock:
            watchers = list(self._watchers.get((change.owner, change.mailbox), ()))
        for watch in watchers:
            watch.callback(change)

    def _remove(self, watch: Watch) -> None:
        with self._lock:
            listed = self._watchers.get(watch.key, [])
            if watch in listed:
                listed.remove(watch)
            if not listed:
                self._watchers.pop(watch.key, None)
