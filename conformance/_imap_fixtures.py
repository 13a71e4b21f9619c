"""IMAP fixtures: the target, sessions, capabilities, logged-in sessions, scratch mailboxes.

The IMAP target is a ``--target imap://...`` (or ``imaps://``), else ``[targets] imap``
of the profile, else the embedded reference server.  Tests log in as the credentials in
the URL, else as the profile's first account; the login is tried once per process, so
a wrong password is one clear error rather than every test failing.

IMAP allows several sessions on one mailbox at once (RFC 9051 §5.2), so no lock is held;
instead a test that changes messages works in a mailbox of its own (``imap_mailbox``:
created with a unique name, deleted after), so tests running side by side (``pytest
-n``) never see each other's messages.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from ._environment import Environment, chosen_target
from ._errors import HarnessError, TargetTlsFailure
from ._guard import TargetGuard
from ._hooks import ProtocolHooks
from ._imap_revision import (
    IMAP_REV,
    chosen_revision,
    enable_rev2,
    revision_unmet,
    sessions_use_rev2,
)
from ._imap_session import Completion, ImapSession, capabilities_in, quoted_string
from ._mailbox_fixtures import RecordedSessions, credentials_of, recorded_sessions
from ._options import options_of, target_guard
from ._profile import Profile
from ._protocols import protocol_named
from ._targets import Target
from ._transcript import Transcript

__all__ = [
    "PROTOCOL_HOOKS",
    "ImapAccount",
    "ImapConnect",
    "imap",
    "imap_account",
    "imap_capabilities",
    "imap_connect",
    "imap_login",
    "imap_mailbox",
    "imap_target",
    "log_in",
]

IMAP = protocol_named("imap")

ImapConnect = Callable[..., ImapSession]
_CAPABILITIES_KEY = pytest.StashKey[dict[str, "frozenset[str] | HarnessError"]]()
_REFUSALS_KEY = pytest.StashKey[dict[tuple[str, str, str], "str | None"]]()


@dataclass(frozen=True, kw_only=True)
class ImapAccount:
    user: str
    password: str
    address: str | None = None


@pytest.fixture(scope="session")
def imap_target(request: pytest.FixtureRequest, _conformance_environment: Environment) -> Target:
    """The IMAP server under test (parametrized when several IMAP --target URLs are given)."""
    return chosen_target(request, _conformance_environment, IMAP)


@pytest.fixture
def imap_connect(
    request: pytest.FixtureRequest, imap_target: Target, conformance_transcript: Transcript
) -> Iterator[RecordedSessions[ImapSession]]:
    """Factory: ``imap_connect(read_greeting=True, timeout=None)`` -> a new ImapSession,
    recorded in the test's transcript and closed after the test."""
    timeout = options_of(request.config).timeout
    with recorded_sessions(
        ImapSession.connect,
        imap_target,
        conformance_transcript,
        timeout,
        target_guard(request.config, imap_target),
    ) as connect:
        yield connect


@pytest.fixture
def imap(imap_connect: ImapConnect) -> ImapSession:
    """An open ImapSession with the greeting read (``imap.greeting``)."""
    return imap_connect()


@pytest.fixture
def imap_account(
    request: pytest.FixtureRequest, imap_target: Target, conformance_profile: Profile
) -> ImapAccount:
    """Who to log in as; the login was tried once in this process and works."""
    credentials = credentials_of(imap_target, conformance_profile)
    if credentials is None:
        pytest.skip("no IMAP credentials: give imap://USER:PASS@host or a profile's [[accounts]]")
    user, password, address = credentials
    refusals = request.config.stash.setdefault(_REFUSALS_KEY, {})
    key = (imap_target.url, user, password)
    if key not in refusals:
        refusals[key] = login_refusal(
            imap_target, user, password, options_of(request.config).timeout
        )
    if (problem := refusals[key]) is not None:
        raise HarnessError(problem)
    return ImapAccount(user=user, password=password, address=address)


@pytest.fixture
def imap_login(
    request: pytest.FixtureRequest, imap_connect: ImapConnect, imap_account: ImapAccount
) -> Callable[[], ImapSession]:
    """Factory: a new session logged in (LOGIN, after STARTTLS where the target disables
    LOGIN in the clear) as ``imap_account``, in the AUTHENTICATED state; then ENABLE
    IMAP4rev2 where this test grades RFC 9051 (``_imap_revision``)."""
    target: Target = request.getfixturevalue("imap_target")
    rev2 = sessions_use_rev2(request.node, _capabilities(request.config, target))

    def login() -> ImapSession:
        session = imap_connect()
        completed = log_in(session, imap_account.user, imap_account.password)
        status = completed.response.status
        assert status == b"OK", (
            f"LOGIN {imap_account.user}: expected OK, got {completed.response.line!r}"
        )
        if rev2:
            enable_rev2(session)
        return session

    return login


@pytest.fixture
def imap_mailbox(
    imap_login: Callable[[], ImapSession], imap_connect: RecordedSessions[ImapSession]
) -> Iterator[str]:
    """A new, empty mailbox of the account for this test alone; deleted after it."""
    name = f"conformance-{uuid.uuid4().hex[:12]}"
    session = imap_login()
    created = session.command("CREATE", quoted_string(name))
    assert created.response.status == b"OK", (
        f"CREATE {name} (a scratch mailbox): expected OK, got {created.response.line!r}"
    )
    yield name
    imap_connect.close_all()
    _delete_all(imap_login(), name)


