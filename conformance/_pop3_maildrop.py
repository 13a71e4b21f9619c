"""Known messages in a POP3 test account's maildrop, and one test at a time per account.

Seeding goes through the profile's SMTP target (as any mail arrives), or straight into
the reference store when the profile reads mail back from one (``readback = "store:..."``,
which the embedded servers use).  A seeded message is found again by the unique marker
in its Subject, never by its number: other mail may arrive for the account meanwhile.

Without delivery (a URL alone) the tests that only read take the smallest messages
already in the maildrop instead, known by their whole header; they never end a session
with QUIT after DELE, so nothing is removed (RFC 1939 §6: a session that ends otherwise
"MUST not remove any messages from the maildrop").

Isolation under ``pytest -n``: every test that logs in to an account holds an exclusive
``flock`` on a file named after the target and the user, in the temporary directory all
workers of a machine share.  So two workers never hold one maildrop at once (a server
that locks maildrops, RFC 1939 §4, would refuse the second), and a test that counts or
deletes messages sees only its own changes.  The embedded servers of each worker listen
on their own ports, so their locks never meet.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import HarnessError
from ._pop3_access import end_politely
from ._pop3_session import Pop3Session
from ._targets import Target

__all__ = [
    "LONG_LINE",
    "Pop3Account",
    "Pop3Messages",
    "SeededMaildrop",
    "SeededMessage",
    "account_lock",
    "existing_messages",
    "remove_seeded",
    "seed_messages",
    "wait_until_visible",
]

_POLL = 0.1
# An octet count a server must carry unchanged: under the 998 of RFC 5322 §2.1.1, so
# no relay on the way may fold or refuse it, and far above POP3's 512-octet first lines.
LONG_LINE = b"L" * 900 + b" " + b"end of the long line"


@dataclass(frozen=True, kw_only=True)
class Pop3Account:
    """Who the POP3 tests log in as; ``address`` receives the seeded mail (None: unknown)."""

    user: str
    password: str
    address: str | None = None


@dataclass(frozen=True, kw_only=True)
class SeededMessage:
    """A message as seeded: its marker and its content in CRLF form (no stuffing)."""

    name: str
    marker: bytes
    content: bytes

    @property
    def body(self) -> bytes:
        return self.content.split(b"\r\n\r\n", 1)[1]


def _header(marker: bytes, address: str, name: str) -> bytes:
    return (
        b"Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"
        b"From: <" + address.encode() + b">\r\n"
        b"To: <" + address.encode() + b">\r\n"
        b"Subject: POP3 conformance " + name.encode() + b" " + marker + b"\r\n"
        b"Message-ID: <" + marker + b"@conformance.test>\r\n"
    )


# The bodies: RFC 1939 §3 byte-stuffing (lines starting with "." and a line of only
# "."), TOP line counting (RFC 1939 §7) and long lines.
_BODIES: dict[str, bytes] = {
    "plain": b"".join(b"body line %d\r\n" % n for n in range(1, 6)),
    "dots": (
        b".starts with a period\r\n"
        b"..starts with two periods\r\n"
        b".\r\n"
        b"..\r\n"
        b"a line after the lone period\r\n"
        b". \r\n"
        b"last line\r\n"
    ),
    "long": b"short first line\r\n" + LONG_LINE + b"\r\n" + LONG_LINE[:500] + b"\r\n",
}


def seed_messages(address: str) -> tuple[SeededMessage, ...]:
    """Fresh messages (new markers) for ``address``: "plain", "dots" and "long"."""
    messages = []
    for name, body in _BODIES.items():
        marker = f"pop3-{uuid.uuid4().hex}".encode("ascii")
        content = _header(marker, address, name) + b"\r\n" + body
        messages.append(SeededMessage(name=name, marker=marker, content=content))
    return tuple(messages)


Login = Callable[[], Pop3Session]


@dataclass(kw_only=True)
class Pop3Messages:
    """Messages a test may read in the account's maildrop, each known by octets of its
    header (``markers``: name -> octets); ``find`` maps them to message-numbers."""

    account: Pop3Account
    markers: dict[str, bytes]
    _hints: dict[str, int] = field(default_factory=dict)

    @property
    def seeded(self) -> bool:
        """Whether the harness delivered these messages (and knows their content)."""
        return False

    def find(self, session: Pop3Session) -> dict[str, int]:
        """The message-number of each known message in ``session`` (TRANSACTION state).

        Reads the scan listing and the header of each message (TOP n 0, or RETR where TOP
        is refused): first at the numbers found last time, then from the newest down,
        until every marker is found; a message missing from the maildrop is simply not in
        the result.  Headers only, where it can: the bodies are what the tests examine,
        and a server that mangles them must fail those tests rather than this search.
        """
        listing = session.list()
        if not listing.ok:
            raise AssertionError(f"sent LIST to find the test messages, got {listing}")
        listed = {_number(line) for line in listing.lines}
        hinted = [n for n in self._hints.values() if n in listed]
        numbers = hinted + sorted(listed - set(hinted), reverse=True)
        wanted = {marker: name for name, marker in self.markers.items()}
        found: dict[str, int] = {}
        for number in numbers:
            if len(found) == len(wanted):
                break
            header = _header_of(session, number)
            for marker, name in wanted.items():
                if header is not None and marker in header and name not in found:
                    found[name] = number
        self._hints.update(found)
        return found

    def chosen(self, prefer: str = "plain") -> str:
        """``prefer`` when it names a known message, else the name of the first one."""
        return prefer if prefer in self.markers else next(iter(self.markers))

    def some(self, session: Pop3Session, prefer: str = "plain") -> int:
        """The number of the ``prefer`` message when it is known, else of any known one."""
        name = self.chosen(prefer)
        found = self.find(session)
        if name not in found:
            raise AssertionError(
                f"the test message {name!r} is no longer in the maildrop (LIST and TOP/RETR "
                f"of each message found only {sorted(found)})"
            )
        return found[name]


def _header_of(session: Pop3Session, number: int) -> bytes | None:
    response = session.top(number, 0)
    if not response.ok:
        response = session.retr(number)
    return response.body if response.ok else None


@dataclass(kw_only=True)
class SeededMaildrop(Pop3Messages):
    """Messages put into the test account's maildrop, of known content."""

    messages: tuple[SeededMessage, ...] = ()

    @classmethod
    def of(cls, account: Pop3Account, messages: tuple[SeededMessage, ...]) -> SeededMaildrop:
        markers = {message.name: message.marker for message in messages}
        return cls(account=account, markers=markers, messages=messages)

    @property
    def seeded(self) -> bool:
        return True

    def __getitem__(self, name: str) -> SeededMessage:
        for message in self.messages:
            if message.name == name:
                return message
        raise KeyError(name)


