"""The mail store: Maildir files for message bodies, the SQLite index for everything else.

Layout under ``root``::

    index.sqlite3          the index (WAL mode; see _index.py)
    mail/<mailbox>/new/    delivered message files (Maildir; see _maildir.py)

The index is authoritative: a message exists once its row is committed, and its UID,
flags, size and internal date are read from the row.  Files stay in ``new/`` and carry no
Maildir info suffix; flags live only in the index.

All methods block and are safe to call from several threads at once (for example through
``asyncio.to_thread`` from many connections) and from several processes sharing ``root``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ._index import Index, MailboxRow, MessageRow
from ._maildir import Maildir, mailbox_dirname

__all__ = [
    "InvalidFlag",
    "MailStore",
    "MailboxInfo",
    "NoSuchMessage",
    "StoreError",
    "StoredMessage",
]

_INDEX_FILE = "index.sqlite3"
_MAIL_DIR = "mail"


class StoreError(Exception):
    """Base class of the store's errors."""


class NoSuchMessage(StoreError, KeyError):
    """The mailbox has no message with that UID."""


class InvalidFlag(StoreError, ValueError):
    """A flag that cannot be stored (empty, or containing whitespace or NUL)."""


@dataclass(frozen=True, kw_only=True)
class StoredMessage:
    """A message as the index records it; ``path`` is the Maildir file holding its bytes."""

    mailbox: str
    uid: int
    size: int
    path: Path
    internal_date: float
    flags: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class MailboxInfo:
    """What IMAP SELECT / STATUS and POP3 STAT need about a mailbox (RFC 3501 §2.3.1.1)."""

    name: str
    uid_validity: int
    uid_next: int
    exists: int


def _check_flags(flags: Iterable[str]) -> frozenset[str]:
    checked = frozenset(flags)
    for flag in checked:
        if not flag or any(ch.isspace() or ch == "\0" for ch in flag):
            raise InvalidFlag(f"invalid flag {flag!r}")
    return checked


def _check_mailbox(mailbox: str) -> str:
    if not mailbox or "\0" in mailbox:
        raise ValueError(f"invalid mailbox name {mailbox!r}")
    return mailbox


def _mailbox_info(row: MailboxRow) -> MailboxInfo:
    return MailboxInfo(
        name=row.name, uid_validity=row.uid_validity, uid_next=row.uid_next, exists=row.exists
    )


class MailStore:
    """Mailboxes of messages with stable, ascending UIDs, stored under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()
        (self.root / _MAIL_DIR).mkdir(parents=True, exist_ok=True)
        self._index = Index(self.root / _INDEX_FILE)
        # Mailboxes whose directories this process has already created; saves three
        # stat calls per delivery on the hot path.
        self._created: set[str] = set()

    def __enter__(self) -> MailStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._index.close()

    def deliver(self, mailbox: str, data: bytes) -> StoredMessage:
        """Add ``data`` to ``mailbox`` (created if needed) and return the stored message.

        On return the file and its directory entry are fsynced and the index row is
        committed, so a message acknowledged after this call survives a crash.
        """
        maildir = self._ensure_maildir(mailbox)
        path = maildir.deliver(data)
        try:
            row = self._index.add_message(
                mailbox,
                file=path.relative_to(self.root).as_posix(),
                size=len(data),
                internal_date=time.time(),
            )
        except BaseException:
            # Not acknowledged, so not kept: the client will send it again.
            Maildir.remove(path)
            raise
        return self._stored(row)

    def messages(self, mailbox: str) -> list[StoredMessage]:
        """The messages in ``mailbox`` in ascending UID order ([] if it does not exist)."""
        return [self._stored(row) for row in self._index.messages(mailbox)]

    def message(self, mailbox: str, uid: int) -> StoredMessage:
        """The message with ``uid``; raises NoSuchMessage if there is none."""
        row = self._index.message(mailbox, uid)
        if row is None:
            raise NoSuchMessage(f"no message with UID {uid} in {mailbox!r}")
        return self._stored(row)

    def read(self, mailbox: str, uid: int) -> bytes:
        """The exact bytes delivered for message ``uid``; raises NoSuchMessage."""
        return self.message(mailbox, uid).path.read_bytes()

    def delete(self, mailbox: str, uids: Iterable[int]) -> list[int]:
        """Remove the messages with ``uids``; return the UIDs that existed, ascending.

        The rows go first, so a crash in between leaves an unreferenced file, never a
        row pointing to a missing file.
        """
        deleted = self._index.delete_messages(mailbox, uids)
        for row in deleted:
            Maildir.remove(self.root / row.file)
        return [row.uid for row in deleted]

    def set_flags(self, mailbox: str, uid: int, flags: Iterable[str]) -> StoredMessage:
        """Replace the flags of message ``uid``; raises NoSuchMessage or InvalidFlag."""
        row = self._index.set_flags(mailbox, uid, _check_flags(flags))
        if row is None:
            raise NoSuchMessage(f"no message with UID {uid} in {mailbox!r}")
        return self._stored(row)

    def create_mailbox(self, mailbox: str) -> MailboxInfo:
        """Create ``mailbox`` if it does not exist; return its UIDVALIDITY and counts."""
        self._ensure_maildir(mailbox)
        return _mailbox_info(self._index.ensure_mailbox(mailbox))

    def mailbox_info(self, mailbox: str) -> MailboxInfo | None:
        """UIDVALIDITY, next UID and message count, or None if ``mailbox`` does not exist."""
        row = self._index.mailbox(mailbox)
        return None if row is None else _mailbox_info(row)

    def mailboxes(self) -> list[str]:
        """The names of all mailboxes, sorted."""
        return self._index.mailbox_names()

    def _ensure_maildir(self, mailbox: str) -> Maildir:
        maildir = Maildir(self.root / _MAIL_DIR / mailbox_dirname(_check_mailbox(mailbox)))
        if mailbox not in self._created:
            maildir.create()
            self._created.add(mailbox)
        return maildir

    def _stored(self, row: MessageRow) -> StoredMessage:
        return StoredMessage(
            mailbox=row.mailbox,
            uid=row.uid,
            size=row.size,
            path=self.root / row.file,
            internal_date=row.internal_date,
            flags=row.flags,
        )
