"""Exclusive maildrop locks: one per (store, user), whatever protocol takes it.

POP3 locks the maildrop for a whole session (RFC 1939 §4) and POP2 holds a mailbox from
HELO or FOLD until it is released (RFC 937 page 9: marked messages go "when the mailbox
is released").  Both read INBOX of one store, so they take the same lock: a POP2 session
cannot delete a message under a POP3 session that numbered it, nor two POP2 sessions
under each other.  IMAP, which allows concurrent sessions, does not take it; it learns
POP's deletions through the store's change feed.
"""

from __future__ import annotations

import threading

from ._store import MailStore

__all__ = ["LOCKS", "MaildropLocks"]


class MaildropLocks:
    """Exclusive maildrop locks of this process, keyed by store root and user.

    Listeners on several event loops (threads) may share a store, hence the mutex.
    """

    def __init__(self) -> None:
        self._held: set[tuple[str, str]] = set()
        self._mutex = threading.Lock()

    def acquire(self, store: MailStore, user: str) -> bool:
        key = (str(store.root), user)
        with self._mutex:
            if key in self._held:
                return False
            self._held.add(key)
            return True

    def release(self, store: MailStore, user: str) -> None:
        with self._mutex:
            self._held.discard((str(store.root), user))


LOCKS = MaildropLocks()  # process-wide: every POP3 and POP2 listener shares it
