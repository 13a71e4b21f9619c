"""POP3 fixtures: the target, sessions, capabilities, and a maildrop with known messages.

The POP3 target is a ``--target pop3://...`` (or ``pop3s://``), else ``[targets] pop3`` of
the profile, else the embedded reference server.  Tests log in as the credentials in the
URL, else as the profile's first account (``pop3_account``, which also holds that
account's lock for the test: see ``_pop3_maildrop``, and checks the login once per
process: see ``_pop3_access``).

Logins made for a test (``pop3_login``, the seeding and the cleanup) wait for a lock an
ended session may still hold; a test's own direct logins (``pop3.login``) do not, so
the locking tests see the server as it is.  Every test with ``pop3_account`` starts on
a free maildrop: a first session logs in (waiting if needed) and QUITs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from ._environment import Environment, chosen_target
from ._errors import HarnessError, TargetTlsFailure
from ._guard import TargetGuard
from ._hooks import ProtocolHooks
from ._mailbox_fixtures import (
    RecordedSessions,
    deliver,
    delivery_address,
    locked_account,
    recorded_sessions,
)
from ._options import options_of, target_guard
from ._pop3_access import login_refusal, login_waiting, wait_until_free
from ._pop3_maildrop import (
    Pop3Account,
    Pop3Messages,
    SeededMaildrop,
    existing_messages,
    remove_seeded,
    seed_messages,
    wait_until_visible,
)
from ._pop3_session import Pop3Session, parse_capabilities
from ._profile import Profile
from ._protocols import protocol_named
from ._targets import Target
from ._transcript import Transcript

__all__ = [
    "PROTOCOL_HOOKS",
    "Pop3Capabilities",
    "Pop3Connect",
    "pop3",
    "pop3_account",
    "pop3_capabilities",
    "pop3_connect",
    "pop3_login",
    "pop3_maildrop",
    "pop3_messages",
    "pop3_requirement_unmet",
    "pop3_target",
]

POP3 = protocol_named("pop3")

Pop3Connect = Callable[..., Pop3Session]
_CAPABILITIES_KEY = pytest.StashKey[dict[str, "Pop3Capabilities | HarnessError"]]()


@dataclass(frozen=True, kw_only=True)
class Pop3Capabilities:
    """CAPA (RFC 2449 §5) in the AUTHORIZATION state, before and (if offered) after STLS."""

    before_tls: dict[str, str]
    after_tls: dict[str, str] | None = None

    @property
    def keywords(self) -> set[str]:
        return set(self.before_tls) | set(self.after_tls or {})

    def get(self, keyword: str) -> str | None:
        """The parameters of ``keyword`` from either state, or None if not advertised."""
        for found in (self.before_tls, self.after_tls or {}):
            if keyword in found:
                return found[keyword]
        return None


@pytest.fixture(scope="session")
def pop3_target(request: pytest.FixtureRequest, _conformance_environment: Environment) -> Target:
    """The POP3 server under test (parametrized when several POP3 --target URLs are given)."""
    return chosen_target(request, _conformance_environment, POP3)


@pytest.fixture
def pop3_account(
    request: pytest.FixtureRequest,
    pop3_target: Target,
    conformance_profile: Profile,
    conformance_transcript: Transcript,
) -> Iterator[Pop3Account]:
    """Who to log in as; the account's lock is held for the whole test, which starts on
    a free maildrop."""
    timeout = options_of(request.config).timeout
    with locked_account(
        request, pop3_target, conformance_profile, Pop3Account, login_refusal
    ) as account:

        def connect() -> Pop3Session:
            label = conformance_transcript.new_label("pop3-ready")
            return Pop3Session.connect(
                pop3_target, transcript=conformance_transcript, label=label, timeout=timeout
            )

        wait_until_free(connect, account.user, account.password, bound=timeout)
        yield account


@pytest.fixture
def pop3_connect(
    request: pytest.FixtureRequest, pop3_target: Target, conformance_transcript: Transcript
) -> Iterator[RecordedSessions[Pop3Session]]:
    """Factory: ``pop3_connect(read_greeting=True, timeout=None)`` -> a new Pop3Session.

    Every session is recorded in the test's transcript and closed (dropped, never QUIT:
    nothing marked as deleted is removed, RFC 1939 §6) after the test.
    """
    timeout = options_of(request.config).timeout
    with recorded_sessions(
        Pop3Session.connect,
        pop3_target,
        conformance_transcript,
        timeout,
        target_guard(request.config, pop3_target),
    ) as connect:
        yield connect


@pytest.fixture
def pop3(pop3_connect: Pop3Connect) -> Pop3Session:
    """An open Pop3Session with the greeting read (``pop3.greeting``)."""
    return pop3_connect()


@pytest.fixture
def pop3_login(
    request: pytest.FixtureRequest, pop3_connect: Pop3Connect, pop3_account: Pop3Account
) -> Callable[[], Pop3Session]:
    """Factory: a new session logged in (USER/PASS) as ``pop3_account``, in TRANSACTION.

    While PASS is refused for a lock an ended session may still hold, it tries again in
    a new session, within the reply timeout (see ``_pop3_access``).
    """
    timeout = options_of(request.config).timeout

    def login() -> Pop3Session:
        user, password = pop3_account.user, pop3_account.password
        session, response = login_waiting(pop3_connect, user, password, bound=timeout)
        if not response.ok:
            raise AssertionError(f"sent USER {user} and PASS, expected +OK, got {response}")
        return session

    return login


@pytest.fixture
def pop3_maildrop(
    request: pytest.FixtureRequest,
    _conformance_environment: Environment,
    pop3_account: Pop3Account,
    pop3_connect: RecordedSessions[Pop3Session],
    pop3_login: Callable[[], Pop3Session],
) -> Iterator[SeededMaildrop]:
    """Three known messages ("plain", "dots", "long") in the account's maildrop.

    They are visible to POP3 when the test starts, and deleted after it once the test's
    own sessions are closed; a cleanup that fails errors the test.
    """
    address = delivery_address(_conformance_environment, pop3_account.user, pop3_account.address)
    maildrop = SeededMaildrop.of(pop3_account, seed_messages(address))
    timeout = options_of(request.config).timeout
    deliver(
        _conformance_environment,
        address,
        [message.content for message in maildrop.messages],
        what="POP3 test messages",
        label="pop3-seed",
        timeout=timeout,
    )
    wait_until_visible(maildrop, pop3_login, timeout)
    yield maildrop
    pop3_connect.close_all()
    remove_seeded(maildrop, pop3_login)


@pytest.fixture
def pop3_messages(
    request: pytest.FixtureRequest,
    _conformance_environment: Environment,
    pop3_account: Pop3Account,
    pop3_login: Callable[[], Pop3Session],
) -> Pop3Messages:
    """Messages to read: the seeded ones where the profile allows delivery to the
    account, else up to three already in the maildrop (read-only: see ``_pop3_maildrop``).
    """
    if _environment_delivers(_conformance_environment, pop3_account):
        seeded: SeededMaildrop = request.getfixturevalue("pop3_maildrop")
        return seeded
    found = existing_messages(pop3_account, pop3_login)
    if not found.markers:
        pytest.skip(
            f"the POP3 maildrop of {pop3_account.user} is empty: this test reads messages "
            "already there (or, where the profile allows delivery, ones it delivers)"
        )
    return found


def _environment_delivers(environment: Environment, account: Pop3Account) -> bool:
    return environment.profile.delivery.allowed and account.address is not None


@pytest.fixture
def pop3_capabilities(request: pytest.FixtureRequest, pop3_target: Target) -> Pop3Capabilities:
    """CAPA of the target before and after STLS; probed once per run (per process)."""
    return _capabilities(request.config, pop3_target)


def _capabilities(config: pytest.Config, target: Target) -> Pop3Capabilities:
    cache = config.stash.setdefault(_CAPABILITIES_KEY, {})
    if target.url not in cache:
        cache[target.url] = _probe(target, options_of(config).timeout, target_guard(config, target))
    found = cache[target.url]
    if isinstance(found, HarnessError):
        raise found
    return found


def _probe(target: Target, timeout: float, guard: TargetGuard) -> Pop3Capabilities | HarnessError:
    try:
        with Pop3Session.connect(
            target, label="capabilities", timeout=timeout, guard=guard
        ) as session:
            before = parse_capabilities(session.capa())
            after = None
            if "STLS" in before and not session.tls_active and _tls_started(session):
                after = parse_capabilities(session.capa())
            with contextlib.suppress(HarnessError, AssertionError, OSError):
                session.quit()
            return Pop3Capabilities(before_tls=before, after_tls=after)
    except HarnessError as exc:
        return exc
    except (AssertionError, OSError) as exc:
        return HarnessError(f"cannot read the CAPA capabilities of {target.url}: {exc}")


def _tls_started(session: Pop3Session) -> bool:
    """STLS for the probe; a handshake the target fails leaves the capabilities seen
    before it, and the STLS tests fail on it themselves (RFC 2595 §4)."""
    try:
        return session.stls().ok
    except TargetTlsFailure:
        return False


def pop3_requirement_unmet(config: pytest.Config, target: Target, capability: str) -> str | None:
    """Why ``requires(capability)`` skips a POP3 test, or None.

    ``capability`` is a CAPA tag ("TOP", "STLS"), or "SASL <MECHANISM>".
    """
    found = _capabilities(config, target)
    keyword, _, mechanism = capability.partition(" ")
    params = found.get(keyword)
    if params is None:
        return f"target does not advertise {keyword} in CAPA"
    if mechanism and mechanism not in params.upper().split():
        return f"target does not advertise SASL mechanism {mechanism} (SASL {params})"
    return None


def _advertised(config: pytest.Config, target: Target) -> set[str]:
    return _capabilities(config, target).keywords


# RFC 2449 §5: CAPA lists the capabilities; ``requires`` names a tag (or "SASL <MECH>").
PROTOCOL_HOOKS = ProtocolHooks(
    session=Pop3Session,
    capabilities=_advertised,
    requirement_unmet=pop3_requirement_unmet,
    login_refusal=login_refusal,
)