def _number(scan_line: bytes) -> int:
    word = scan_line.split(b" ", 1)[0]
    return int(word) if word.isdigit() else 0


def existing_messages(account: Pop3Account, login: Login, count: int = 3) -> Pop3Messages:
    """Up to ``count`` of the smallest messages already in the maildrop, known by their
    whole header; the session that looks ends with QUIT and marks nothing as deleted."""
    session = login()
    listing = session.list()
    if not listing.ok:
        raise AssertionError(f"sent LIST to choose messages to read, got {listing}")
    sizes = {}
    for line in listing.lines:
        words = line.split(b" ")
        if len(words) >= 2 and words[0].isdigit() and words[1].isdigit():
            sizes[int(words[0])] = int(words[1])
    markers: dict[str, bytes] = {}
    for number in sorted(sizes, key=lambda n: (sizes[n], n)):
        header = _header_of(session, number)
        if header and header not in markers.values():
            markers[f"message {len(markers) + 1}"] = header
        if len(markers) == count:
            break
    end_politely(session)
    return Pop3Messages(account=account, markers=markers)


def wait_until_visible(maildrop: SeededMaildrop, login: Login, timeout: float) -> None:
    """Poll with fresh sessions until POP3 lists every seeded message."""
    deadline = time.monotonic() + timeout
    while True:
        session = login()
        found = maildrop.find(session)
        end_politely(session)
        if len(found) == len(maildrop.messages):
            return
        if time.monotonic() >= deadline:
            missing = [m.name for m in maildrop.messages if m.name not in found]
            raise HarnessError(
                f"seeded messages {missing} did not appear in the POP3 maildrop of "
                f"{maildrop.account.user} within {timeout} s"
            )
        time.sleep(_POLL)


def remove_seeded(maildrop: SeededMaildrop, login: Login) -> None:
    """Delete what is left of the seeded messages (the suite cleans up after itself).

    Call it once the test's own sessions are closed: one of them may hold the maildrop.
    A cleanup that cannot happen is a HarnessError, never a silent leftover.
    """
    what = (
        f"cannot remove the seeded test messages from the POP3 maildrop of {maildrop.account.user}"
    )
    try:
        session = login()
        numbers = maildrop.find(session)
        refused = {n: r for n in numbers.values() if not (r := session.dele(n)).ok}
        response = session.quit()
    except (AssertionError, HarnessError, OSError) as exc:
        raise HarnessError(f"{what}: {exc}") from None
    if refused:
        raise HarnessError(
            f"{what}: DELE refused: " + ", ".join(f"{n} {r}" for n, r in refused.items())
        )
    if not response.ok:
        raise HarnessError(f"{what}: QUIT after DELE of {sorted(numbers.values())} got {response}")
    with contextlib.suppress(AssertionError, HarnessError, OSError):
        session.expect_closed(timeout=min(session.timeout, 2.0))
    session.close()


@contextlib.contextmanager
def account_lock(target: Target, user: str, timeout: float) -> Iterator[None]:
    """Hold the machine-wide lock of (target, user) for one test; see the module doc."""
    directory = Path(tempfile.gettempdir()) / "mail-conformance-pop3-locks"
    directory.mkdir(mode=0o1777, exist_ok=True)
    key = hashlib.sha256(f"{target.host}:{target.port}|{user}".encode()).hexdigest()[:24]
    fd = os.open(directory / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise HarnessError(
                        f"another test held the POP3 account {user} of {target.url} "
                        f"for more than {timeout} s"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the lock
