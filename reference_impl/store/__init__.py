"""The embedded mail store shared by the reference SMTP, POP3 and IMAP servers.

Messages are Maildir files; UIDs, flags, sizes and internal dates are kept in SQLite.
``Accounts`` holds users, passwords, addresses and local domains.
"""

from ._accounts import Accounts, AccountsError, User
from ._store import (
    InvalidFlag,
    MailboxInfo,
    MailStore,
    NoSuchMessage,
    StoredMessage,
    StoreError,
)

__all__ = [
    "Accounts",
    "AccountsError",
    "InvalidFlag",
    "MailStore",
    "MailboxInfo",
    "NoSuchMessage",
    "StoreError",
    "StoredMessage",
    "User",
]
