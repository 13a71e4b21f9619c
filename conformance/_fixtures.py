"""Fixtures every protocol's tests share: the environment, the profile, the transcript,
accounts, readback, and the ``requires`` / ``delivers`` markers.

Each protocol's own fixtures (``<protocol>_target``, sessions, ...) are in the modules
its ``ProtocolSpec.fixtures`` names; the plugin registers them all.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._environment import (
    Environment,
    embedded_environment,
    embedded_servers,
    profile_environment,
)
from ._errors import HarnessError
from ._hooks import requirement_unmet
from ._left_out import NEEDS_DELIVERY, NEEDS_READBACK, needs_accounts
from ._options import options_of
from ._profile import Account, Profile
from ._protocols import protocol_of_test
from ._readback import Readback
from ._targets import Target
from ._transcript import Transcript

__all__ = [
    "TRANSCRIPT_KEY",
    "accounts",
    "conformance_profile",
    "conformance_transcript",
    "readback",
]

TRANSCRIPT_KEY = pytest.StashKey[Transcript]()


@pytest.fixture(scope="session")
def _conformance_environment(request: pytest.FixtureRequest) -> Iterator[Environment]:
    options = options_of(request.config)
    if options.targets or options.profile is not None:
        yield profile_environment(options.profile or Profile(), options.targets)
        return
    with embedded_servers() as servers:
        yield embedded_environment(servers, options.embedded)


@pytest.fixture(scope="session")
def conformance_profile(_conformance_environment: Environment) -> Profile:
    """The profile in use: from --profile, or the one describing the embedded servers."""
    return _conformance_environment.profile


@pytest.fixture
def conformance_transcript(request: pytest.FixtureRequest) -> Transcript:
    """This test's transcript (also attached to its report)."""
    stash: pytest.Stash = request.node.stash
    if TRANSCRIPT_KEY not in stash:
        stash[TRANSCRIPT_KEY] = Transcript()
    return stash[TRANSCRIPT_KEY]


@pytest.fixture  # per test: a test that delivers is told so first, by the ``delivers`` check
def accounts(conformance_profile: Profile) -> tuple[Account, ...]:
    """At least two accounts from the profile (or the embedded servers)."""
    found = conformance_profile.accounts
    if len(found) < 2:
        pytest.skip(needs_accounts(len(found)))
    return found


@pytest.fixture
def readback(request: pytest.FixtureRequest, _conformance_environment: Environment) -> Readback:
    """``readback.wait_for(address, marker, timeout=None) -> bytes`` of the delivered message."""
    found = _conformance_environment.readback(options_of(request.config).timeout)
    if found is None:
        pytest.skip(NEEDS_READBACK)
    return found


@pytest.fixture(autouse=True)
def _conformance_markers(request: pytest.FixtureRequest) -> None:
    """Skip tests whose ``requires`` or ``delivers`` marker the target cannot satisfy.

    ``requires(capability)`` means "the target advertises this capability", in the
    terms of the test's protocol (an EHLO keyword, a CAPA tag, ...): its hooks decide.
    """
    node = request.node
    if node.get_closest_marker("delivers") is not None:
        profile: Profile = request.getfixturevalue("conformance_profile")
        if not profile.delivery.allowed:
            pytest.skip(NEEDS_DELIVERY)
    marks = list(node.iter_markers("requires"))
    if not marks:
        return
    spec = protocol_of_test(request.fixturenames, node.nodeid)
    if spec is None:
        raise HarnessError(
            "a requires marker on a test that uses no protocol's fixtures: "
            "which protocol's capabilities it means is unknown"
        )
    target: Target = request.getfixturevalue(spec.target_fixture)
    for mark in marks:
        capability = str(mark.args[0]).upper() if mark.args else ""
        if (unmet := requirement_unmet(spec, request.config, target, capability)) is not None:
            pytest.skip(unmet)
