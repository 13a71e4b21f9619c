"""Message sources read over IMAP, and messages from files.

``imap_delivered_message`` sends a message by SMTP (DATA, or BDAT where CHUNKING is
advertised) to the IMAP test account and fetches it back from INBOX by ``FETCH BODY[]``;
``appended_message`` APPENDs it to a scratch mailbox and fetches it back, leaving that
mailbox selected for further FETCHes.  ``message_files`` are the messages a user names
with ``--message FILE`` (``conformance run --message``): MIME tests that take
``mime_message`` run on them instead of the suite's own picks.

Messages a client submitted to the reference SMTP server in judge mode are one more
source: a provider appended to ``MESSAGE_PROVIDERS`` returns them as ``MessageFile``
values, and every test that takes ``mime_message`` then runs on them too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_impl._escape import escape_octets
from reference_impl.imap import Literal

from ._imap_fixtures import ImapAccount
from ._imap_session import Completion, ImapSession, capabilities_in, quoted_string
from ._lock_wait import lock_pauses
from ._mailbox_fixtures import RecordedSessions, delivery_address
from ._mime_fixtures import Compose, StoredMessage, Submission, submit
from ._options import options_of
from ._profile import Account
from ._smtp_session import SmtpSession

__all__ = [
    "MESSAGE_PROVIDERS",
    "AppendedMessage",
    "MessageFile",
    "appended_message",
    "body_of",
    "imap_delivered_message",
    "message_files",
]


@dataclass(frozen=True)
class MessageFile:
    """A message under test that no test of ours composed: ``origin`` says where it came
    from (a path, a judge session)."""

    name: str
    octets: bytes
    origin: str


# Where messages under test come from besides the suite's own: each provider reads the
# run's configuration and returns its messages.  Files named by --message come first.
MessageProvider = Callable[[pytest.Config], list[MessageFile]]


def _named_files(config: pytest.Config) -> list[MessageFile]:
    paths: list[Path] = config.getoption("message", None) or []
    return [MessageFile(path.name, path.read_bytes(), str(path)) for path in paths]


MESSAGE_PROVIDERS: list[MessageProvider] = [_named_files]


def message_files(config: pytest.Config) -> list[MessageFile]:
    """Every message the run was given to test (files, then other providers')."""
    return [found for provider in MESSAGE_PROVIDERS for found in provider(config)]


@dataclass(frozen=True)
class AppendedMessage:
    """A message APPENDed as ``sent`` to ``mailbox``, which ``session`` has selected;
    it is message 1 there, and ``stored`` is what FETCH BODY[] returned for it."""

    session: ImapSession
    mailbox: str
    sent: bytes
    stored: bytes


@pytest.fixture
def appended_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> Callable[[bytes], AppendedMessage]:
    """Factory: ``appended_message(raw)`` APPENDs ``raw`` to a scratch mailbox, selects
    it and fetches the message back (BODY.PEEK[], so no flag changes)."""

    def append(raw: bytes) -> AppendedMessage:
        session = imap_login()
        name = quoted_string(imap_mailbox)
        _expect_ok(session.command("APPEND", name, Literal(raw)), f"APPEND of {len(raw)} octets")
        _expect_ok(session.command("SELECT", name), f"SELECT {imap_mailbox}")
        fetched = session.command("FETCH", b"1", b"(BODY.PEEK[])")
        return AppendedMessage(session, imap_mailbox, raw, body_of(fetched, "FETCH 1 BODY[]"))

    return append


@pytest.fixture
def imap_delivered_message(
    request: pytest.FixtureRequest,
    smtp: SmtpSession,
    accounts: tuple[Account, ...],
    imap_account: ImapAccount,
    imap_login: Callable[[], ImapSession],
    imap_connect: RecordedSessions[ImapSession],
) -> Iterator[Callable[..., StoredMessage]]:
    """Factory: ``imap_delivered_message(compose, submission=Submission())`` sends
    ``compose(marker)`` by SMTP to the IMAP account and returns it with what
    ``FETCH BODY[]`` gave back from INBOX; the message is expunged after the test."""
    environment = request.getfixturevalue("_conformance_environment")
    address = delivery_address(environment, imap_account.user, imap_account.address)
    timeout = options_of(request.config).timeout
    delivered: list[bytes] = []

    def deliver(compose: Compose, submission: Submission | None = None) -> StoredMessage:
        marker, raw = submit(smtp, accounts[0].address, address, compose, submission)
        delivered.append(marker)
        session = imap_login()
        uid = _wait_for_marker(session, marker, timeout)
        fetched = session.command("UID FETCH", str(uid).encode(), b"(BODY.PEEK[])")
        return StoredMessage(raw, body_of(fetched, f"UID FETCH {uid} BODY[]"))

    yield deliver
    imap_connect.close_all()
    if delivered:
        _expunge_markers(imap_login(), delivered)


def _wait_for_marker(session: ImapSession, marker: bytes, timeout: float) -> int:
    """The UID of the INBOX message containing ``marker``, polled until it arrives."""
    pauses = lock_pauses(timeout)
    while True:
        _expect_ok(session.command("SELECT", b"INBOX"), "SELECT INBOX")
        found = _uids_with(session, marker)
        if found:
            return found[-1]
        pause = next(pauses, None)
        if pause is None:
            raise AssertionError(
                f"the message with {marker.decode()} was accepted by SMTP but did not reach "
                f"INBOX of the IMAP account within {timeout} s (SEARCH TEXT finds it not)"
            )
        time.sleep(pause)


_SEARCH_LINE = re.compile(rb"\* SEARCH((?: [0-9]+)*) ?\Z", re.IGNORECASE)


def _uids_with(session: ImapSession, marker: bytes) -> list[int]:
    """RFC 3501 §6.4.4 SEARCH TEXT: messages containing the string in header or body."""
    searched = _expect_ok(
        session.command("UID SEARCH", b"TEXT", quoted_string(marker.decode("ascii"))),
        "UID SEARCH TEXT for the delivered message",
    )
    uids: list[int] = []
    for response in searched.untagged:
        found = _SEARCH_LINE.match(response.line)
        if found is not None:
            uids.extend(int(n) for n in found.group(1).split())
    return sorted(uids)


def _expunge_markers(session: ImapSession, markers: list[bytes]) -> None:
    """Remove the test's delivered messages: UID EXPUNGE where UIDPLUS is advertised
    (RFC 4315 §2.1), so no other \\Deleted message goes with them."""
    _expect_ok(session.command("SELECT", b"INBOX"), "SELECT INBOX to remove the test's mail")
    uids = [uid for marker in markers for uid in _uids_with(session, marker)]
    if not uids:
        return
    numbers = ",".join(str(uid) for uid in uids).encode()
    session.command("UID STORE", numbers, b"+FLAGS.SILENT", b"(\\Deleted)")
    if "UIDPLUS" in capabilities_in(session.command("CAPABILITY").untagged):
        session.command("UID EXPUNGE", numbers)
    else:
        session.command("EXPUNGE")
    session.close()


# RFC 3501 §7.4.2: BODY[]<origin> SP nstring; a literal, or a quoted string when short.
_QUOTED_BODY = re.compile(rb'BODY\[\] "((?:[^"\\]|\\.)*)"', re.IGNORECASE)
_BODY_LITERAL = re.compile(rb"BODY\[\] \{[0-9]+\}\Z", re.IGNORECASE)


def body_of(completed: Completion, sent: str) -> bytes:
    """The BODY[] octets of the one FETCH response of ``completed``."""
    _expect_ok(completed, sent)
    for response in completed.untagged:
        if response.keyword.upper() != b"FETCH":
            continue
        framed = response.framed
        for part, literal in zip(framed.parts, framed.literals, strict=False):
            if _BODY_LITERAL.search(part):
                return literal
        quoted = _QUOTED_BODY.search(framed.parts[0])
        if quoted is not None:
            return re.sub(rb"\\(.)", rb"\1", quoted.group(1))
    lines = [escape_octets(r.line[:120]) for r in completed.untagged]
    raise AssertionError(f"sent {sent}, expected a FETCH response with BODY[], got {lines}")


def _expect_ok(completed: Completion, sent: str) -> Completion:
    response = completed.response
    assert response.status == b"OK", (
        f"sent {sent}, expected OK, got '{escape_octets(response.line[:160])}'"
    )
    return completed
