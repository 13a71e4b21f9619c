"""The embedded mail store shared by the reference SMTP, POP3 and IMAP servers.

Messages are Maildir files; each user's mailboxes (INBOX and folders), UIDs, flags, MODSEQs,
sizes and internal dates are kept in SQLite.  Users, passwords, addresses and local
domains are ``reference_impl.auth.Accounts``.
"""

from ._changes import ChangeKind, MailboxChange, Watch
from ._locks import LOCKS, MaildropLocks
from ._schema import SCHEMA_VERSION, SchemaError
from ._store import (
    DELIMITER,
    INBOX,
    FlagUpdate,
    InvalidFlag,
    MailboxError,
    MailboxInfo,
    MailStore,
    NoSuchMessage,
    StoredMessage,
    StoreError,
)

__all__ = [
    "DELIMITER",
    "INBOX",
    "LOCKS",
    "SCHEMA_VERSION",
    "ChangeKind",
    "FlagUpdate",
    "InvalidFlag",
    "MailStore",
    "MailboxChange",
    "MailboxError",
    "MailboxInfo",
    "MaildropLocks",
    "NoSuchMessage",
    "SchemaError",
    "StoreError",
    "StoredMessage",
    "Watch",
]
