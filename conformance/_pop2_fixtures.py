"""POP2 (RFC 937) fixtures: the target, sessions, and a mailbox with known messages.

The POP2 target is a ``--target pop2://...``, else the embedded reference server's
POP2 listener.  Tests log in as the credentials in the URL, else as the profile's
first account; ``pop2_account`` holds that account's lock for the test (one test at a
time per account and target, also under ``pytest -n``), and the login is tried once per
process, so wrong credentials are one error reason rather than failures of the server.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from ._environment import Environment, chosen_target
from ._errors import HarnessError
from ._hooks import ProtocolHooks
from ._lock_wait import lock_pauses
from ._mailbox_fixtures import (
    RecordedSessions,
    deliver,
    delivery_address,
    locked_account,
    recorded_sessions,
)
from ._options import options_of, target_guard
from ._pop2_session import Pop2Session
from ._profile import Profile
from ._protocols import protocol_named
from ._targets import Target
from ._transcript import Transcript

__all__ = [
    "PROTOCOL_HOOKS",
    "Pop2Account",
    "Pop2Connect",
    "Pop2Mailbox",
    "Pop2Message",
    "pop2",
    "pop2_account",
    "pop2_connect",
    "pop2_login",
    "pop2_mailbox",
    "pop2_target",
]

POP2 = protocol_named("pop2")
Pop2Connect = Callable[..., Pop2Session]
_POLL = 0.1
# How long a login waits for a mailbox another (ended) session still holds.
_LOCK_WAIT = 10.0


@dataclass(frozen=True, kw_only=True)
class Pop2Account:
    """Who the POP2 tests log in as; ``address`` receives the seeded mail (None: unknown)."""

    user: str
    password: str
    address: str | None = None


@dataclass(frozen=True, kw_only=True)
class Pop2Message:
    """A seeded message: its content in CRLF form, exactly what RETR must send."""

    name: str
    content: bytes


@dataclass(frozen=True, kw_only=True)
class Pop2Mailbox:
    """Seeded messages and their message numbers in the account's default mailbox."""

    account: Pop2Account
    messages: tuple[Pop2Message, ...]
    numbers: dict[str, int]

    def __getitem__(self, name: str) -> Pop2Message:
        return next(message for message in self.messages if message.name == name)


def _seed(address: str) -> tuple[Pop2Message, ...]:
    marker = uuid.uuid4().hex
    bodies = {
        "plain": b"A short message.\r\n",
        # RFC 937 page 5: data is counted, not terminated, so a line of "." and
        # leading dots travel unchanged (no POP3-style stuffing).
        "dots": b".\r\n..two dots\r\n.leading dot\r\nlast line\r\n",
        "long": b"L" * 900 + b" end of the long line\r\n",
    }
    return tuple(
        Pop2Message(
            name=name,
            content=(
                b"From: <" + address.encode() + b">\r\nTo: <" + address.encode() + b">\r\n"
                b"Subject: POP2 conformance " + name.encode() + b" " + marker.encode() + b"\r\n"
                b"Message-ID: <" + name.encode() + b"." + marker.encode() + b"@conformance.test>"
                b"\r\n\r\n" + body
            ),
        )
        for name, body in bodies.items()
    )


@pytest.fixture(scope="session")
def pop2_target(request: pytest.FixtureRequest, _conformance_environment: Environment) -> Target:
    """The POP2 server under test (parametrized when several pop2:// targets are given)."""
    return chosen_target(request, _conformance_environment, POP2)


@pytest.fixture
def pop2_account(
    request: pytest.FixtureRequest, pop2_target: Target, conformance_profile: Profile
) -> Iterator[Pop2Account]:
    """Who to log in as; the account's lock is held for the whole test."""
    with locked_account(
        request, pop2_target, conformance_profile, Pop2Account, login_refusal
    ) as account:
        yield account


def login_refusal(target: Target, user: str, password: str, timeout: float) -> str | None:
    """Why ``target`` refuses HELO as ``user``, as one line; None when it logs in."""
    try:
        with Pop2Session.connect(target, label="credentials", timeout=timeout) as session:
            reply = session.helo(user, password)
            with contextlib.suppress(AssertionError, HarnessError, OSError):
                session.quit()
    except (AssertionError, HarnessError, OSError) as exc:
        return f"cannot log in to {target.url} as {user!r}: {exc}"
    if reply.number is not None and reply.raw[:1] == b"#":
        return None
    return (
        f"{target.url} refused HELO {user!r}: {reply}; check USER:PASS in the URL, or the "
        "first [[accounts]] of the profile"
    )


@pytest.fixture
def pop2_connect(
    request: pytest.FixtureRequest, pop2_target: Target, conformance_transcript: Transcript
) -> Iterator[Pop2Connect]:
    """Factory: ``pop2_connect(read_greeting=True, timeout=None)`` -> a new Pop2Session,
    recorded in the test's transcript and closed after the test."""
    timeout = options_of(request.config).timeout
    with recorded_sessions(
        Pop2Session.connect,
        pop2_target,
        conformance_transcript,
        timeout,
        target_guard(request.config, pop2_target),
    ) as connect:
        yield connect


