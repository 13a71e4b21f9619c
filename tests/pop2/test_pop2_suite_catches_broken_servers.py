"""The RFC 937 suite can fail: each broken POP2 core in ``broken_pop2`` is caught.

The core is served by ``EmbeddedServers`` and the suite tests named for it run in a
separate pytest process against it: they must fail there, and pass against the
reference core (see ``tests/suites/variant_runner.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from broken_pop2 import BROKEN_CORES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "suites"))
from variant_runner import Variant, VariantRuns, runs_fixture, variants_of

VARIANTS = variants_of(BROKEN_CORES, suite="pop2", factory_keyword="pop2_connection_factory")
runs = runs_fixture(VARIANTS)
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_pop2_suite_catches_broken_servers")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_broken_core(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "failed")


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")
