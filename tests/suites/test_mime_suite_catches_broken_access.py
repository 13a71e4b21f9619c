"""The MIME suite can fail where a server hands messages back wrongly: each broken IMAP
or POP3 core of ``broken_mime_access`` is caught by its tests, which pass against the
unbroken reference servers (see ``variant_runner``: each core is served as one more IMAP
or POP3 listener, and the MIME tests that read through it run against it)."""

from __future__ import annotations

import pytest
from broken_mime_access import BROKEN_ACCESS
from variant_runner import FACTORY_KEYWORD, Variant, VariantRuns, runs_fixture

VARIANTS = [
    Variant(
        name=core.__name__,
        suite="mime",
        tests=tests,
        servers={FACTORY_KEYWORD[protocol]: core},
    )
    for core, (protocol, tests) in BROKEN_ACCESS.items()
]
runs = runs_fixture(VARIANTS)
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_mime_suite_catches_broken_access")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_broken_core(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant, "failed")


def test_same_tests_pass_against_the_reference_servers(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")
