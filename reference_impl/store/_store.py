"""The mail store: Maildir files for message bodies, the SQLite index for everything else.

Layout under ``root``::

    index.sqlite3                 the index (WAL mode; see _index.py, _schema.py)
    mail/<user>/<n>/new/          message files of the user's mailbox number n (Maildir)

Each user has a namespace of mailboxes: INBOX (where SMTP delivers and POP3 and POP2 read)
and folders below a "/" hierarchy (RFC 9051 §5.1).  A mailbox's directory is named by its
number, not its name, so RENAME changes only the index.  The index is authoritative: a
message exists once its row is committed, and its UID, flags, MODSEQ, size and internal
date are read from the row.  Files stay in ``new/`` and carry no Maildir info suffix.

Message operations name the user and default to INBOX (``mailbox=``); mailbox operations
name the mailbox.  All methods block and are safe to call from several threads at once
(for example through ``asyncio.to_thread`` from many connections) and from several
processes sharing ``root``.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ._changes import Callback, ChangeFeed, ChangeKind, MailboxChange, Watch
from ._errors import InvalidFlag, MailboxError, NoSuchMessage, StoreError
from ._group import CommitGroup
from ._index import FolderRow, Index, MessageRow, NewMessage
from ._maildir import Maildir, mailbox_dirname
from ._names import DELIMITER, INBOX, check_name, is_inbox

__all__ = [
    "DELIMITER",
    "INBOX",
    "FlagUpdate",
    "InvalidFlag",
    "MailStore",
    "MailboxError",
    "MailboxInfo",
    "NoSuchMessage",
    "StoreError",
    "StoredMessage",
]

_INDEX_FILE = "index.sqlite3"
_MAIL_DIR = "mail"

# One feed per store root in this process, so every handle on one store (the SMTP, POP3
# and IMAP listeners may each open their own) tells the same watchers.
_FEEDS: dict[Path, ChangeFeed] = {}
_FEEDS_LOCK = threading.Lock()


def _feed_for(root: Path) -> ChangeFeed:
    with _FEEDS_LOCK:
        return _FEEDS.setdefault(root, ChangeFeed())


@dataclass(frozen=True, kw_only=True)
class StoredMessage:
    """A message as the index records it; ``path`` is the Maildir file holding its bytes."""

    owner: str
    mailbox: str
    uid: int
    size: int
    path: Path
    internal_date: float
    flags: frozenset[str]
    modseq: int


@dataclass(frozen=True, kw_only=True)
class MailboxInfo:
    """What IMAP SELECT / STATUS / LIST and POP3 STAT need about a mailbox
    (RFC 9051 §2.3.1.1, §6.3.11; RFC 7162 §3.1.1 HIGHESTMODSEQ; RFC 6154 SPECIAL-USE)."""

    name: str
    uid_validity: int
    uid_next: int
    exists: int
    highest_modseq: int
    special_use: str
    noselect: bool


@dataclass(frozen=True, kw_only=True)
class FlagUpdate:
    """The messages a flag update changed, and the UIDs it refused because they changed
    after UNCHANGEDSINCE (RFC 7162 §3.1.3)."""

    changed: list[StoredMessage]
    modified: list[int]


def _check_flags(flags: Iterable[str]) -> frozenset[str]:
    checked = frozenset(flags)
    for flag in checked:
        if not flag or any(ch.isspace() or ch == "\0" for ch in flag):
            raise InvalidFlag(f"invalid flag {flag!r}")
    return checked


def _check_owner(owner: str) -> str:
    if not owner or "\0" in owner:
        raise ValueError(f"invalid user name {owner!r}")
    return owner


def _mailbox_info(row: FolderRow) -> MailboxInfo:
    return MailboxInfo(
        name=row.name,
        uid_validity=row.uid_validity,
        uid_next=row.uid_next,
        exists=row.exists,
        highest_modseq=row.highest_modseq,
        special_use=row.special_use,
        noselect=row.noselect,
    )


class MailStore:
    """Users' mailboxes of messages with stable, ascending UIDs, stored under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()
        (self.root / _MAIL_DIR).mkdir(parents=True, exist_ok=True)
        self._index = Index(self.root / _INDEX_FILE, delimiter=DELIMITER)
        # Deliveries from many threads share index commits (see _group.py).
        self._deliveries = CommitGroup[NewMessage, MessageRow](
            lambda batch: self._index.add_messages(batch)
        )
        self._feed = _feed_for(self.root)
        # Maildirs this process has already created; saves three stat calls per delivery
        # on the hot path.
        self._created: set[Path] = set()

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

    @property
    def migrated_from(self) -> int:
        """The schema version the index had when this handle opened it."""
        return self._index.migrated_from

    # -- messages -----------------------------------------------------------------------------

    def deliver(
        self,
        user: str,
        data: bytes,
        *,
        mailbox: str = INBOX,
        flags: Iterable[str] = (),
        internal_date: float | None = None,
    ) -> StoredMessage:
        """Add ``data`` to a mailbox of ``user`` (INBOX, created if needed); return it.

        ``flags`` and ``internal_date`` are APPEND's (RFC 9051 §6.3.12).  On return the
        file and its directory entry are fsynced and the index row is committed, so a
        message acknowledged after this call survives a crash.
        """
        name = check_name(mailbox)
        checked = _check_flags(flags)
        folder = self._index.folder(user, name) or self._index.ensure_folder(
            _check_owner(user), name
        )
        path = self._maildir(folder).deliver(data)
        try:
            row = self._deliveries.add(
                NewMessage(
                    owner=user,
                    name=name,
                    file=path.relative_to(self.root).as_posix(),
                    size=len(data),
                    internal_date=time.time() if internal_date is None else internal_date,
                    flags=checked,
                )
            )
        except BaseException:
            # Not acknowledged, so not kept: the client will send it again.
            Maildir.remove(path)
            raise
        self._publish(row.owner, row.mailbox, ChangeKind.APPENDED, [row])
        return self._stored(row)

    def messages(self, user: str, *, mailbox: str = INBOX) -> list[StoredMessage]:
        """The messages of a mailbox in ascending UID order ([] if it does not exist)."""
        return [self._stored(row) for row in self._index.messages(user, check_name(mailbox))]

    def uids_and_flags(
        self, user: str, *, mailbox: str = INBOX
    ) -> list[tuple[int, frozenset[str]]]:
        """Each message's UID and flags, ascending by UID ([] if the mailbox does not
        exist): all an IMAP SELECT keeps of a mailbox, read without building messages."""
        return self._index.uids_and_flags(user, check_name(mailbox))

    def messages_with_uids(
        self, user: str, uids: Iterable[int], *, mailbox: str = INBOX
    ) -> list[StoredMessage]:
        """The messages of ``uids`` that exist, in ascending UID order: what a command on
        a few messages of a large mailbox reads, instead of the whole mailbox."""
        rows = self._index.messages_with_uids(user, check_name(mailbox), uids)
        return [self._stored(row) for row in rows]

    def message(self, user: str, uid: int, *, mailbox: str = INBOX) -> StoredMessage:
        """The message with ``uid``; raises NoSuchMessage if there is none."""
        row = self._index.message(user, check_name(mailbox), uid)
        if row is None:
            raise NoSuchMessage(f"no message with UID {uid} in {mailbox!r} of {user!r}")
        return self._stored(row)

    def read(self, user: str, uid: int, *, mailbox: str = INBOX) -> bytes:
        """The exact bytes delivered for message ``uid``; raises NoSuchMessage."""
        return self.message(user, uid, mailbox=mailbox).path.read_bytes()

    def delete(self, user: str, uids: Iterable[int], *, mailbox: str = INBOX) -> list[int]:
        """Remove the messages with ``uids`` whatever their flags (POP3 and POP2 UPDATE);
        return the UIDs that existed, ascending.  They are logged as expunged."""
        removed = self._index.remove_messages(user, check_name(mailbox), uids, only_deleted=False)
        return self._removed(user, check_name(mailbox), removed)

    def expunge(
        self, user: str, *, mailbox: str = INBOX, uids: Iterable[int] | None = None
    ) -> list[int]:
        """Remove the messages flagged \\Deleted (of ``uids`` only, for UID EXPUNGE,
        RFC 9051 §6.4.9); return their UIDs, ascending."""
        name = check_name(mailbox)
        removed = self._index.remove_messages(user, name, uids, only_deleted=True)
        return self._removed(user, name, removed)

    def set_flags(
        self, user: str, uid: int, flags: Iterable[str], *, mailbox: str = INBOX
    ) -> StoredMessage:
        """Replace the flags of message ``uid``; raises NoSuchMessage or InvalidFlag."""
        self.message(user, uid, mailbox=mailbox)
        self.update_flags(user, [uid], mailbox=mailbox, replace=flags)
        return self.message(user, uid, mailbox=mailbox)

    def update_flags(
        self,
        user: str,
        uids: Iterable[int],
        *,
        mailbox: str = INBOX,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        replace: Iterable[str] | None = None,
        unchanged_since: int | None = None,
    ) -> FlagUpdate:
        """STORE (RFC 9051 §6.4.6): +FLAGS, -FLAGS or FLAGS, applied atomically to the
        flags each message has at that moment, so concurrent sessions lose no update."""
        name = check_name(mailbox)
        result = self._index.update_flags(
            user,
            name,
            uids,
            add=_check_flags(add),
            remove=_check_flags(remove),
            replace=None if replace is None else _check_flags(replace),
            unchanged_since=unchanged_since,
        )
        self._publish(user, name, ChangeKind.FLAGS, result.changed)
        return FlagUpdate(
            changed=[self._stored(row) for row in result.changed], modified=result.modified
        )

    def copy(
        self, user: str, uids: Iterable[int], *, mailbox: str = INBOX, to: str
    ) -> dict[int, int]:
        """COPY (RFC 9051 §6.4.7): the messages keep their flags and internal date and get
        new UIDs in ``to``; return source UID -> new UID (UIDPLUS COPYUID, RFC 4315)."""
        return self._transfer(user, uids, check_name(mailbox), check_name(to), move=False)

    def move(
        self, user: str, uids: Iterable[int], *, mailbox: str = INBOX, to: str
    ) -> dict[int, int]:
        """MOVE (RFC 6851, RFC 9051 §6.4.8): like copy, and the sources are expunged in
        the same transaction; return source UID -> new UID."""
        return self._transfer(user, uids, check_name(mailbox), check_name(to), move=True)

    def changes_since(
        self, user: str, modseq: int, *, mailbox: str = INBOX
    ) -> tuple[list[StoredMessage], list[int]]:
        """Messages added or changed after ``modseq``, and UIDs expunged after it
        (RFC 7162 CHANGEDSINCE and QRESYNC VANISHED)."""
        rows, expunged = self._index.changes_since(user, check_name(mailbox), modseq)
        return [self._stored(row) for row in rows], expunged

    def watch(self, user: str, mailbox: str, callback: Callback) -> Watch:
        """Call ``callback`` with each change committed to the mailbox by this process."""
        return self._feed.watch(user, check_name(mailbox), callback)

    # -- mailboxes ----------------------------------------------------------------------------

    def create_mailbox(
        self, user: str, mailbox: str = INBOX, *, special_use: str = ""
    ) -> MailboxInfo:
        """Create the mailbox if it does not exist (and its superiors); return its info."""
        folder = self._index.ensure_folder(
            _check_owner(user), check_name(mailbox), special_use=special_use
        )
        self._maildir(folder)
        return _mailbox_info(folder)

    def create_new_mailbox(self, user: str, mailbox: str, *, special_use: str = "") -> MailboxInfo:
        """CREATE (RFC 9051 §6.3.4): MailboxError if the mailbox exists already."""
        folder = self._index.create_folder(
            _check_owner(user), check_name(mailbox), special_use=special_use
        )
        self._maildir(folder)
        return _mailbox_info(folder)

    def delete_mailbox(self, user: str, mailbox: str) -> None:
        """DELETE (RFC 9051 §6.3.5): INBOX cannot be deleted; a mailbox with inferiors
        stays as a \\Noselect name; the messages' files are removed."""
        name = check_name(mailbox)
        if is_inbox(name):
            raise MailboxError("INBOX cannot be deleted")
        rows = self._index.delete_folder(user, name)
        self._remove_files(rows)
        self._feed.publish(_removed_change(user, name))

    def rename_mailbox(self, user: str, old: str, new: str) -> None:
        """RENAME (RFC 9051 §6.3.6), inferiors included.  Renaming INBOX moves all its
        messages to a new mailbox ``new`` and leaves INBOX, and its inferiors, in place."""
        source, target = check_name(old), check_name(new)
        if is_inbox(target):
            raise MailboxError("cannot rename a mailbox to INBOX")
        if not is_inbox(source):
            self._index.rename_folder(user, source, target)
            self._feed.publish(_removed_change(user, source))
            return
        self.create_new_mailbox(user, target)
        self._transfer(user, None, INBOX, target, move=True)

    def mailbox_info(self, user: str, mailbox: str = INBOX) -> MailboxInfo | None:
        """The mailbox's UIDVALIDITY, counts and MODSEQ, or None if it does not exist."""
        row = self._index.folder(user, check_name(mailbox))
        return None if row is None else _mailbox_info(row)

    def mailboxes(self, user: str) -> list[MailboxInfo]:
        """The user's mailboxes (\\Noselect names included), sorted by name."""
        return [_mailbox_info(row) for row in self._index.folders(user)]

    def users(self) -> list[str]:
        """The users that have at least one mailbox, sorted."""
        return self._index.owners()

    def subscribe(self, user: str, mailbox: str) -> None:
        """SUBSCRIBE (RFC 9051 §6.3.7); the name need not exist."""
        self._index.set_subscribed(user, check_name(mailbox), True)

    def unsubscribe(self, user: str, mailbox: str) -> None:
        self._index.set_subscribed(user, check_name(mailbox), False)

    def subscriptions(self, user: str) -> list[str]:
        return self._index.subscriptions(user)

    # -- internals ----------------------------------------------------------------------------

    def _transfer(
        self, user: str, uids: Iterable[int] | None, source: str, target: str, *, move: bool
    ) -> dict[int, int]:
        folder = self._index.folder(user, target)
        if folder is None:
            # RFC 9051 §6.4.7: the server MUST NOT create the target; [TRYCREATE] is the
            # IMAP layer's answer.
            raise MailboxError(f"no mailbox {target!r}")
        rows = self._index.messages(user, source)
        if uids is not None:
            wanted = set(uids)
            rows = [row for row in rows if row.uid in wanted]
        placed = [(row, self._link(row, folder)) for row in rows]
        expunged: list[MessageRow] = []
        try:
            if move:
                new_rows, expunged = self._index.move_messages(user, source, placed, target)
            else:
                new_rows = self._index.copy_messages(user, placed, target)
        except BaseException:
            self._remove_files(dataclasses.replace(row, file=file) for row, file in placed)
            raise
        self._remove_files(expunged)
        self._publish(user, source, ChangeKind.EXPUNGED, expunged)
        self._publish(user, target, ChangeKind.APPENDED, new_rows)
        return {row.uid: new.uid for (row, _), new in zip(placed, new_rows, strict=True)}

    def _link(self, row: MessageRow, folder: FolderRow) -> str:
        """A new name for the message's file in ``folder``'s Maildir (a hard link, so a copy
        costs no data and a MOVE's source removal cannot lose the target's file)."""
        maildir = self._maildir(folder)
        path = maildir.link(self.root / row.file)
        return path.relative_to(self.root).as_posix()

    def _removed(self, user: str, mailbox: str, rows: list[MessageRow]) -> list[int]:
        self._remove_files(rows)
        self._publish(user, mailbox, ChangeKind.EXPUNGED, rows)
        return [row.uid for row in rows]

    def _remove_files(self, rows: Iterable[MessageRow]) -> None:
        # The rows went first, so a crash in between leaves an unreferenced file, never
        # a row pointing to a missing file.
        for row in rows:
            Maildir.remove(self.root / row.file)

    def _publish(self, user: str, mailbox: str, kind: ChangeKind, rows: list[MessageRow]) -> None:
        if rows:
            change = MailboxChange(
                owner=user,
                mailbox=mailbox,
                kind=kind,
                uids=tuple(row.uid for row in rows),
                modseq=max(row.modseq for row in rows),
            )
            self._feed.publish(change)

    def _maildir(self, folder: FolderRow) -> Maildir:
        path = self.root / _MAIL_DIR / mailbox_dirname(folder.owner) / str(folder.id)
        maildir = Maildir(path)
        if path not in self._created:
            maildir.create()
            self._created.add(path)
        return maildir

    def _stored(self, row: MessageRow) -> StoredMessage:
        return StoredMessage(
            owner=row.owner,
            mailbox=row.mailbox,
            uid=row.uid,
            size=row.size,
            path=self.root / row.file,
            internal_date=row.internal_date,
            flags=row.flags,
            modseq=row.modseq,
        )


def _removed_change(user: str, mailbox: str) -> MailboxChange:
    return MailboxChange(owner=user, mailbox=mailbox, kind=ChangeKind.REMOVED, uids=(), modseq=0)
