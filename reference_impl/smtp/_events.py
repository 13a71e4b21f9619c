"""Events the sans-IO server core hands to its shell.

The core decides everything it can from the bytes alone; these events are the
points where the shell must act (store a message, start TLS, close).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ConnectionClosed", "Envelope", "MessageReceived", "RecipientsDeferred", "StartTLS"]


@dataclass(frozen=True, kw_only=True)
class Envelope:
    """The SMTP envelope of one transaction (RFC 5321 §2.3.1)."""

    sender: str
    recipients: tuple[str, ...]
    mailboxes: tuple[str, ...]  # store mailboxes of the accepted recipients, deduplicated
    mail_parameters: dict[str, str | None] = field(default_factory=dict)
    rcpt_parameters: tuple[dict[str, str | None], ...] = ()
    helo_name: str = ""
    protocol: str = "ESMTP"  # the RFC 3848 "with" keyword recorded in Received:


@dataclass(frozen=True, kw_only=True)
class MessageReceived:
    """A complete message: the shell stores ``trace + content`` for each mailbox
    and then calls ``message_stored()`` or ``message_failed()``; the core sends
    the final reply only then (RFC 5321 §4.1.1.4: 250 means responsibility)."""

    envelope: Envelope
    trace: bytes  # the Received: header field the server prepends (§4.4)
    content: bytes  # the message exactly as the client sent it, unstuffed


@dataclass(frozen=True, kw_only=True)
class StartTLS:
    """The 220 to STARTTLS is queued: flush it, handshake, then call
    ``tls_started()`` (RFC 3207 §4)."""


@dataclass(frozen=True, kw_only=True)
class ConnectionClosed:
    """The server ended the session (221, 421): flush and close."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class RecipientsDeferred:
    """Judging only, for the record (the shell does nothing with it): the server
    answered these recipients with a transient failure, a 4yz to RCPT or a 421 or a
    dropped connection that ended their transaction, so a correct client tries them
    again later (RFC 5321 §4.2.1, §3.8).  Addresses are lower-cased."""

    helo_name: str
    sender: str
    recipients: tuple[str, ...]
    code: int
