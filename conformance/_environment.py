"""Where the tests of this process go: a profile (and ``--target`` URLs), or the
embedded reference servers.

Without a target the reference servers are started once per process (session scope;
each xdist worker has its own) on loopback ports the OS picks.  Each protocol of the
registry gets its targets here, so the protocols' fixtures only pick among them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ._errors import HarnessError
from ._profile import Account, DeliverySettings, Profile, parse_readback
from ._protocols import PROTOCOLS, SCHEMES, ProtocolSpec
from ._readback import MaildirReadback, Readback, StoreReadback, mailbox_lookup
from ._targets import Target, TlsSettings, parse_target

if TYPE_CHECKING:
    from reference_impl._embedded import EmbeddedServers

__all__ = [
    "Environment",
    "chosen_target",
    "embedded_environment",
    "embedded_servers",
    "profile_environment",
]


@dataclass(kw_only=True)
class Environment:
    """A profile, the targets of each protocol (by protocol name, in the order their
    tests run against them) and how to read delivered mail back."""

    profile: Profile
    targets: Mapping[str, tuple[Target, ...]]
    readback: Callable[[float], Readback | None]

    def targets_of(self, protocol: str) -> tuple[Target, ...]:
        return self.targets.get(protocol, ())


@contextlib.contextmanager
def embedded_servers() -> Iterator[EmbeddedServers]:
    try:
        from reference_impl._embedded import EmbeddedServers
    except ImportError as exc:
        raise HarnessError(
            f"no --target given and the embedded reference servers cannot start ({exc}); "
            "pass --target URL or --profile FILE"
        ) from None
    with EmbeddedServers() as servers:
        yield servers


def embedded_environment(servers: EmbeddedServers, service: str) -> Environment:
    """The profile describing ``servers``; each protocol's tests go to its ``service``
    if that is one of its listeners (``--embedded``), else to its first listener."""
    tls = TlsSettings(verify=True, ca_file=servers.ca_file, server_name=servers.server_name)
    chosen = {
        spec.name: service if service in spec.services else spec.services[0]
        for spec in PROTOCOLS.values()
        if spec.services
    }
    # A listener is named like its URL scheme; each [targets] key names its own
    # listener, unless the chosen one goes under that key (pop3s:// under "pop3").
    # A reference server whose protocol the harness does not test yet is left out.
    urls = {
        name: servers.url(name)
        for name in servers.ports
        if name in SCHEMES and SCHEMES[name].profile_key == name
    }
    urls.update((SCHEMES[name].profile_key, servers.url(name)) for name in chosen.values())
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
    targets = {
        protocol: (profile.with_credentials(parse_target(servers.url(name), tls=tls)),)
        for protocol, name in chosen.items()
    }
    mailbox_of = servers.accounts.mailbox_for

    def readback(timeout: float) -> Readback:
        return StoreReadback(root, timeout=timeout, mailbox_of=mailbox_of)

    return Environment(profile=profile, targets=targets, readback=readback)


def profile_environment(profile: Profile, given: tuple[Target, ...]) -> Environment:
    """Each protocol's ``given`` targets (``--target``), else the profile's."""
    kind, where = parse_readback(profile.delivery.readback)
    mailbox_of = mailbox_lookup({a.address: a.user for a in profile.accounts})

    def readback(timeout: float) -> Readback | None:
        if kind == "maildir":
            return MaildirReadback(where, timeout=timeout, mailbox_of=mailbox_of)
        if kind == "store":
            return StoreReadback(Path(where), timeout=timeout, mailbox_of=mailbox_of)
        return None

    targets = {
        name: tuple(t for t in given if t.protocol == name) or profile.targets_of(name)
        for name in PROTOCOLS
    }
    return Environment(profile=profile, targets=targets, readback=readback)


def chosen_target(
    request: pytest.FixtureRequest, environment: Environment, spec: ProtocolSpec
) -> Target:
    """For ``<protocol>_target``: the parametrized target (several of the protocol), else
    the protocol's first; skips, saying how to name one, when there is none."""
    param = getattr(request, "param", None)
    if isinstance(param, Target) and param.protocol == spec.name:
        return param
    targets = environment.targets_of(spec.name)
    if not targets:
        pytest.skip(
            f"no {spec.title} target: give --target {spec.schemes[0].name}://... "
            f"or [targets] {spec.profile_keys[0]} in the profile"
        )
    return targets[0]
