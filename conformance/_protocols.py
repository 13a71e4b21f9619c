"""The one registry of protocols: one ``ProtocolSpec`` per protocol the harness tests.

Every list of protocols in the harness is read from ``PROTOCOLS``: the URL schemes and
their default ports, the ``[targets]`` keys of a profile, the fixture modules the plugin
registers, the suite each protocol runs, and the reference services the embedded servers
start for it (built by ``reference_impl._listeners``, its own registry).  Adding a
protocol is its own modules (session, fixtures, suite, reference package) plus one entry
here: see docs/adding-a-protocol.md.

This module is the bottom of the harness's import graph: it imports nothing of the
harness.  A protocol's behaviour (its session class, capability probe and the rule for
``requires``) lives in its first fixtures module as ``PROTOCOL_HOOKS`` and is loaded,
when first needed, through ``_hooks.hooks_of``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reference_impl._listeners import PROTOCOLS as REFERENCE_PROTOCOLS

__all__ = [
    "PROTOCOLS",
    "RESERVED_PROFILE_KEYS",
    "SCHEMES",
    "SUITES",
    "ProtocolSpec",
    "Scheme",
    "Security",
    "embedded_services",
    "protocol_named",
    "protocol_of_scheme",
    "protocol_of_test",
    "suite_of_test",
]


class Security(enum.StrEnum):
    """How the connection is protected; compares equal to its string value."""

    PLAIN = "plain"
    """No TLS unless a test issues STARTTLS itself."""
    STARTTLS = "starttls"
    """STARTTLS (RFC 3207) is required before anything else."""
    IMPLICIT = "implicit"
    """TLS starts with the TCP connection (RFC 8314 §3.3)."""


@dataclass(frozen=True, kw_only=True)
class Scheme:
    """A URL scheme: ``name://host:default_port``, protected as ``security`` says.

    ``profile_key`` is the ``[targets]`` key of a profile a URL of this scheme goes
    under (``pop3s://`` under ``pop3``, ``smtps://`` under its own key).  ``logs_in``:
    the harness logs in with the URL's credentials (or the profile's first account)
    before anything else; ``demands_credentials``: a URL without them is a usage error.
    """

    name: str
    default_port: int
    security: Security
    profile_key: str
    logs_in: bool = False
    demands_credentials: bool = False


@dataclass(frozen=True, kw_only=True)
class ProtocolSpec:
    """Everything the harness needs to know to list a protocol.

    ``name`` is the protocol's identifier: the prefix of its fixtures
    (``<name>_target``), its suite's package name and its results.json ``protocol``;
    ``title`` is how messages write it.  ``fixtures`` are the modules the plugin
    registers, the first holding ``PROTOCOL_HOOKS`` (``_hooks``); ``suite`` is the
    package ``conformance run --suite <name>`` runs; ``load_users`` the module of the
    Locust users ``conformance load <name>`` runs (None: no load mode yet).
    """

    name: str
    title: str
    schemes: tuple[Scheme, ...]
    fixtures: tuple[str, ...]
    suite: str
    load_users: str | None = None

    @property
    def services(self) -> tuple[str, ...]:
        """The embedded reference listeners of this protocol (``reference_impl._listeners``),
        by name; the first is the one its suite runs against by default, the others can
        be chosen with ``--embedded``.  Empty when there is no reference server."""
        reference = REFERENCE_PROTOCOLS.get(self.name)
        return reference.services if reference is not None else ()

    @property
    def target_fixture(self) -> str:
        return f"{self.name}_target"

    @property
    def profile_keys(self) -> tuple[str, ...]:
        """The ``[targets]`` keys naming this protocol's targets, in the order they run."""
        return tuple(dict.fromkeys(scheme.profile_key for scheme in self.schemes))

    def owns_fixture(self, fixture: str) -> bool:
        """Whether ``fixture`` is one of this protocol's (``pop3``, ``pop3_login``)."""
        return fixture == self.name or fixture.startswith(f"{self.name}_")


def _scheme(
    name: str, port: int, security: Security, key: str | None = None, **login: bool
) -> Scheme:
    return Scheme(name=name, default_port=port, security=security, profile_key=key or name, **login)


_PLAIN, _STARTTLS, _IMPLICIT = Security.PLAIN, Security.STARTTLS, Security.IMPLICIT

