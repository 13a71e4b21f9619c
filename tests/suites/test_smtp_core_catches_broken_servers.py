"""The RFC 5321 core suites can fail: each broken reference core is caught by its tests.

Every deliberately broken core in ``broken_smtp`` (and, for the limits of §4.5.3.1 and
Appendix F, ``broken_smtp_limits``) is served by ``EmbeddedServers`` and the
suite tests named for it are run against it in a separate pytest process: they must fail
there, and pass against the unbroken reference server (see ``variant_runner``).
"""

from __future__ import annotations

import pytest
from broken_smtp import BROKEN_CORES
from broken_smtp_limits import BROKEN_CORES as BROKEN_LIMITS_CORES
from variant_runner import Variant, VariantRuns, runs_fixture, variants_of

VARIANTS = variants_of(
    {**BROKEN_CORES, **BROKEN_LIMITS_CORES}, suite="smtp", factory_keyword="connection_factory"
)
runs = runs_fixture(VARIANTS)
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_smtp_core_catches_broken_servers")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_broken_core(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "failed")


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")
