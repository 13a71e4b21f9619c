"""Messages under test that have no wire session of their own: a message source.

``stored_message`` delivers a message by SMTP DATA (from the first account to the second)
and reads back what the target stored; ``retrieved_message`` delivers it by SMTP DATA to
the POP3 test account and fetches it back with RETR (and deletes it after the test).  A
MIME test compares octets in with octets out and parses what came out.  The sources read
over IMAP, and messages from files, are in ``_mime_sources``.

``submit`` is the one SMTP transaction every source uses: DATA by default, or as a
``Submission`` says (BDAT chunks, MAIL parameters such as BODY=8BITMIME or SMTPUTF8), and
a skip naming the extension when the target does not advertise one it needs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from reference_impl.smtp import Reply

from ._mailbox_fixtures import RecordedSessions, delivery_address
from ._options import options_of
from ._pop3_access import end_politely
from ._pop3_maildrop import (
    Pop3Account,
    SeededMaildrop,
    SeededMessage,
    remove_seeded,
    wait_until_visible,
)
from ._pop3_session import Pop3Session
from ._profile import Account
from ._readback import Readback
from ._smtp_session import SmtpSession

__all__ = [
    "Compose",
    "StoredMessage",
    "Submission",
    "retrieved_message",
    "stored_message",
    "submit",
]

# Builds the message to send around a unique marker (a Message-ID, a Subject word ...).
Compose = Callable[[bytes], bytes]


@dataclass(frozen=True, kw_only=True)
class Submission:
    """How a message goes in by SMTP: in two BDAT chunks (RFC 3030) instead of DATA, with
    these MAIL FROM parameters, once the target advertised every EHLO keyword ``needs``."""

    chunked: bool = False
    mail_parameters: str = ""
    needs: tuple[str, ...] = ()


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
) -> Callable[..., StoredMessage]:
    """Factory: ``stored_message(compose, submission=None)`` sends ``compose(marker)``
    (as ``submission`` says) and returns it with what was stored; a refused step fails
    the test with the reply."""

    def deliver(compose: Compose, submission: Submission | None = None) -> StoredMessage:
        marker, raw = submit(
            smtp, accounts[0].address, accounts[1].address, compose, submission
        )
        return StoredMessage(raw, readback.wait_for(accounts[1].address, marker))

    return deliver


@pytest.fixture
def retrieved_message(
    request: pytest.FixtureRequest,
    smtp: SmtpSession,
    accounts: tuple[Account, ...],
    pop3_account: Pop3Account,
    pop3_connect: RecordedSessions[Pop3Session],
    pop3_login: Callable[[], Pop3Session],
) -> Iterator[Callable[[Compose], StoredMessage]]:
    """Factory: ``retrieved_message(compose)`` sends ``compose(marker)`` by SMTP to the
    POP3 account and returns it with what RETR gave back (dot-unstuffed)."""
    environment = request.getfixturevalue("_conformance_environment")
    address = delivery_address(environment, pop3_account.user, pop3_account.address)
    timeout = options_of(request.config).timeout
    delivered: list[SeededMaildrop] = []

    def deliver(compose: Compose) -> StoredMessage:
        marker, raw = submit(smtp, accounts[0].address, address, compose)
        maildrop = SeededMaildrop.of(
            pop3_account, (SeededMessage(name="mime", marker=marker, content=raw),)
        )
        delivered.append(maildrop)
        wait_until_visible(maildrop, pop3_login, timeout)
        session = pop3_login()
        number = maildrop.find(session)["mime"]
        retrieved = session.retr(number)
        end_politely(session)
        assert retrieved.ok, f"sent RETR {number} for the delivered message, got {retrieved}"
        return StoredMessage(raw, retrieved.body)

    yield deliver
    pop3_connect.close_all()
    for maildrop in delivered:
        remove_seeded(maildrop, pop3_login)


def submit(
    smtp: SmtpSession,
    sender: str,
    recipient: str,
    compose: Compose,
    submission: Submission | None = None,
) -> tuple[bytes, bytes]:
    """Deliver ``compose(marker)`` as ``submission`` says; (the marker, the message sent)."""
    how = submission or Submission()
    marker = f"conformance-{uuid.uuid4().hex}".encode("ascii")
    raw = compose(marker)
    _expect("EHLO", smtp.establish("conformance.test"), 250)
    missing = [keyword for keyword in how.needs if keyword not in smtp.extensions]
    if missing:
        pytest.skip(f"the target does not advertise {', '.join(missing)} in its EHLO reply")
    mail = f"MAIL FROM:<{sender}> {how.mail_parameters}".strip()
    _expect(mail, smtp.mail(sender, how.mail_parameters), 250)
    _expect(f"RCPT TO:<{recipient}>", smtp.rcpt(recipient), 250, 251)
    if how.chunked:  # RFC 3030 §2: the chunks' octets are the message, nothing stuffed
        half = len(raw) // 2
        _expect(f"BDAT {half}", smtp.bdat(raw[:half]), 250)
        _expect(f"BDAT {len(raw) - half} LAST", smtp.bdat(raw[half:], last=True), 250)
    else:
        _expect("DATA and the message", smtp.data(raw), 250)
    return marker, raw


def _expect(sent: str, reply: Reply, *codes: int) -> None:
    assert reply.code in codes, f"sent {sent}, expected {codes}, got {reply}"
