"""The POP3 suite can fail: each broken reference core is caught by its tests.

Every deliberately broken core in ``broken_pop3`` is served by ``EmbeddedServers`` and the
suite tests named for it run against it in a separate pytest process: they must fail
there, and pass against the unbroken core (see ``variant_runner``).
"""

from __future__ import annotations

import pytest
from broken_pop3 import BROKEN_CORES, CONFORMING_CORES
from variant_runner import PASSED, Variant, VariantRuns, runs_fixture, variants_of

VARIANTS = variants_of(BROKEN_CORES, suite="pop3", factory_keyword="pop3_connection_factory")
CONFORMING = variants_of(
    CONFORMING_CORES, suite="pop3", factory_keyword="pop3_connection_factory", expected=PASSED
)
runs = runs_fixture([*VARIANTS, *CONFORMING])
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_pop3_suite_catches_broken_servers")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_broken_core(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "failed")


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")


@pytest.mark.parametrize("variant", CONFORMING, ids=lambda variant: variant.name)
def test_suite_passes_against_conforming_core(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "passed")
