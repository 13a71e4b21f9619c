"""The index's schema and its migrations, keyed by SQLite's ``user_version``.

Version 1 named a mailbox after its user (one mailbox per user, POP3's maildrop).  Version 2
gives every user a namespace of mailboxes (INBOX plus folders, RFC 9051 §5.1), a MODSEQ per
mailbox and message (RFC 7162 §3.1), an expunge log (what QRESYNC's VANISHED reports,
RFC 7162 §3.2.5.1) and subscriptions (RFC 9051 §6.3.7).  Opening an older store upgrades it
in one transaction: its mailboxes become the INBOX of the user they were named after, with
their UIDVALIDITY, next UID, messages and flags unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["SCHEMA_VERSION", "SchemaError", "migrate"]

SCHEMA_VERSION = 2

_V2_TABLES = """
CREATE TABLE folders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    uid_validity INTEGER NOT NULL,
    uid_next INTEGER NOT NULL,
    highest_modseq INTEGER NOT NULL DEFAULT 1,
    special_use TEXT NOT NULL DEFAULT '',
    noselect INTEGER NOT NULL DEFAULT 0,
    UNIQUE (owner, name)
);
CREATE TABLE mail (
    folder INTEGER NOT NULL REFERENCES folders(id),
    uid INTEGER NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    internal_date REAL NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    modseq INTEGER NOT NULL,
    PRIMARY KEY (folder, uid)
) WITHOUT ROWID;
CREATE INDEX mail_by_modseq ON mail (folder, modseq);
CREATE TABLE expunged (
    folder INTEGER NOT NULL REFERENCES folders(id),
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (folder, uid)
) WITHOUT ROWID;
CREATE TABLE subscriptions (
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (owner, name)
) WITHOUT ROWID;
"""

_V1_TO_V2 = """
INSERT INTO folders (owner, name, uid_validity, uid_next)
    SELECT name, 'INBOX', uid_validity, uid_next FROM mailboxes;
INSERT INTO mail (folder, uid, file, size, internal_date, flags, modseq)
    SELECT folders.id, messages.uid, messages.file, messages.size, messages.internal_date,
           messages.flags, 1
    FROM messages JOIN folders ON folders.owner = messages.mailbox;
DROP TABLE messages;
DROP TABLE mailboxes;
"""


class SchemaError(Exception):
    """The index was written by a newer version of the store."""


def _statements(script: str) -> list[str]:
    return [statement for statement in script.split(";") if statement.strip()]


def _run(db: sqlite3.Connection, script: str) -> None:
    for statement in _statements(script):
        db.execute(statement)


def _create_v2(db: sqlite3.Connection) -> None:
    _run(db, _V2_TABLES)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")


def _upgrade_v1(db: sqlite3.Connection) -> None:
    _run(db, _V2_TABLES)
    _run(db, _V1_TO_V2)


# user_version -> how to reach SCHEMA_VERSION from it.  0 is a new, empty database.
_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _create_v2,
    1: _upgrade_v1,
}


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` (inside a write transaction) to SCHEMA_VERSION; return the old version."""
    (found,) = db.execute("PRAGMA user_version").fetchone()
    if found == SCHEMA_VERSION:
        return int(found)
    if found not in _MIGRATIONS:
        raise SchemaError(
            f"the store's index has schema version {found}; this version of the store reads "
            f"versions up to {SCHEMA_VERSION}"
        )
    _MIGRATIONS[found](db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return int(found)