def _delete_all(session: ImapSession, name: str) -> None:
    """DELETE ``name`` and every mailbox whose name starts with it (children, renamed
    copies), the deepest first (RFC 3501 §6.3.4: DELETE leaves inferior names).

    What a server keeps despite DELETE is noted in the transcript, not raised: the DELETE
    tests judge DELETE, and a leftover scratch mailbox disturbs no other test."""
    for found in sorted(_mailboxes_like(session, name) | {name}, key=len, reverse=True):
        session.command("DELETE", quoted_string(found))  # a level that went with its child: NO
    left = _mailboxes_like(session, name)
    if left:
        session.transcript.note(session.label, f"scratch mailboxes left: {sorted(left)}")
    session.close()


def _mailboxes_like(session: ImapSession, name: str) -> set[str]:
    listed = session.command("LIST", b'""', quoted_string(name + "*"))
    return {found for r in listed.untagged if (found := _listed_name(r.line)) is not None}


def _listed_name(line: bytes) -> str | None:
    """The mailbox of a ``* LIST (...) delim "name"`` line written as a quoted string or
    an atom; None for other forms (a literal), which the cleanup skips, and for names
    that are no mailbox (RFC 3501 §7.2.2 \\Noselect: a level of hierarchy only)."""
    attributes = line[: line.find(b")") + 1].upper()
    if not line.upper().startswith(b"* LIST ("):
        return None
    if b"\\NOSELECT" in attributes or b"\\NONEXISTENT" in attributes:
        return None
    quoted = line.endswith(b'"')
    name = line[line.rindex(b' "') + 2 : -1] if quoted else line.rsplit(b" ", 1)[-1]
    if b"\\" in name or b"{" in name:
        return None
    return name.decode("utf-8", "replace")


def log_in(session: ImapSession, user: str, password: str) -> Completion:
    """LOGIN, first STARTTLS when the target advertises LOGINDISABLED and STARTTLS
    (RFC 9051 §6.2.3: the client MUST NOT issue LOGIN when LOGINDISABLED)."""
    capabilities = capabilities_in([session.greeting] if session.greeting else [])
    if not capabilities:
        capabilities = capabilities_in(session.command("CAPABILITY").untagged)
    if "LOGINDISABLED" in capabilities and "STARTTLS" in capabilities and not session.tls_active:
        started = session.starttls()
        if started.response.status != b"OK":
            return started
    return session.login(user, password)


def login_refusal(target: Target, user: str, password: str, timeout: float) -> str | None:
    """Why ``user`` cannot log in to ``target`` (one line), or None when LOGIN works."""
    try:
        with ImapSession.connect(target, label="imap-login-check", timeout=timeout) as session:
            completed = log_in(session, user, password)
            if completed.response.status == b"OK":
                with contextlib.suppress(HarnessError, OSError):
                    session.logout()
                return None
            return (
                f"{target.url} refuses LOGIN as {user}: {completed.response.line!r}; "
                "give working credentials in the URL or the profile's [[accounts]]"
            )
    except HarnessError as exc:
        return f"cannot log in to {target.url} as {user}: {exc}"


@pytest.fixture
def imap_capabilities(request: pytest.FixtureRequest, imap_target: Target) -> frozenset[str]:
    """The target's CAPABILITY atoms, before login (and after STARTTLS where offered) and
    after login where credentials are known; probed once per run (per process)."""
    return _capabilities(request.config, imap_target)


def _capabilities(config: pytest.Config, target: Target) -> frozenset[str]:
    cache = config.stash.setdefault(_CAPABILITIES_KEY, {})
    if target.url not in cache:
        profile: Profile | None = config.getoption("profile")
        credentials = credentials_of(target, profile) if profile is not None else None
        if credentials is None and target.has_credentials:
            credentials = (target.user or "", target.password or "", None)
        cache[target.url] = _probe(
            target, options_of(config).timeout, target_guard(config, target), credentials
        )
    found = cache[target.url]
    if isinstance(found, HarnessError):
        raise found
    return found


def _probe(
    target: Target,
    timeout: float,
    guard: TargetGuard,
    credentials: tuple[str, str, str | None] | None,
) -> frozenset[str] | HarnessError:
    try:
        with ImapSession.connect(
            target, label="capabilities", timeout=timeout, guard=guard
        ) as session:
            found = capabilities_in(session.command("CAPABILITY").untagged)
            if "STARTTLS" in found and not session.tls_active and _tls_started(session):
                found |= capabilities_in(session.command("CAPABILITY").untagged)
            if credentials is not None and session.login(*credentials[:2]).response.status == b"OK":
                found |= capabilities_in(session.command("CAPABILITY").untagged)
            return frozenset(found)
    except HarnessError as exc:
        return exc
    except (AssertionError, OSError) as exc:
        return HarnessError(f"cannot read the CAPABILITY of {target.url}: {exc}")


def _tls_started(session: ImapSession) -> bool:
    try:
        return session.starttls().response.status == b"OK"
    except TargetTlsFailure:
        return False


def _advertised(config: pytest.Config, target: Target) -> frozenset[str]:
    return _capabilities(config, target)


def _requirement_unmet(config: pytest.Config, target: Target, capability: str) -> str | None:
    chosen = chosen_revision(config)
    return revision_unmet(chosen, _capabilities(config, target), capability) or None


# RFC 9051 §6.1.1: CAPABILITY lists the capability atoms; ``requires`` names one (and
# IMAP4rev1 / IMAP4rev2 follow --imap-rev as well).
PROTOCOL_HOOKS = ProtocolHooks(
    session=ImapSession,
    capabilities=_advertised,
    requirement_unmet=_requirement_unmet,
    login_refusal=login_refusal,
    options=(IMAP_REV,),
)
