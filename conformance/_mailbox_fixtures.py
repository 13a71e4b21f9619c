"""What the POP2 and POP3 fixtures share: who logs in, recorded sessions, and seeding mail.

A mail-access test logs in as the credentials of its target URL, else as the profile's
first account, and holds that account's lock for the whole test (see ``_pop3_maildrop``).
Those credentials are tried once per process: when the server refuses them, every test
that logs in errors with that one reason instead of failing as if the server were wrong.
Test messages reach the account as any mail does (``_smtp_fixtures.send_messages``), or
straight into the reference store when the profile reads mail back from one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import pytest

from ._environment import Environment
from ._errors import HarnessError
from ._guard import TargetGuard
from ._hooks import Refusal
from ._options import options_of
from ._pop3_maildrop import account_lock
from ._profile import Profile, parse_readback
from ._readback import mailbox_lookup
from ._smtp_fixtures import send_messages
from ._targets import Target
from ._transcript import Transcript
from ._wire import WireSession

__all__ = [
    "RecordedSessions",
    "Refusal",
    "credentials_of",
    "deliver",
    "delivery_address",
    "locked_account",
    "recorded_sessions",
]

_Account = TypeVar("_Account")
_Session = TypeVar("_Session", bound=WireSession[Any])
_Session_co = TypeVar("_Session_co", bound=WireSession[Any], covariant=True)
# How long a test waits for another worker's test on the same account.
_LOCK_TIMEOUT = 300.0
_REFUSALS_KEY = pytest.StashKey[dict[tuple[str, str, str], "str | None"]]()


class _Connect(Protocol[_Session_co]):
    def __call__(
        self,
        target: Target,
        *,
        transcript: Transcript | None = ...,
        timeout: float = ...,
        read_greeting: bool = ...,
        guard: TargetGuard | None = ...,
    ) -> _Session_co: ...


@contextlib.contextmanager
def locked_account(
    request: pytest.FixtureRequest,
    target: Target,
    profile: Profile,
    make: Callable[..., _Account],
    refusal: Refusal,
) -> Iterator[_Account]:
    """Who to log in as, ``make(user=, password=, address=)``, holding its lock.

    The first time in this process, ``refusal`` tries the login (under the lock, so no
    other worker's test sees that session); a refused login is a HarnessError here and
    in every later test of the account.
    """
    credentials = credentials_of(target, profile)
    if credentials is None:
        scheme = target.protocol
        pytest.skip(
            f"no {scheme.upper()} credentials: give {scheme}://USER:PASS@host"
            " or a profile's [[accounts]]"
        )
    user, password, address = credentials
    timeout = options_of(request.config).timeout
    with account_lock(target, user, max(_LOCK_TIMEOUT, timeout)):
        refusals = request.config.stash.setdefault(_REFUSALS_KEY, {})
        key = (target.url, user, password)
        if key not in refusals:
            refusals[key] = refusal(target, user, password, timeout)
        if (problem := refusals[key]) is not None:
            raise HarnessError(problem)
        yield make(user=user, password=password, address=address)


def credentials_of(target: Target, profile: Profile) -> tuple[str, str, str | None] | None:
    """The target URL's user (and that user's address, if an account), else the first account."""
    if target.user is not None and target.password is not None:
        addresses = {account.user: account.address for account in profile.accounts}
        return target.user, target.password, addresses.get(target.user)
    if not profile.accounts:
        return None
    first = profile.accounts[0]
    return first.user, first.password, first.address


class RecordedSessions(Generic[_Session]):
    """A factory ``connect(read_greeting=True, timeout=None)`` for sessions recorded in
    one test's transcript; ``close_all`` closes (drops) every session it opened."""

    def __init__(
        self,
        connect: _Connect[_Session],
        target: Target,
        transcript: Transcript,
        default_timeout: float,
        guard: TargetGuard | None = None,
    ) -> None:
        self._connect = connect
        self._target = target
        self._transcript = transcript
        self._default_timeout = default_timeout
        self._guard = guard
        self._sessions: list[_Session] = []

    def __call__(self, *, read_greeting: bool = True, timeout: float | None = None) -> _Session:
        session = self._connect(
            self._target,
            transcript=self._transcript,
            timeout=self._default_timeout if timeout is None else timeout,
            read_greeting=read_greeting,
            guard=self._guard,
        )
        self._sessions.append(session)
        return session

    def close_all(self) -> None:
        for session in self._sessions:
            session.close()


@contextlib.contextmanager
def recorded_sessions(
    connect: _Connect[_Session],
    target: Target,
    transcript: Transcript,
    default_timeout: float,
    guard: TargetGuard | None = None,
) -> Iterator[RecordedSessions[_Session]]:
    """A ``RecordedSessions`` factory; every session it opened is closed on exit."""
    sessions = RecordedSessions(connect, target, transcript, default_timeout, guard)
    yield sessions
    sessions.close_all()


def delivery_address(environment: Environment, user: str, address: str | None) -> str:
    """Where test messages for ``user`` go; skips when the profile forbids delivering or
    the user is none of its accounts."""
    if not environment.profile.delivery.allowed:
        pytest.skip(
            "needs test messages of known content, delivered first: the profile does not "
            "allow delivering mail ([delivery] allowed = true)"
        )
    if address is None:
        pytest.skip(
            f"needs test messages delivered to {user}, who is none of the profile's "
            "[[accounts]] (an account gives the address)"
        )
    return address


def deliver(
    environment: Environment,
    address: str,
    contents: Iterable[bytes],
    *,
    what: str,
    label: str,
    timeout: float,
) -> None:
    """Deliver each of ``contents`` to ``address``; ``what`` names them in errors."""
    kind, where = parse_readback(environment.profile.delivery.readback)
    if kind == "store":
        mailbox = mailbox_lookup({a.address: a.user for a in environment.profile.accounts})
        _deliver_to_store(Path(where), mailbox(address) or address, contents)
        return
    send_messages(environment, address, contents, what=what, label=label, timeout=timeout)


def _deliver_to_store(root: Path, mailbox: str, contents: Iterable[bytes]) -> None:
    from reference_impl.store import MailStore

    with MailStore(root) as store:
        for content in contents:
            store.deliver(mailbox, content)
