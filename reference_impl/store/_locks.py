"""Exclusive maildrop locks: one per (store, user), kept by the store so that every
protocol that needs one takes the same.

POP3 locks the maildrop for a whole session (RFC 1939 §4).  POP2 (RFC 937 says nothing
of concurrent sessions) and IMAP (which allows them) do not take it today.
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


LOCKS = MaildropLocks()  # process-wide: every listener shares it
