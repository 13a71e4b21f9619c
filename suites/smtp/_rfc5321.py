"""Shared steps of the RFC 5321 core suites: opening a session, a transaction, a message.

Every helper asserts what it needs with a message saying what was sent, what was expected
and what came back, so a failure in a preparatory step is reported as clearly as the
requirement under test.
"""

from __future__ import annotations

import re
import uuid

import pytest

from conformance import (
    Account,
    Mailbox,
    Security,
    SmtpSession,
    TargetClosedConnection,
    TargetTimeout,
)
from reference_impl.smtp import Reply

__all__ = [
    "ADDRESS_LITERAL",
    "DOMAIN",
    "MAIL_NOT_TOO_LONG",
    "MessageParts",
    "abandon_mail_data",
    "begin_transaction",
    "deliver",
    "helo_ready",
    "implemented",
    "make_message",
    "new_marker",
    "ready",
    "recipients_ready",
    "reply_after_quit",
]

# RFC 5321 §4.1.2 / §4.1.3, ASCII only: what may follow a 220 or begin an EHLO reply.
DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
ADDRESS_LITERAL = (
    r"\[(?:[0-9.]+|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]"
)

# §4.3.2's replies to MAIL less the syntax errors 500 / 501 (and 503, out of sequence),
# plus 530 (RFC 4954 §6: AUTH required): a path judged on its merits, not on its length.
MAIL_NOT_TOO_LONG = frozenset({250, 451, 452, 455, 530, 550, 552, 553, 555})


def implemented(reply: Reply) -> bool:
    """A reply of a recognized, implemented command: a well-formed code 200-599 (§4.2:
    2yz-5yz) other than 500 (not recognized) and 502 (not implemented)."""
    return 200 <= reply.code <= 599 and reply.code not in (500, 502)


def new_marker() -> bytes:
    """A unique token to find one test's message among everything delivered."""
    return f"conformance-{uuid.uuid4().hex}".encode("ascii")


def ready(smtp: SmtpSession, name: str = "conformance.test") -> Reply:
    """EHLO, plus STARTTLS and AUTH where the target requires them (``establish``).

    Returns the (last) EHLO reply; its 250 and any 220 / 235 on the way are asserted.
    """
    reply = smtp.establish(name)
    steps = "" if reply.code == 250 else " (and the target's STARTTLS / AUTH)"
    assert reply.code == 250, f"sent 'EHLO {name}'{steps}, expected 250, got {reply}"
    return reply


def helo_ready(smtp: SmtpSession, *, for_mail: bool = False) -> Reply:
    """HELO (after STARTTLS where the target requires it); the reply is returned as is.

    ``for_mail``: the test goes on to MAIL, which a target requiring AUTH refuses after
    HELO (AUTH is an EHLO extension, RFC 4954 §3; RFC 6409 §4.3), so the test skips there.
    """
    if for_mail and smtp.target.requires_auth:
        pytest.skip("the target requires AUTH, which a HELO session cannot use")
    if smtp.target.security is Security.STARTTLS and not smtp.tls_active:
        smtp.ehlo()
        started = smtp.starttls()
        assert started.code == 220, f"sent STARTTLS, expected 220, got {started}"
    return smtp.helo()


def begin_transaction(smtp: SmtpSession, sender: Mailbox, name: str = "conformance.test") -> None:
    """EHLO then MAIL FROM the sender account, both asserted."""
    ready(smtp, name)
    reply = smtp.mail(sender.address)
    assert reply.code == 250, f"sent 'MAIL FROM:<{sender.address}>', expected 250, got {reply}"


def recipients_ready(
    smtp: SmtpSession, sender: Mailbox, *recipients: Mailbox, name: str = "conformance.test"
) -> None:
    """EHLO, MAIL and one RCPT per recipient; each accepted (250 or 251, §3.3/§3.4)."""
    begin_transaction(smtp, sender, name)
    for recipient in recipients:
        reply = smtp.rcpt(recipient.address)
        assert reply.code in (250, 251), (
            f"sent 'RCPT TO:<{recipient.address}>', expected 250 or 251, got {reply}"
        )


class MessageParts:
    """A message as sent: ``header`` and ``body`` in CRLF form; ``data`` is both."""

    def __init__(self, header: bytes, body: bytes) -> None:
        self.header = header
        self.body = body

    @property
    def data(self) -> bytes:
        return self.header + b"\r\n" + self.body


def make_message(
    sender: Account, recipient: Account, marker: bytes, body: bytes = b"", extra: bytes = b""
) -> MessageParts:
    """A complete RFC 5322 message carrying ``marker``.

    Date, From and Message-ID are present so no server needs to add any header field
    to our block: everything a server adds then sits above it.
    """
    header = (
        b"Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"
        b"From: <" + sender.address.encode() + b">\r\n"
        b"To: <" + recipient.address.encode() + b">\r\n"
        b"Subject: RFC 5321 conformance " + marker + b"\r\n"
        b"Message-ID: <" + marker + b"@conformance.test>\r\n" + extra
    )
    return MessageParts(header, body or b"Marker " + marker + b"\r\n")


def deliver(smtp: SmtpSession, sender: Account, recipient: Account, message: bytes) -> Reply:
    """A whole transaction; the 354 and the final 250 are asserted."""
    recipients_ready(smtp, sender, recipient)
    reply = smtp.data(message)
    assert reply.code == 250, (
        f"sent DATA and a {len(message)}-octet message, expected 354 then 250, got {reply}"
    )
    return reply


def abandon_mail_data(smtp: SmtpSession) -> None:
    """After a 354, leave without a message: close before the end of mail data.

    Every line after 354 is mail data, so closing is the only way out short of delivering;
    the server then "MUST cancel any pending transaction" (RFC 5321 §4.1.1.10).
    """
    smtp.close()


def reply_after_quit(smtp: SmtpSession) -> Reply | None:
    """Send QUIT and read the next reply; None only if the server closed the connection.

    Silence is not a close: QUIT must be answered ("The receiver MUST send a "221 OK"
    reply", §4.1.1.10), so a server that says nothing fails here instead of passing as
    one that had hung up.
    """
    try:
        return smtp.quit()
    except TargetClosedConnection:
        return None
    except TargetTimeout as exc:
        pytest.fail(f"sent QUIT, expected a reply (221, §4.1.1.10), got none: {exc}")
    return None


def first_word(reply: Reply) -> str:
    """The text after the code up to the first space, of the first line."""
    text = reply.lines[0].decode("utf-8", "replace") if reply.lines else ""
    return text.split(" ", 1)[0]


def is_domain_or_literal(word: str) -> bool:
    return re.fullmatch(f"{DOMAIN}|{ADDRESS_LITERAL}", word) is not None
