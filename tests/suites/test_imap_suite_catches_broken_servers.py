"""The IMAP suite can fail where wire rules cannot say the fault: each broken reference
core of ``broken_imap`` is caught by its tests, which pass against the unbroken core
(see ``variant_runner``)."""

from __future__ import annotations

import pytest
from broken_imap import BROKEN_CORES
from variant_runner import Variant, VariantRuns, runs_fixture, variants_of

VARIANTS = variants_of(BROKEN_CORES, suite="imap", factory_keyword="imap_connection_factory")
runs = runs_fixture(VARIANTS)
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_imap_suite_catches_broken_servers")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_broken_core(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "failed")


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")
