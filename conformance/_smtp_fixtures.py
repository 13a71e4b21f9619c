"""SMTP fixtures: the target, sessions, the EHLO capability probe, and delivering the
messages other protocols' tests read.

The SMTP target is a ``--target smtp://...`` (or ``smtps://``, ``submission://``,
``smtp+starttls://``), else the profile's ``smtp``, ``submission`` and ``smtps``
targets (each one runs every test), else the embedded reference MX (or the listener
``--embedded`` names).  Every connection a test opens records into its Transcript.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

import pytest

from ._environment import Environment, chosen_target
from ._errors import HarnessError, TargetTlsFailure
from ._guard import TargetGuard
from ._hooks import ProtocolHooks
from ._options import options_of, target_guard
from ._protocols import protocol_named
from ._smtp_session import SmtpSession
from ._targets import Target
from ._transcript import Transcript

__all__ = [
    "PROTOCOL_HOOKS",
    "SmtpConnect",
    "capabilities",
    "send_messages",
    "smtp",
    "smtp_connect",
    "smtp_target",
]

SMTP = protocol_named("smtp")
_CAPABILITIES_KEY = pytest.StashKey[dict[str, "set[str] | HarnessError"]]()

SmtpConnect = Callable[..., SmtpSession]


@pytest.fixture(scope="session")
def smtp_target(request: pytest.FixtureRequest, _conformance_environment: Environment) -> Target:
    """The SMTP server under test (parametrized when several --target URLs are given)."""
    return chosen_target(request, _conformance_environment, SMTP)


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


def send_messages(
    environment: Environment,
    address: str,
    contents: Iterable[bytes],
    *,
    what: str,
    label: str,
    timeout: float,
) -> None:
    """Deliver each of ``contents`` to ``address`` through the environment's first SMTP
    target, as any mail reaches a mailbox; ``what`` names them in errors."""
    targets = environment.targets_of(SMTP.name)
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


# RFC 5321 §4.1.1.1: the EHLO reply lists the extensions; ``requires`` names a keyword.
PROTOCOL_HOOKS = ProtocolHooks(session=SmtpSession, capabilities=capabilities)
