"""Fixtures for the suites: targets, sessions, accounts, readback.

Without a target the reference servers are started once per process (session scope; each
xdist worker has its own) on loopback ports the OS picks.  Every connection a test opens
records into that test's Transcript.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ._errors import HarnessError, TargetTlsFailure
from ._guard import TargetGuard
from ._left_out import NEEDS_DELIVERY, NEEDS_READBACK, needs_accounts
from ._options import options_of, target_guard
from ._pop3_fixtures import pop3_requirement_unmet, uses_pop3
from ._profile import Account, DeliverySettings, Profile, parse_readback
from ._readback import MaildirReadback, Readback, StoreReadback, mailbox_lookup
from ._smtp_session import SmtpSession
from ._targets import Target, TlsSettings, parse_target
from ._transcript import Transcript

if TYPE_CHECKING:
    from reference_impl._embedded import EmbeddedServers

__all__ = [
    "TRANSCRIPT_KEY",
    "SmtpConnect",
    "accounts",
    "conformance_profile",
    "conformance_transcript",
    "readback",
    "smtp",
    "smtp_connect",
    "smtp_target",
]

TRANSCRIPT_KEY = pytest.StashKey[Transcript]()
_CAPABILITIES_KEY = pytest.StashKey[dict[str, "set[str] | HarnessError"]]()

SmtpConnect = Callable[..., SmtpSession]


@dataclass(kw_only=True)
class _Environment:
    """Where the tests of this process go: a profile, or the embedded servers."""

    profile: Profile
    smtp_targets: tuple[Target, ...]
    readback: Callable[[float], Readback | None]


@contextlib.contextmanager
def _embedded_servers() -> Iterator[EmbeddedServers]:
    try:
        from reference_impl._embedded import EmbeddedServers
    except ImportError as exc:
        raise HarnessError(
            f"no --target given and the embedded reference servers cannot start ({exc}); "
            "pass --target URL or --profile FILE"
        ) from None
    with EmbeddedServers() as servers:
        yield servers


def _embedded_environment(servers: EmbeddedServers, service: str = "smtp") -> _Environment:
    tls = TlsSettings(verify=True, ca_file=servers.ca_file, server_name=servers.server_name)
    ports = {
        "smtp": servers.smtp_port,
        "submission": servers.submission_port,
        "smtps": servers.smtps_port,
    }
    urls = {name: f"{name}://{servers.host}:{port}" for name, port in ports.items()}
    urls["pop3"] = f"pop3://{servers.host}:{servers.pop3_port}"
    if service == "pop3s":
        urls["pop3"] = f"pop3s://{servers.host}:{servers.pop3s_port}"
    urls["pop2"] = f"pop2://{servers.host}:{servers.pop2_port}"
    accounts = tuple(
        Account(user=user, password=password, address=address)
        for user, password, address in servers.users
    )
    root = Path(servers.store.root)
    profile = Profile(
        targets=urls,
        tls=tls,
        delivery=DeliverySettings(
            allowed=True, local_domain=servers.local_domain, readback=f"store:{root}"
        ),
        accounts=accounts,
    )
    smtp_service = service if service in ports else "smtp"  # pop3s: SMTP tests use the MX
    target = profile.with_credentials(parse_target(urls[smtp_service], tls=tls))
    mailbox_of = servers.accounts.mailbox_for

    def readback(timeout: float) -> Readback:
        return StoreReadback(root, timeout=timeout, mailbox_of=mailbox_of)

    return _Environment(profile=profile, smtp_targets=(target,), readback=readback)


def _profile_environment(profile: Profile, targets: tuple[Target, ...]) -> _Environment:
    kind, where = parse_readback(profile.delivery.readback)
    mailbox_of = mailbox_lookup({a.address: a.user for a in profile.accounts})

    def readback(timeout: float) -> Readback | None:
        if kind == "maildir":
            return MaildirReadback(where, timeout=timeout, mailbox_of=mailbox_of)
        if kind == "store":
            return StoreReadback(Path(where), timeout=timeout, mailbox_of=mailbox_of)
        return None

    return _Environment(profile=profile, smtp_targets=targets, readback=readback)


@pytest.fixture(scope="session")
def _conformance_environment(request: pytest.FixtureRequest) -> Iterator[_Environment]:
    options = options_of(request.config)
    if options.targets or options.profile is not None:
        profile = options.profile or Profile()
        smtp_targets = tuple(t for t in options.targets if t.protocol == "smtp")
        yield _profile_environment(profile, smtp_targets)
        return
    with _embedded_servers() as servers:
        yield _embedded_environment(servers, options.embedded)


@pytest.fixture(scope="session")
def conformance_profile(_conformance_environment: _Environment) -> Profile:
    """The profile in use: from --profile, or the one describing the embedded servers."""
    return _conformance_environment.profile


@pytest.fixture(scope="session")
def smtp_target(
    request: pytest.FixtureRequest, _conformance_environment: _Environment
) -> Target:
    """The SMTP server under test (parametrized when several --target URLs are given)."""
    param = getattr(request, "param", None)
    if isinstance(param, Target):
        return param
    targets = _conformance_environment.smtp_targets
    if not targets:
        pytest.skip("no SMTP target: give --target smtp://... or [targets] smtp in the profile")
    return targets[0]


@pytest.fixture
def conformance_transcript(request: pytest.FixtureRequest) -> Transcript:
    """This test's transcript (also attached to its report)."""
    stash: pytest.Stash = request.node.stash
    if TRANSCRIPT_KEY not in stash:
        stash[TRANSCRIPT_KEY] = Transcript()
    return stash[TRANSCRIPT_KEY]


