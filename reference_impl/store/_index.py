"""The SQLite index: per-mailbox UIDVALIDITY and next UID, and per-message metadata.

UIDs follow RFC 3501 §2.3.1.1 (RFC 9051 §2.3.1.1): strictly ascending in the order
messages are added, never reused within one UIDVALIDITY.  The UID is assigned and the row
inserted in one ``BEGIN IMMEDIATE`` transaction, which SQLite serialises across threads and
processes, so concurrent deliveries cannot receive the same or an out-of-order UID.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Index", "MailboxRow", "MessageRow"]

_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailboxes (
    name TEXT PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    uid_next INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    mailbox TEXT NOT NULL REFERENCES mailboxes(name),
    uid INTEGER NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    internal_date REAL NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (mailbox, uid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""

# How long to wait for another writer (thread or process) before failing.
_BUSY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, kw_only=True)
class MailboxRow:
    name: str
    uid_validity: int
    uid_next: int
    exists: int


@dataclass(frozen=True, kw_only=True)
class MessageRow:
    mailbox: str
    uid: int
    file: str
    size: int
    internal_date: float
    flags: frozenset[str]


def _join_flags(flags: Iterable[str]) -> str:
    # Flags are IMAP atoms (RFC 3501 §9 flag-keyword) or "\"-prefixed system flags, so
    # none contains a space: a space-separated column is unambiguous.
    return " ".join(sorted(set(flags)))


def _split_flags(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _message_row(row: tuple[str, int, str, int, float, str]) -> MessageRow:
    mailbox, uid, file, size, internal_date, flags = row
    return MessageRow(
        mailbox=mailbox,
        uid=uid,
        file=file,
        size=size,
        internal_date=internal_date,
        flags=_split_flags(flags),
    )


_MESSAGE_COLUMNS = "mailbox, uid, file, size, internal_date, flags"


class Index:
    """A thread-safe handle on the index database (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) so the
        # UID read-modify-write below holds the write lock from its first statement.
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=_BUSY_TIMEOUT_SECONDS
        )
        self._db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode only FULL syncs the log on every commit; NORMAL could lose the last
        # commits on power loss, i.e. a message already acknowledged with 250.
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        with self._transaction() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

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

    def ensure_mailbox(self, name: str) -> MailboxRow:
        with self._transaction() as db:
            self._ensure_mailbox(db, name)
            row = self._mailbox_row(db, name)
        assert row is not None  # created in the same transaction
        return row

    def mailbox(self, name: str) -> MailboxRow | None:
        with self._reading() as db:
            return self._mailbox_row(db, name)

    def mailbox_names(self) -> list[str]:
        with self._reading() as db:
            rows = db.execute("SELECT name FROM mailboxes ORDER BY name").fetchall()
        return [str(name) for (name,) in rows]

    def add_message(
        self, mailbox: str, *, file: str, size: int, internal_date: float
    ) -> MessageRow:
        with self._transaction() as db:
            self._ensure_mailbox(db, mailbox)
            (uid,) = db.execute(
                "SELECT uid_next FROM mailboxes WHERE name = ?", (mailbox,)
            ).fetchone()
            db.execute(
                "INSERT INTO messages (mailbox, uid, file, size, internal_date, flags)"
                " VALUES (?, ?, ?, ?, ?, '')",
                (mailbox, uid, file, size, internal_date),
            )
            db.execute("UPDATE mailboxes SET uid_next = ? WHERE name = ?", (uid + 1, mailbox))
        return MessageRow(
            mailbox=mailbox,
            uid=int(uid),
            file=file,
            size=size,
            internal_date=internal_date,
            flags=frozenset(),
        )

    def messages(self, mailbox: str) -> list[MessageRow]:
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE mailbox = ? ORDER BY uid",
                (mailbox,),
            ).fetchall()
        return [_message_row(row) for row in rows]

    def message(self, mailbox: str, uid: int) -> MessageRow | None:
        with self._reading() as db:
            return self._select_message(db, mailbox, uid)

    def delete_messages(self, mailbox: str, uids: Iterable[int]) -> list[MessageRow]:
        """Delete the rows for ``uids`` and return the rows that existed, by UID."""
        wanted = sorted(set(uids))
        deleted: list[MessageRow] = []
        with self._transaction() as db:
            for uid in wanted:
                row = self._select_message(db, mailbox, uid)
                if row is not None:
                    db.execute("DELETE FROM messages WHERE mailbox = ? AND uid = ?", (mailbox, uid))
                    deleted.append(row)
        return deleted

    def set_flags(self, mailbox: str, uid: int, flags: Iterable[str]) -> MessageRow | None:
        with self._transaction() as db:
            db.execute(
                "UPDATE messages SET flags = ? WHERE mailbox = ? AND uid = ?",
                (_join_flags(flags), mailbox, uid),
            )
            return self._select_message(db, mailbox, uid)

    @staticmethod
    def _select_message(db: sqlite3.Connection, mailbox: str, uid: int) -> MessageRow | None:
        row = db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE mailbox = ? AND uid = ?",
            (mailbox, uid),
        ).fetchone()
        return None if row is None else _message_row(row)

    @staticmethod
    def _mailbox_row(db: sqlite3.Connection, name: str) -> MailboxRow | None:
        row = db.execute(
            "SELECT uid_validity, uid_next,"
            " (SELECT count(*) FROM messages WHERE mailbox = ?)"
            " FROM mailboxes WHERE name = ?",
            (name, name),
        ).fetchone()
        if row is None:
            return None
        uid_validity, uid_next, exists = row
        return MailboxRow(name=name, uid_validity=uid_validity, uid_next=uid_next, exists=exists)

    @staticmethod
    def _ensure_mailbox(db: sqlite3.Connection, name: str) -> None:
        if db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (name,)).fetchone():
            return
        # A mailbox created again (after deletion, or in a fresh store at the same second)
        # must not reuse an earlier UIDVALIDITY (RFC 3501 §2.3.1.1): take the clock, but
        # never less than one more than the last value handed out.
        row = db.execute("SELECT value FROM meta WHERE key = 'last_uid_validity'").fetchone()
        last = 0 if row is None else int(row[0])
        uid_validity = max(int(time.time()), last + 1) & 0xFFFFFFFF or 1
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('last_uid_validity', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (uid_validity,),
        )
        db.execute(
            "INSERT INTO mailboxes (name, uid_validity, uid_next) VALUES (?, ?, 1)",
            (name, uid_validity),
        )
