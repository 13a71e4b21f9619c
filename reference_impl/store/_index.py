"""The SQLite index: each user's mailboxes, their UIDVALIDITY, next UID and MODSEQ, and
per-message metadata.  Schema and migrations: _schema.py.

UIDs follow RFC 9051 §2.3.1.1: strictly ascending in the order messages are added, never
reused within one UIDVALIDITY.  Every write is one ``BEGIN IMMEDIATE`` transaction, which
SQLite serialises across threads and processes, so concurrent writers cannot receive the
same or an out-of-order UID, and a flag change is applied to the flags as they are at that
moment (two sessions adding different flags both win).  Each write that changes a mailbox
takes the next MODSEQ of that mailbox (RFC 7162 §3.1) and stamps it on what it changed.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ._errors import MailboxError
from ._schema import migrate

__all__ = ["FlagChange", "FolderRow", "Index", "MessageRow", "NewMessage"]

# How long to wait for another writer (thread or process) before failing.
_BUSY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, kw_only=True)
class FolderRow:
    id: int
    owner: str
    name: str
    uid_validity: int
    uid_next: int
    highest_modseq: int
    special_use: str
    noselect: bool
    exists: int


@dataclass(frozen=True, kw_only=True)
class NewMessage:
    """A message file (already durable) for the index to add to ``owner``'s ``name``."""

    owner: str
    name: str
    file: str
    size: int
    internal_date: float
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class MessageRow:
    owner: str
    mailbox: str
    uid: int
    file: str
    size: int
    internal_date: float
    flags: frozenset[str]
    modseq: int


@dataclass(frozen=True, kw_only=True)
class FlagChange:
    """What a flag update did: the rows it changed, and the UIDs it left alone because
    they changed after ``unchanged_since`` (RFC 7162 §3.1.3, the MODIFIED response code)."""

    changed: list[MessageRow]
    modified: list[int]


# Up to this many UIDs are looked up by one IN (...) list; more by a range scan (SQLite
# allows at least 999 parameters per statement).
_UIDS_PER_QUERY = 200


def _join_flags(flags: Iterable[str]) -> str:
    # Flags are IMAP atoms (RFC 9051 §9 flag-keyword) or "\"-prefixed system flags, so
    # none contains a space: a space-separated column is unambiguous.
    return " ".join(sorted(set(flags)))


@functools.lru_cache(maxsize=4096)
def _split_flags(text: str) -> frozenset[str]:
    # Few distinct flag sets recur across a mailbox's messages: split each once.
    return frozenset(text.split())


_MESSAGE_COLUMNS = (
    "folders.owner, folders.name, mail.uid, mail.file, mail.size, mail.internal_date,"
    " mail.flags, mail.modseq"
)
_FROM_MAIL = "FROM mail JOIN folders ON folders.id = mail.folder"
_FOLDER_COLUMNS = (
    "id, owner, name, uid_validity, uid_next, highest_modseq, special_use, noselect,"
    " (SELECT count(*) FROM mail WHERE mail.folder = folders.id)"
)


def _message_row(row: tuple[str, str, int, str, int, float, str, int]) -> MessageRow:
    owner, mailbox, uid, file, size, internal_date, flags, modseq = row
    return MessageRow(
        owner=owner,
        mailbox=mailbox,
        uid=uid,
        file=file,
        size=size,
        internal_date=internal_date,
        flags=_split_flags(flags),
        modseq=modseq,
    )


def _folder_row(row: tuple[int, str, str, int, int, int, str, int, int]) -> FolderRow:
    id_, owner, name, uid_validity, uid_next, highest_modseq, special_use, noselect, exists = row
    return FolderRow(
        id=id_,
        owner=owner,
        name=name,
        uid_validity=uid_validity,
        uid_next=uid_next,
        highest_modseq=highest_modseq,
        special_use=special_use,
        noselect=bool(noselect),
        exists=exists,
    )


def _inferior_pattern(name: str, delimiter: str) -> str:
    """A GLOB matching every name below ``name`` (GLOB metacharacters escaped)."""
    escaped = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name + delimiter)
    return escaped + "*"