PROTOCOLS: dict[str, ProtocolSpec] = {
    spec.name: spec
    for spec in (
        ProtocolSpec(
            name="smtp",
            title="SMTP",
            # Ports: RFC 5321 §4.5.4.2 (25), RFC 8314 §7.3 (465), RFC 6409 §3.1 (587).
            # smtp: STARTTLS used only when a test asks for it; smtp+starttls: required
            # before mail transactions (RFC 3207).  RFC 6409 §4.3: submission is
            # protected (STARTTLS) and authenticated (AUTH PLAIN) before any mail.
            # RFC 8314 §3.3: 465 is submission over implicit TLS, so it logs in like
            # 587; it may also be used without AUTH, so credentials are not demanded.
            schemes=(
                _scheme("smtp", 25, _PLAIN),
                _scheme("smtp+starttls", 25, _STARTTLS, "smtp"),
                _scheme("submission", 587, _STARTTLS, logs_in=True, demands_credentials=True),
                _scheme("smtps", 465, _IMPLICIT, logs_in=True),
            ),
            fixtures=(
                "conformance._smtp_fixtures",
                "conformance._envelope",
                "conformance._delivery_fixtures",
            ),
            suite="suites.smtp",
            load_users="conformance._smtp_load",
        ),
        ProtocolSpec(
            name="pop3",
            title="POP3",
            # RFC 1939 §3 (110) and RFC 8314 §7.4 (995); STLS (RFC 2595 §4) only when
            # a test asks.  The tests log in as the URL's credentials or the profile's
            # first account (see _pop3_fixtures).
            schemes=(_scheme("pop3", 110, _PLAIN), _scheme("pop3s", 995, _IMPLICIT, "pop3")),
            fixtures=("conformance._pop3_fixtures",),
            suite="suites.pop3",
            load_users="conformance._pop3_load",
        ),
        ProtocolSpec(
            name="pop2",
            title="POP2",
            # RFC 937 page 1: "the POP2 server listens on port 109"; historic, plain
            # TCP only.
            schemes=(_scheme("pop2", 109, _PLAIN),),
            fixtures=("conformance._pop2_fixtures",),
            suite="suites.pop2",
        ),
        ProtocolSpec(
            name="imap",
            title="IMAP",
            # RFC 9051 §1 / RFC 3501 §1: port 143, STARTTLS (§6.2.1) only when a test
            # asks; RFC 8314 §7.2: 993 is IMAP over implicit TLS.
            schemes=(_scheme("imap", 143, _PLAIN), _scheme("imaps", 993, _IMPLICIT, "imap")),
            fixtures=("conformance._imap_fixtures",),
            suite="suites.imap",
        ),
    )
}

# The suites ``conformance run --suite`` knows, and the protocols whose targets each one
# needs: a protocol's own suite, and suites of things that have no wire session of their
# own, such as messages (the MIME suite sends them by SMTP and reads them back).
# The clients suite needs no target: it grades the real clients installed here, each
# against a judging reference server of its own (``conformance judge``), and is run only
# when named.
SUITES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{name: (spec.suite, (name,)) for name, spec in PROTOCOLS.items()},
    "mime": ("suites.mime", ("smtp",)),
    "clients": ("suites.clients", ()),
}

# [targets] keys a profile may already name for protocols not registered yet; their URLs
# are kept as text (``Profile.targets``) and nothing runs against them.
RESERVED_PROFILE_KEYS: tuple[str, ...] = ()

SCHEMES: dict[str, Scheme] = {
    scheme.name: scheme for spec in PROTOCOLS.values() for scheme in spec.schemes
}
_PROTOCOL_OF_SCHEME = {scheme.name: spec for spec in PROTOCOLS.values() for scheme in spec.schemes}


def protocol_of_scheme(scheme: str) -> ProtocolSpec:
    """The protocol a URL scheme belongs to (``KeyError`` for an unknown scheme)."""
    return _PROTOCOL_OF_SCHEME[scheme]


def protocol_named(name: str) -> ProtocolSpec:
    """The protocol called ``name`` (``KeyError`` for an unknown one)."""
    return PROTOCOLS[name]


def embedded_services() -> tuple[str, ...]:
    """Every reference listener, by name, in registry order (``--embedded`` choices)."""
    return tuple(service for spec in PROTOCOLS.values() for service in spec.services)


def protocol_of_test(fixtures: Iterable[str], nodeid: str) -> ProtocolSpec | None:
    """The protocol a test exercises: that of the suite it sits in
    (``suites/<name>/...``), else the first (in registry order) whose fixtures it uses,
    else None."""
    suite = _SUITE_IN_NODEID.search(nodeid)
    if suite is not None and suite.group(1) in PROTOCOLS:
        return PROTOCOLS[suite.group(1)]
    names = tuple(fixtures)
    return next(
        (spec for spec in PROTOCOLS.values() if any(spec.owns_fixture(n) for n in names)), None
    )


def suite_of_test(nodeid: str) -> str | None:
    """The suite package a test id names (``suites/<name>/...``), registered or not."""
    suite = _SUITE_IN_NODEID.search(nodeid)
    return suite.group(1) if suite is not None else None


_SUITE_IN_NODEID = re.compile(r"suites[/.](\w+)")
