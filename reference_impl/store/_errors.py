"""The store's exceptions."""

from __future__ import annotations

__all__ = ["InvalidFlag", "MailboxError", "NoSuchMessage", "StoreError"]


class StoreError(Exception):
    """Base class of the store's errors."""


class NoSuchMessage(StoreError, KeyError):
    """The mailbox has no message with that UID."""


class InvalidFlag(StoreError, ValueError):
    """A flag that cannot be stored (empty, or containing whitespace or NUL)."""


class MailboxError(StoreError):
    """A mailbox operation the namespace does not allow: the name exists already, does
    not exist, is INBOX where INBOX cannot be used, or is not selectable; IMAP answers
    these with a tagged NO (RFC 9051 §6.3)."""
