"""The IMAP4rev2, IDLE, authentication, limits and bad-input tests can fail: each
misbehaving server of ``scripted_imap_limits`` and each broken core of
``broken_imap_rev2`` is caught by the suite tests named for it, and those tests pass
against the unbroken reference (see ``variant_runner``).  One suite run serves them all.

A test of a configuration the reference listener does not have (LOGINDISABLED) passes
against a conforming server so configured instead of the plain reference."""

from __future__ import annotations

import dataclasses

import pytest
from broken_imap_rev2 import BROKEN_CORES
from scripted_imap_limits import CONFIGURED, SCRIPTS
from variant_runner import PASSED, Variant, VariantRuns, runs_fixture, scripted, variants_of

SCRIPTED = scripted(SCRIPTS, suite="imap")
BROKEN = variants_of(BROKEN_CORES, suite="imap", factory_keyword="imap_connection_factory")
MISCONFIGURED = [
    Variant(name=name, suite="imap", tests=tests, script=script, servers=config)
    for name, (script, config, tests) in CONFIGURED.items()
]
# The same servers without the misbehaviour: what the configured tests must pass against.
CONFORMING = [
    Variant(
        name=f"{v.name} conforming", suite="imap", tests=v.tests, servers=v.servers, expected=PASSED
    )
    for v in MISCONFIGURED
]
VARIANTS = [*SCRIPTED, *BROKEN, *MISCONFIGURED]
runs = runs_fixture([*VARIANTS, *CONFORMING])
pytestmark = pytest.mark.xdist_group("test_imap_rev2_limits_catch_broken_servers")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_broken_server(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "failed")


@pytest.mark.parametrize("variant", CONFORMING, ids=lambda variant: variant.name)
def test_configured_tests_pass_against_a_conforming_server(
    variant: Variant, runs: VariantRuns
) -> None:
    runs.expect(variant)


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    configured = {test for variant in CONFORMING for test in variant.tests}
    tests = tuple(test for test in runs.reference.tests if test not in configured)
    runs.expect(dataclasses.replace(runs.reference, tests=tests), "passed")