class Index:
    """A thread-safe handle on the index database (one connection, one lock)."""

    def __init__(self, path: Path, *, delimiter: str) -> None:
        self._lock = threading.Lock()
        self._delimiter = delimiter
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) so every
        # read-modify-write below holds the write lock from its first statement.
        self._db = sqlite3.connect(
            path,
            isolation_level=None,
            check_same_thread=False,
            timeout=_BUSY_TIMEOUT_SECONDS,
        )
        self._db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode only FULL syncs the log on every commit; NORMAL could lose the last
        # commits on power loss, i.e. a message already acknowledged with 250.
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        with self._transaction() as db:
            self.migrated_from = migrate(db)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT: the connection must not stay inside a
                # transaction, or every later BEGIN would fail.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    # -- mailboxes ----------------------------------------------------------------------------

    def folder(self, owner: str, name: str) -> FolderRow | None:
        with self._reading() as db:
            return self._folder(db, owner, name)

    def folders(self, owner: str) -> list[FolderRow]:
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {_FOLDER_COLUMNS} FROM folders WHERE owner = ? ORDER BY name", (owner,)
            ).fetchall()
        return [_folder_row(row) for row in rows]

    def owners(self) -> list[str]:
        with self._reading() as db:
            rows = db.execute("SELECT DISTINCT owner FROM folders ORDER BY owner").fetchall()
        return [str(owner) for (owner,) in rows]

    def ensure_folder(self, owner: str, name: str, *, special_use: str = "") -> FolderRow:
        """The mailbox, created (with its missing superiors) if it does not exist."""
        with self._transaction() as db:
            return self._ensure_folder(db, owner, name, special_use=special_use)

    def create_folder(self, owner: str, name: str, *, special_use: str = "") -> FolderRow:
        """Create a mailbox; MailboxError if it exists (RFC 9051 §6.3.4)."""
        with self._transaction() as db:
            existing = self._folder(db, owner, name)
            if existing is not None and not existing.noselect:
                raise MailboxError(f"mailbox {name!r} already exists")
            if existing is not None:  # a \Noselect name left by DELETE becomes a mailbox again
                db.execute("DELETE FROM folders WHERE id = ?", (existing.id,))
            return self._ensure_folder(db, owner, name, special_use=special_use)

    def delete_folder(self, owner: str, name: str) -> list[MessageRow]:
        """Delete a mailbox (RFC 9051 §6.3.5); return its messages, whose files must go.

        A mailbox with inferiors is kept as a \\Noselect name (the "MAY" of §6.3.5), since
        DELETE "MUST NOT remove inferior hierarchical names".
        """
        with self._transaction() as db:
            folder = self._require(db, owner, name)
            has_inferiors = self._has_inferiors(db, folder)
            if folder.noselect and has_inferiors:
                raise MailboxError(f"{name!r} has inferior names and is not a mailbox")
            rows = self._select(db, "mail.folder = ?", (folder.id,))
            db.execute("DELETE FROM mail WHERE folder = ?", (folder.id,))
            db.execute("DELETE FROM expunged WHERE folder = ?", (folder.id,))
            if has_inferiors:
                db.execute("UPDATE folders SET noselect = 1 WHERE id = ?", (folder.id,))
            else:
                db.execute("DELETE FROM folders WHERE id = ?", (folder.id,))
        return rows

    def rename_folder(self, owner: str, old: str, new: str) -> None:
        """Rename a mailbox and its inferiors (RFC 9051 §6.3.6); not INBOX (see the store).

        The renamed mailboxes keep their UIDVALIDITY, UIDs and MODSEQs; a mailbox later
        created under the old name gets a new UIDVALIDITY, so no UID is reused.
        """
        with self._transaction() as db:
            folder = self._require(db, owner, old)
            if self._folder(db, owner, new) is not None:
                raise MailboxError(f"mailbox {new!r} already exists")
            pattern = _inferior_pattern(old, self._delimiter)
            moved = db.execute(
                "SELECT id, name FROM folders WHERE owner = ? AND (id = ? OR name GLOB ?)",
                (owner, folder.id, pattern),
            ).fetchall()
            for id_, name in moved:
                db.execute(
                    "UPDATE folders SET name = ? WHERE id = ?", (new + name[len(old) :], id_)
                )
            db.execute(
                "UPDATE subscriptions SET name = ? || substr(name, ?)"
                " WHERE owner = ? AND (name = ? OR name GLOB ?)",
                (new, len(old) + 1, owner, old, pattern),
            )
            self._ensure_superiors(db, owner, new)

    # -- messages -----------------------------------------------------------------------------

    def add_message(
        self,
        owner: str,
        name: str,
        *,
        file: str,
        size: int,
        internal_date: float,
        flags: Iterable[str] = (),
    ) -> MessageRow:
        new = NewMessage(
            owner=owner,
            name=name,
            file=file,
            size=size,
            internal_date=internal_date,
            flags=frozenset(flags),
        )
        with self._transaction() as db:
            return self._insert_message(db, new)

    def add_messages(self, batch: list[NewMessage]) -> list[MessageRow | Exception]:
        """Add several messages in one transaction, so one commit (one fsync of the log)
        makes them all durable: group commit.  Each is added or refused on its own (a
        savepoint each); a failed commit raises, and then none was added."""
        outcomes: list[MessageRow | Exception] = []
        with self._transaction() as db:
            for new in batch:
                db.execute("SAVEPOINT one_message")
                try:
                    outcomes.append(self._insert_message(db, new))
                except (sqlite3.Error, MailboxError) as exc:
                    db.execute("ROLLBACK TO one_message")
                    outcomes.append(exc)
                db.execute("RELEASE one_message")
        return outcomes

    def _insert_message(self, db: sqlite3.Connection, new: NewMessage) -> MessageRow:
        folder = self._ensure_folder(db, new.owner, new.name, special_use="")
        if folder.noselect:
            raise MailboxError(f"{new.name!r} is not a mailbox (\\Noselect)")
        modseq = self._next_modseq(db, folder)
        uid = folder.uid_next
        db.execute(
            "INSERT INTO mail (folder, uid, file, size, internal_date, flags, modseq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (folder.id, uid, new.file, new.size, new.internal_date, _join_flags(new.flags), modseq),
        )
        db.execute("UPDATE folders SET uid_next = ? WHERE id = ?", (uid + 1, folder.id))
        return MessageRow(
            owner=new.owner,
            mailbox=new.name,
            uid=uid,
            file=new.file,
            size=new.size,
            internal_date=new.internal_date,
            flags=new.flags,
            modseq=modseq,
        )

    def messages(self, owner: str, name: str) -> list[MessageRow]:
        with self._reading() as db:
            return self._select(db, "folders.owner = ? AND folders.name = ?", (owner, name))

    def uids_and_flags(self, owner: str, name: str) -> list[tuple[int, frozenset[str]]]:
        with self._reading() as db:
            rows = db.execute(
                f"SELECT mail.uid, mail.flags {_FROM_MAIL}"
                " WHERE folders.owner = ? AND folders.name = ? ORDER BY mail.uid",
                (owner, name),
            ).fetchall()
        return [(uid, _split_flags(flags)) for uid, flags in rows]

    def messages_with_uids(self, owner: str, name: str, uids: Iterable[int]) -> list[MessageRow]:
        with self._reading() as db:
            folder = self._folder(db, owner, name)
            return [] if folder is None else self._rows_of(db, folder, uids)

    def message(self, owner: str, name: str, uid: int) -> MessageRow | None:
        with self._reading() as db:
            found = self._select(
                db,
                "folders.owner = ? AND folders.name = ? AND mail.uid = ?",
                (owner, name, uid),
            )
        return found[0] if found else None

    def update_flags(
        self,
        owner: str,
        name: str,
        uids: Iterable[int],
        *,
        add: frozenset[str] = frozenset(),
        remove: frozenset[str] = frozenset(),
        replace: frozenset[str] | None = None,
        unchanged_since: int | None = None,
    ) -> FlagChange:
        """Change flags of ``uids`` as one atomic step on their current values."""
        with self._transaction() as db:
            folder = self._require(db, owner, name)
            changed: list[MessageRow] = []
            modified: list[int] = []
            modseq: int | None = None
            for row in self._rows_of(db, folder, uids):
                if unchanged_since is not None and row.modseq > unchanged_since:
                    modified.append(row.uid)
                    continue
                flags = replace if replace is not None else (row.flags | add) - remove
                if flags == row.flags:
                    continue
                modseq = modseq or self._next_modseq(db, folder)
                db.execute(
                    "UPDATE mail SET flags = ?, modseq = ? WHERE folder = ? AND uid = ?",
                    (_join_flags(flags), modseq, folder.id, row.uid),
                )
                changed.append(_replace(row, flags=frozenset(flags), modseq=modseq))
        return FlagChange(changed=changed, modified=modified)

    def remove_messages(
        self, owner: str, name: str, uids: Iterable[int] | None, *, only_deleted: bool
    ) -> list[MessageRow]:
        """Remove messages and log their UIDs as expunged; return the removed rows.

        ``uids`` None means every message; ``only_deleted`` keeps those without \\Deleted
        (IMAP EXPUNGE, RFC 9051 §6.4.3); POP3's UPDATE state removes what was marked.
        """
        with self._transaction() as db:
            folder = self._folder(db, owner, name)
            if folder is None:
                return []
            rows = (
                self._select(db, "mail.folder = ?", (folder.id,))
                if uids is None
                else self._rows_of(db, folder, uids)
            )
            if only_deleted:
                rows = [row for row in rows if "\\Deleted" in row.flags]
            return self._expunge_rows(db, folder, rows)

    def copy_messages(
        self, owner: str, placed: list[tuple[MessageRow, str]], target: str
    ) -> list[MessageRow]:
        """Add copies of ``placed`` rows (each with the file already linked for it) to
        ``target``, in the order given; return the new rows."""
        with self._transaction() as db:
            return self._copy_in(db, owner, placed, target)

    def move_messages(
        self, owner: str, source: str, placed: list[tuple[MessageRow, str]], target: str
    ) -> tuple[list[MessageRow], list[MessageRow]]:
        """Like copy_messages, and the source rows are expunged in the same transaction,
        so a crash leaves each message in exactly one of the two mailboxes.  Returns the
        new rows and the expunged ones."""
        with self._transaction() as db:
            new_rows = self._copy_in(db, owner, placed, target)
            folder = self._require(db, owner, source)
            expunged = self._expunge_rows(db, folder, [row for row, _ in placed])
        return new_rows, expunged

    def changes_since(
        self, owner: str, name: str, modseq: int
    ) -> tuple[list[MessageRow], list[int]]:
        """Messages added or changed after ``modseq``, and UIDs expunged after it."""
        with self._reading() as db:
            folder = self._folder(db, owner, name)
            if folder is None:
                return [], []
            rows = self._select(db, "mail.folder = ? AND mail.modseq > ?", (folder.id, modseq))
            gone = db.execute(
                "SELECT uid FROM expunged WHERE folder = ? AND modseq > ? ORDER BY uid",
                (folder.id, modseq),
            ).fetchall()
        return rows, [int(uid) for (uid,) in gone]

    # -- subscriptions (RFC 9051 §6.3.7, §6.3.8) ----------------------------------------------

    def set_subscribed(self, owner: str, name: str, subscribed: bool) -> None:
        with self._transaction() as db:
            if subscribed:
                db.execute(
                    "INSERT OR IGNORE INTO subscriptions (owner, name) VALUES (?, ?)",
                    (owner, name),
                )
            else:
                db.execute("DELETE FROM subscriptions WHERE owner = ? AND name = ?", (owner, name))

    def subscriptions(self, owner: str) -> list[str]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT name FROM subscriptions WHERE owner = ? ORDER BY name", (owner,)
            ).fetchall()
        return [str(name) for (name,) in rows]

    # -- helpers inside a transaction ---------------------------------------------------------

    def _copy_in(
        self,
        db: sqlite3.Connection,
        owner: str,
        placed: list[tuple[MessageRow, str]],
        target: str,
    ) -> list[MessageRow]:
        folder = self._require(db, owner, target)
        if folder.noselect:
            raise MailboxError(f"{target!r} is not a mailbox (\\Noselect)")
        modseq = self._next_modseq(db, folder)
        new_rows: list[MessageRow] = []
        for offset, (row, file) in enumerate(placed):
            uid = folder.uid_next + offset
            db.execute(
                "INSERT INTO mail (folder, uid, file, size, internal_date, flags, modseq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (folder.id, uid, file, row.size, row.internal_date, _join_flags(row.flags), modseq),
            )
            new_rows.append(_replace(row, mailbox=target, uid=uid, file=file, modseq=modseq))
        db.execute(
            "UPDATE folders SET uid_next = ? WHERE id = ?",
            (folder.uid_next + len(placed), folder.id),
        )
        return new_rows

    def _expunge_rows(
        self, db: sqlite3.Connection, folder: FolderRow, rows: list[MessageRow]
    ) -> list[MessageRow]:
        """Remove ``rows`` and log them expunged; return them stamped with that MODSEQ."""
        if not rows:
            return []
        modseq = self._next_modseq(db, folder)
        for row in rows:
            db.execute("DELETE FROM mail WHERE folder = ? AND uid = ?", (folder.id, row.uid))
            db.execute(
                "INSERT OR REPLACE INTO expunged (folder, uid, modseq) VALUES (?, ?, ?)",
                (folder.id, row.uid, modseq),
            )
        return [_replace(row, modseq=modseq) for row in rows]

    def _rows_of(
        self, db: sqlite3.Connection, folder: FolderRow, uids: Iterable[int]
    ) -> list[MessageRow]:
        wanted = sorted(set(uids))
        if not wanted:
            return []
        if len(wanted) <= _UIDS_PER_QUERY:
            marks = ", ".join("?" * len(wanted))
            where = f"mail.folder = ? AND mail.uid IN ({marks})"
            return self._select(db, where, (folder.id, *wanted))
        # A large set (a client's 1:*): one range scan of the UID index, then keep the wanted.
        rows = self._select(
            db, "mail.folder = ? AND mail.uid BETWEEN ? AND ?", (folder.id, wanted[0], wanted[-1])
        )
        keep = set(wanted)
        return [row for row in rows if row.uid in keep]

    @staticmethod
    def _select(db: sqlite3.Connection, where: str, args: tuple[object, ...]) -> list[MessageRow]:
        rows = db.execute(
            f"SELECT {_MESSAGE_COLUMNS} {_FROM_MAIL} WHERE {where} ORDER BY mail.uid", args
        ).fetchall()
        return [_message_row(row) for row in rows]

    @staticmethod
    def _folder(db: sqlite3.Connection, owner: str, name: str) -> FolderRow | None:
        row = db.execute(
            f"SELECT {_FOLDER_COLUMNS} FROM folders WHERE owner = ? AND name = ?", (owner, name)
        ).fetchone()
        return None if row is None else _folder_row(row)

    def _require(self, db: sqlite3.Connection, owner: str, name: str) -> FolderRow:
        folder = self._folder(db, owner, name)
        if folder is None:
            raise MailboxError(f"no mailbox {name!r}")
        return folder

    def _has_inferiors(self, db: sqlite3.Connection, folder: FolderRow) -> bool:
        pattern = _inferior_pattern(folder.name, self._delimiter)
        found = db.execute(
            "SELECT 1 FROM folders WHERE owner = ? AND name GLOB ? LIMIT 1",
            (folder.owner, pattern),
        ).fetchone()
        return found is not None

    @staticmethod
    def _next_modseq(db: sqlite3.Connection, folder: FolderRow) -> int:
        (current,) = db.execute(
            "SELECT highest_modseq FROM folders WHERE id = ?", (folder.id,)
        ).fetchone()
        modseq = int(current) + 1
        db.execute("UPDATE folders SET highest_modseq = ? WHERE id = ?", (modseq, folder.id))
        return modseq

    def _ensure_superiors(self, db: sqlite3.Connection, owner: str, name: str) -> None:
        # RFC 9051 §6.3.4 and §6.3.6: the server SHOULD create the superior names a
        # CREATE or RENAME needs.
        parts = name.split(self._delimiter)
        for depth in range(1, len(parts)):
            superior = self._delimiter.join(parts[:depth])
            if superior and self._folder(db, owner, superior) is None:
                self._insert_folder(db, owner, superior, special_use="")

    def _ensure_folder(
        self, db: sqlite3.Connection, owner: str, name: str, *, special_use: str
    ) -> FolderRow:
        found = self._folder(db, owner, name)
        if found is not None:
            return found
        self._ensure_superiors(db, owner, name)
        self._insert_folder(db, owner, name, special_use=special_use)
        created = self._folder(db, owner, name)
        assert created is not None  # inserted in this transaction
        return created

    @staticmethod
    def _insert_folder(db: sqlite3.Connection, owner: str, name: str, *, special_use: str) -> None:
        # A mailbox created again (after deletion or rename, or in a fresh store at the same
        # second) must not reuse an earlier UIDVALIDITY (RFC 9051 §2.3.1.1): take the clock,
        # but never less than one more than the last value handed out.
        row = db.execute("SELECT value FROM meta WHERE key = 'last_uid_validity'").fetchone()
        last = 0 if row is None else int(row[0])
        uid_validity = max(int(time.time()), last + 1) & 0xFFFFFFFF or 1
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('last_uid_validity', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (uid_validity,),
        )
        db.execute(
            "INSERT INTO folders (owner, name, uid_validity, uid_next, special_use)"
            " VALUES (?, ?, ?, 1, ?)",
            (owner, name, uid_validity, special_use),
        )


def _replace(row: MessageRow, **changes: object) -> MessageRow:
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]
