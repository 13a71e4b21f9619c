"""Events the sans-IO IMAP server core hands to its shell.

The core never touches the store or the socket.  A command that needs the store is
handed over as ``StoreWork``: the shell runs ``work(store)`` (in a worker thread; it
blocks) and gives the result back with ``ServerConnection.work_done``.  Input waits
meanwhile, so the work may read and update the session's view of its mailbox: nothing
else touches it until the result is given back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reference_impl._defects import ClientDefect
from reference_impl.imap._responses import Reply
from reference_impl.store import MailStore

__all__ = ["ClientDefect", "ConnectionClosed", "Event", "StartTLS", "StoreWork", "WatchMailbox"]

Work = Callable[[MailStore], Reply]


@dataclass(frozen=True, kw_only=True)
class StoreWork:
    work: Work


@dataclass(frozen=True, kw_only=True)
class WatchMailbox:
    """Tell the core (``mailbox_changed``) when this mailbox changes; None: stop."""

    user: str
    mailbox: str | None


@dataclass(frozen=True, kw_only=True)
class StartTLS:
    """OK sent to STARTTLS: run the handshake, then call ``tls_started`` (RFC 9051 §6.2.1)."""


@dataclass(frozen=True, kw_only=True)
class ConnectionClosed:
    reason: str


Event = StoreWork | WatchMailbox | StartTLS | ConnectionClosed | ClientDefect
