"""The shell's side of a maildrop: the scan listing taken at login.  The exclusive lock
(RFC 1939 §4) is the store's, shared with POP2."""

from __future__ import annotations

from reference_impl.pop3._events import ListedMessage, Maildrop
from reference_impl.store import LOCKS, MaildropLocks, MailStore

__all__ = ["LOCKS", "MaildropLocks", "read_maildrop"]


def read_maildrop(store: MailStore, user: str) -> Maildrop:
    """The scan listing at login; a user without mail has an empty maildrop."""
    info = store.mailbox_info(user)
    listed = tuple(ListedMessage(uid=m.uid, size=m.size) for m in store.messages(user))
    return Maildrop(uid_validity=0 if info is None else info.uid_validity, messages=listed)
