"""A protocol's behaviour as the harness needs it, found through the registry.

Each protocol's first fixtures module (``ProtocolSpec.fixtures[0]``) defines
``PROTOCOL_HOOKS``: its session class, its capability probe, the rule for the
``requires`` marker when that is more than "the capability is advertised", and how a
login it needs is tried before a run.  ``hooks_of`` loads it on first use, so the
registry itself imports no protocol module and the import graph stays a tree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import pytest

from ._errors import HarnessError
from ._protocols import PROTOCOLS, ProtocolSpec
from ._targets import Target
from ._wire import WireSession

__all__ = [
    "ProtocolHooks",
    "Refusal",
    "SuiteOption",
    "hooks_of",
    "requirement_unmet",
    "suite_options",
]

# Why the target refuses (target, user, password, timeout), as one line; None: it logs in.
Refusal = Callable[[Target, str, str, float], "str | None"]
# What the target advertises (config, target): cached per run by the probe itself.
Probe = Callable[[pytest.Config, Target], Collection[str]]
# Why ``requires(capability)`` is unmet (config, target, capability), or None.
Rule = Callable[[pytest.Config, Target, str], "str | None"]


@dataclass(frozen=True, kw_only=True)
class SuiteOption:
    """An option of one protocol's suite, offered by the pytest plugin and by
    ``conformance run`` (which hands it on to pytest when it differs from the default)."""

    flag: str
    choices: tuple[str, ...]
    default: str
    help: str

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True, kw_only=True)
class ProtocolHooks:
    """``capabilities`` is None for a protocol that advertises nothing (RFC 937 POP2);
    ``requirement_unmet`` None means "unmet unless among ``capabilities``";
    ``login_refusal`` is set for protocols whose tests log in (tried once per run);
    ``options`` are the options of the protocol's suite."""

    session: type[WireSession[Any]]
    capabilities: Probe | None
    requirement_unmet: Rule | None = None
    login_refusal: Refusal | None = None
    options: tuple[SuiteOption, ...] = ()


def hooks_of(spec: ProtocolSpec) -> ProtocolHooks:
    """The ``PROTOCOL_HOOKS`` of ``spec``'s first fixtures module."""
    module = importlib.import_module(spec.fixtures[0])
    hooks = getattr(module, "PROTOCOL_HOOKS", None)
    if not isinstance(hooks, ProtocolHooks):
        raise HarnessError(f"{spec.fixtures[0]} defines no PROTOCOL_HOOKS for {spec.title}")
    return hooks


def requirement_unmet(
    spec: ProtocolSpec, config: pytest.Config, target: Target, capability: str
) -> str | None:
    """Why a ``requires(capability)`` test of ``spec`` skips against ``target``, or None.

    A protocol with no capability discovery cannot meet any requirement: marking its
    test so is a mistake in the test, an error rather than a skip that would hide it.
    """
    hooks = hooks_of(spec)
    if hooks.capabilities is None:
        raise HarnessError(
            f"requires({capability!r}) on a {spec.title} test: {spec.title} has no way to "
            "advertise capabilities, so the marker can never be met"
        )
    if hooks.requirement_unmet is not None:
        return hooks.requirement_unmet(config, target, capability)
    if capability not in hooks.capabilities(config, target):
        return f"target does not advertise {capability}"
    return None


def suite_options() -> list[SuiteOption]:
    """The options of every protocol's suite, in registry order."""
    return [option for spec in PROTOCOLS.values() for option in hooks_of(spec).options]