@pytest.fixture
def pop2(pop2_connect: Pop2Connect) -> Pop2Session:
    """An open Pop2Session with the greeting read (``pop2.greeting``)."""
    return pop2_connect()


@pytest.fixture
def pop2_login(
    request: pytest.FixtureRequest, pop2_connect: Pop2Connect, pop2_account: Pop2Account
) -> Callable[[], Pop2Session]:
    """Factory: a new session after a successful HELO as ``pop2_account`` (MBOX state).

    A server may hold a mailbox for one session at a time, as POP3 servers hold a
    maildrop, and let it go only after an ended session's deletions are done, which
    RFC 937 does not time.  The account's password was checked before the run, so a
    refused HELO is tried again (``lock_pauses``), up to ``_LOCK_WAIT`` seconds.
    """
    bound = min(options_of(request.config).timeout, _LOCK_WAIT)

    def login() -> Pop2Session:
        pauses = lock_pauses(bound)
        while True:
            session = pop2_connect()
            reply = session.helo(pop2_account.user, pop2_account.password)
            if reply.number is not None and reply.raw[:1] == b"#":
                return session
            pause = next(pauses, None)
            if pause is None:
                raise AssertionError(
                    f"sent HELO {pop2_account.user} <password>, expected #NNN, got {reply}"
                )
            session.transcript.note(
                session.label, f"mailbox refused, trying again in {pause:g} s (it may be locked)"
            )
            session.close()
            time.sleep(pause)

    return login


@pytest.fixture
def pop2_mailbox(
    request: pytest.FixtureRequest,
    _conformance_environment: Environment,
    pop2_account: Pop2Account,
    pop2_connect: RecordedSessions[Pop2Session],
    pop2_login: Callable[[], Pop2Session],
) -> Iterator[Pop2Mailbox]:
    """Three known messages ("plain", "dots", "long") in the account's default mailbox,
    with their message numbers; deleted (ACKD) after the test, once its own sessions are
    closed.  A cleanup that fails errors the test."""
    address = delivery_address(_conformance_environment, pop2_account.user, pop2_account.address)
    messages = _seed(address)
    timeout = options_of(request.config).timeout
    deliver(
        _conformance_environment,
        address,
        [message.content for message in messages],
        what="POP2 test messages",
        label="pop2-seed",
        timeout=timeout,
    )
    numbers = _wait_for(messages, pop2_login, timeout)
    yield Pop2Mailbox(account=pop2_account, messages=messages, numbers=numbers)
    pop2_connect.close_all()
    try:
        _remove(messages, pop2_login)
    except (AssertionError, HarnessError, OSError) as exc:
        raise HarnessError(
            f"cannot remove the seeded test messages from the POP2 mailbox of "
            f"{pop2_account.user}: {exc}"
        ) from None


def _find(session: Pop2Session, messages: tuple[Pop2Message, ...]) -> dict[str, int]:
    """Message numbers of the seeded messages, searched from the newest; NACK keeps all."""
    wanted = {message.content: message.name for message in messages}
    found: dict[str, int] = {}
    for number in range((session.count or 0), 0, -1):
        length = session.read(number).number or 0
        if length and length in {len(content) for content in wanted}:
            data = session.retr(length)
            session.nack()
            if data in wanted:
                found[wanted.pop(data)] = number
        if not wanted:
            break
    return found


def _wait_for(
    messages: tuple[Pop2Message, ...], login: Callable[[], Pop2Session], timeout: float
) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        with login() as session:
            found = _find(session, messages)
            session.quit()
        if len(found) == len(messages):
            return found
        if time.monotonic() >= deadline:
            raise HarnessError(f"the seeded POP2 messages did not appear within {timeout} s")
        time.sleep(_POLL)


def _remove(messages: tuple[Pop2Message, ...], login: Callable[[], Pop2Session]) -> None:
    """ACKD what is left of the seeded messages; deleted when the session ends (QUIT)."""
    with login() as session:
        for number in sorted(_find(session, messages).values()):
            session.read(number)
            session.retr()
            reply = session.ackd()
            if reply.number is None:
                raise AssertionError(f"ACKD of message {number} got {reply}, expected #NNN")
        reply = session.quit()
        if reply.raw[:1] != b"+":
            raise AssertionError(f"QUIT after ACKD got {reply}, expected +")


# RFC 937 defines no way to advertise capabilities: a ``requires`` mark on a POP2 test
# is an error of the test (see ``_hooks.requirement_unmet``).
PROTOCOL_HOOKS = ProtocolHooks(session=Pop2Session, capabilities=None, login_refusal=login_refusal)
