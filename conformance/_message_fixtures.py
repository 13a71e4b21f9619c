"""Messages under test that have no wire session of their own: a message source.

``stored_message`` delivers a message by SMTP DATA (from the first account to the second)
and reads back what the target stored, so a MIME test can compare octets in with octets
out and parse what came out.  Other sources (POP3 RETR, IMAP FETCH, a file) are to come.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from reference_impl.smtp import Reply

from ._profile import Account
from ._readback import Readback
from ._smtp_session import SmtpSession

__all__ = ["Compose", "StoredMessage", "stored_message"]

# Builds the message to send around a unique marker (a Message-ID, a Subject word ...).
Compose = Callable[[bytes], bytes]


@dataclass(frozen=True)
class StoredMessage:
    """What was sent by DATA and what the target stored for the recipient."""

    sent: bytes
    stored: bytes

    @property
    def added(self) -> bytes | None:
        """What the store holds above the message as sent; None when the sent message is
        not its exact tail (the target changed it)."""
        if not self.stored.endswith(self.sent):
            return None
        return self.stored[: len(self.stored) - len(self.sent)]


@pytest.fixture
def stored_message(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> Callable[[Compose], StoredMessage]:
    """Factory: ``stored_message(compose)`` sends ``compose(marker)`` and returns it with
    what was stored; a refused step fails the test with the reply."""

    def deliver(compose: Compose) -> StoredMessage:
        sender, recipient = accounts[0], accounts[1]
        marker = f"conformance-{uuid.uuid4().hex}".encode("ascii")
        raw = compose(marker)
        _expect("EHLO", smtp.establish("conformance.test"), 250)
        _expect(f"MAIL FROM:<{sender.address}>", smtp.mail(sender.address), 250)
        _expect(f"RCPT TO:<{recipient.address}>", smtp.rcpt(recipient.address), 250, 251)
        _expect("DATA and the message", smtp.data(raw), 250)
        return StoredMessage(raw, readback.wait_for(recipient.address, marker))

    return deliver


def _expect(sent: str, reply: Reply, *codes: int) -> None:
    assert reply.code in codes, f"sent {sent}, expected {codes}, got {reply}"