@pytest.fixture
def smtp_connect(
    request: pytest.FixtureRequest,
    smtp_target: Target,
    conformance_transcript: Transcript,
) -> Iterator[SmtpConnect]:
    """Factory: ``smtp_connect(read_greeting=True, timeout=None)`` -> a new SmtpSession.

    Every session is recorded in the test's transcript and closed after the test.
    """
    sessions: list[SmtpSession] = []
    default_timeout = options_of(request.config).timeout
    guard = target_guard(request.config, smtp_target)

    def connect(*, read_greeting: bool = True, timeout: float | None = None) -> SmtpSession:
        session = SmtpSession.connect(
            smtp_target,
            transcript=conformance_transcript,
            timeout=default_timeout if timeout is None else timeout,
            read_greeting=read_greeting,
            guard=guard,
        )
        sessions.append(session)
        return session

    yield connect
    for session in sessions:
        session.close()


@pytest.fixture
def smtp(smtp_connect: SmtpConnect) -> SmtpSession:
    """An open SmtpSession with the greeting read (``smtp.greeting``)."""
    return smtp_connect()


@pytest.fixture  # per test: a test that delivers is told so first, by the ``delivers`` check
def accounts(conformance_profile: Profile) -> tuple[Account, ...]:
    """At least two accounts from the profile (or the embedded servers)."""
    found = conformance_profile.accounts
    if len(found) < 2:
        pytest.skip(needs_accounts(len(found)))
    return found


@pytest.fixture
def readback(request: pytest.FixtureRequest, _conformance_environment: _Environment) -> Readback:
    """``readback.wait_for(address, marker, timeout=None) -> bytes`` of the delivered message."""
    found = _conformance_environment.readback(options_of(request.config).timeout)
    if found is None:
        pytest.skip(NEEDS_READBACK)
    return found


def capabilities(config: pytest.Config, target: Target) -> set[str]:
    """EHLO keywords the target advertises, before or after STARTTLS; cached per run."""
    cache = config.stash.setdefault(_CAPABILITIES_KEY, {})
    if target.url not in cache:
        guard = target_guard(config, target)
        cache[target.url] = _probe_capabilities(target, options_of(config).timeout, guard)
    found = cache[target.url]
    if isinstance(found, HarnessError):
        raise found
    return found


def _probe_capabilities(
    target: Target, timeout: float, guard: TargetGuard
) -> set[str] | HarnessError:
    try:
        with SmtpSession.connect(
            target, label="capabilities", timeout=timeout, guard=guard
        ) as session:
            # EHLO before TLS too (not establish()): a STARTTLS-required target
            # advertises STARTTLS there and only there (RFC 3207 §4.2).
            session.ehlo()
            keywords = set(session.extensions)
            offered = "STARTTLS" in keywords and not session.tls_active
            if offered and _tls_started(session):
                session.ehlo()
                keywords |= set(session.extensions)
            with contextlib.suppress(HarnessError, AssertionError, OSError):
                session.quit()
            return keywords
    except HarnessError as exc:
        return exc
    except (AssertionError, OSError) as exc:
        return HarnessError(f"cannot read the EHLO capabilities of {target.url}: {exc}")


def _tls_started(session: SmtpSession) -> bool:
    """STARTTLS for the probe; a handshake the target fails leaves the keywords seen
    before it, and the STARTTLS tests fail on it themselves (RFC 3207 §4)."""
    try:
        return session.starttls().code == 220
    except TargetTlsFailure:
        return False


@pytest.fixture(autouse=True)
def _conformance_markers(request: pytest.FixtureRequest) -> None:
    """Skip tests whose ``requires`` or ``delivers`` marker the target cannot satisfy."""
    node = request.node
    if node.get_closest_marker("delivers") is not None:
        profile: Profile = request.getfixturevalue("conformance_profile")
        if not profile.delivery.allowed:
            pytest.skip(NEEDS_DELIVERY)
    for mark in node.iter_markers("requires"):
        capability = str(mark.args[0]).upper() if mark.args else ""
        if uses_pop3(request):  # a CAPA tag (RFC 2449 §5), not an EHLO keyword
            if (unmet := pop3_requirement_unmet(request, capability)) is not None:
                pytest.skip(unmet)
            continue
        target: Target = request.getfixturevalue("smtp_target")
        if capability not in capabilities(request.config, target):
            pytest.skip(f"target does not advertise {capability}")
