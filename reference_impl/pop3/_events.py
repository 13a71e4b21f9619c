"""Events the sans-IO POP3 server core hands to its shell.

The core never touches the store, the lock or the socket: it asks the shell
with these events and waits in a state of its own until the shell answers
through the matching method of ``ServerConnection``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConnectionClosed",
    "ListedMessage",
    "Maildrop",
    "MaildropRequested",
    "MessageRequested",
    "StartTLS",
    "UpdateRequested",
]


@dataclass(frozen=True, kw_only=True)
class ListedMessage:
    """One message of the maildrop as the store lists it (size in octets, CRLF form)."""

    uid: int
    size: int


@dataclass(frozen=True, kw_only=True)
class Maildrop:
    """The maildrop at login, in ascending UID order: message n is ``messages[n - 1]``
    for the whole session (RFC 1939 §4: numbers are fixed until QUIT)."""

    uid_validity: int
    messages: tuple[ListedMessage, ...]


@dataclass(frozen=True, kw_only=True)
class MaildropRequested:
    """``user`` authenticated: lock and list the maildrop, then call
    ``maildrop_opened(maildrop)``, ``maildrop_locked()`` or ``maildrop_failed()``."""

    user: str


@dataclass(frozen=True, kw_only=True)
class MessageRequested:
    """RETR or TOP: read message ``uid`` of ``user``, then call
    ``message_loaded(data)`` or ``message_failed(permanent=...)``."""

    user: str
    uid: int


@dataclass(frozen=True, kw_only=True)
class UpdateRequested:
    """QUIT in TRANSACTION (RFC 1939 §6): remove ``deleted_uids`` from ``user``'s
    maildrop, then call ``update_done(ok)``; the lock is released after that."""

    user: str
    deleted_uids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class StartTLS:
    """The ``+OK`` to STLS is queued: flush it, handshake, then ``tls_started()``."""


@dataclass(frozen=True, kw_only=True)
class ConnectionClosed:
    """The session is over (QUIT answered, or autologout): flush and close."""

    reason: str
