"""What the POP2 and POP3 fixtures share: who logs in, recorded sessions, and seeding mail.

A mail-access test logs in as the credentials of its target URL, else as the profile's
first account, and holds that account's lock for the whole test (see ``_pop3_maildrop``).
Test messages reach the account as any mail does, through the profile's SMTP target, or
straight into the reference store when the profile reads mail back from one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pytest

from ._errors import HarnessError
from ._guard import TargetGuard
from ._options import options_of
from ._pop3_maildrop import account_lock
from ._profile import Profile, parse_readback
from ._readback import mailbox_lookup
from ._smtp_session import SmtpSession
from ._targets import SmtpTarget
from ._transcript import Transcript
from ._wire import WireSession

if TYPE_CHECKING:
    from ._fixtures import _Environment

__all__ = ["deliver", "delivery_address", "locked_account", "recorded_sessions"]

_Account = TypeVar("_Account")
_Session = TypeVar("_Session", bound=WireSession[Any])
_Session_co = TypeVar("_Session_co", bound=WireSession[Any], covariant=True)
# How long a test waits for another worker's test on the same account.
_LOCK_TIMEOUT = 300.0


class _Connect(Protocol[_Session_co]):
    def __call__(
        self,
        target: SmtpTarget,
        *,
        transcript: Transcript | None = ...,
        timeout: float = ...,
        read_greeting: bool = ...,
        guard: TargetGuard | None = ...,
    ) -> _Session_co: ...


def locked_account(
    request: pytest.FixtureRequest,
    target: SmtpTarget,
    profile: Profile,
    make: Callable[..., _Account],
) -> Iterator[_Account]:
    """Yield who to log in as, ``make(user=, password=, address=)``, holding its lock."""
    credentials = _credentials_of(target, profile)
    if credentials is None:
        scheme = target.protocol
        pytest.skip(
            f"no {scheme.upper()} credentials: give {scheme}://USER:PASS@host"
            " or a profile's [[accounts]]"
        )
    user, password, address = credentials
    timeout = max(_LOCK_TIMEOUT, options_of(request.config).timeout)
    with account_lock(target, user, timeout):
        yield make(user=user, password=password, address=address)


def _credentials_of(target: SmtpTarget, profile: Profile) -> tuple[str, str, str | None] | None:
    """The target URL's user (and that user's address, if an account), else the first account."""
    if target.user is not None and target.password is not None:
        addresses = {account.user: account.address for account in profile.accounts}
        return target.user, target.password, addresses.get(target.user)
    if not profile.accounts:
        return None
    first = profile.accounts[0]
    return first.user, first.password, first.address


@contextlib.contextmanager
def recorded_sessions(
    connect: _Connect[_Session],
    target: SmtpTarget,
    transcript: Transcript,
    default_timeout: float,
    guard: TargetGuard | None = None,
) -> Iterator[Callable[..., _Session]]:
    """A factory ``connect(read_greeting=True, timeout=None)`` for sessions recorded in
    ``transcript``; every session it opened is closed on exit."""
    sessions: list[_Session] = []

    def open_session(*, read_greeting: bool = True, timeout: float | None = None) -> _Session:
        session = connect(
            target,
            transcript=transcript,
            timeout=default_timeout if timeout is None else timeout,
            read_greeting=read_greeting,
            guard=guard,
        )
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        session.close()


def delivery_address(environment: _Environment, user: str, address: str | None) -> str:
    """Where test messages for ``user`` go; skips when the profile forbids delivering or
    the user is none of its accounts."""
    if not environment.profile.delivery.allowed:
        pytest.skip("the profile does not allow delivering mail ([delivery] allowed = true)")
    if address is None:
        pytest.skip(f"the user {user} is none of the profile's [[accounts]]")
    return address


def deliver(
    environment: _Environment,
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
    targets = environment.smtp_targets or environment.profile.smtp_targets
    if not targets:
        pytest.skip(f"no SMTP target to deliver the {what} through")
    with SmtpSession.connect(targets[0], label=label, timeout=timeout) as smtp:
        smtp.establish()
        for content in contents:
            replies = [smtp.mail(address), smtp.rcpt(address), smtp.data(content)]
            if any(reply.code not in (250, 251) for reply in replies):
                raise HarnessError(f"cannot deliver the {what} through SMTP: {replies}")
        with contextlib.suppress(AssertionError, HarnessError, OSError):
            smtp.quit()


def _deliver_to_store(root: Path, mailbox: str, contents: Iterable[bytes]) -> None:
    from reference_impl.store import MailStore

    with MailStore(root) as store:
        for content in contents:
            store.deliver(mailbox, content)
