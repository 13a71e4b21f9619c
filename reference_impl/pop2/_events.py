"""Events the sans-IO POP2 server core hands to its shell.

The core never touches the store or the socket: it asks with these events and
waits in a state of its own (OPENING, LOADING, RELEASING) until the shell answers
through the matching method of ``ServerConnection``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConnectionClosed",
    "ListedMessage",
    "MailboxReleased",
    "MailboxRequested",
    "MessageRequested",
]


@dataclass(frozen=True, kw_only=True)
class ListedMessage:
    """One message of a mailbox as the store lists it (size in octets as transmitted)."""

    uid: int
    size: int


@dataclass(frozen=True, kw_only=True)
class MailboxRequested:
    """HELO (the default mailbox) or FOLD: list store mailbox ``mailbox`` in ascending
    UID order, then call ``mailbox_opened(messages)`` or ``mailbox_failed()``."""

    user: str
    mailbox: str


@dataclass(frozen=True, kw_only=True)
class MessageRequested:
    """RETR: read message ``uid`` of ``mailbox``, then call ``message_loaded(data)``
    or ``message_failed()``."""

    mailbox: str
    uid: int


@dataclass(frozen=True, kw_only=True)
class MailboxReleased:
    """The selected mailbox is released (FOLD, QUIT or the end of the session) with
    messages marked by ACKD: delete ``uids`` from ``mailbox``.  When ``awaited`` the
    core waits for ``release_done()`` before its next reply."""

    mailbox: str
    uids: tuple[int, ...]
    awaited: bool


@dataclass(frozen=True, kw_only=True)
class ConnectionClosed:
    """The session is over: flush what is queued, then close."""

    reason: str
