"""The shell's side of a maildrop: the exclusive lock (RFC 1939 §4) and the
scan listing taken at login."""

from __future__ import annotations

import threading

from reference_impl.pop3._events import ListedMessage, Maildrop
from reference_impl.store import MailStore

__all__ = ["LOCKS", "MaildropLocks", "read_maildrop"]


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


def read_maildrop(store: MailStore, user: str) -> Maildrop:
    """The scan listing at login; a user without mail has an empty maildrop."""
    info = store.mailbox_info(user)
    listed = tuple(ListedMessage(uid=m.uid, size=m.size) for m in store.messages(user))
    return Maildrop(uid_validity=0 if info is None else info.uid_validity, messages=listed)
