"""The POP3 suite can fail: each misbehaving server of ``scripted_pop3`` (wire rules
around the reference core) is caught by the suite tests named for it, and those tests
pass against the unbroken reference (see ``variant_runner``)."""

from __future__ import annotations

import pytest
from scripted_pop3 import SCRIPTS
from variant_runner import Variant, VariantRuns, runs_fixture, scripted

VARIANTS = scripted(SCRIPTS, suite="pop3")
runs = runs_fixture(VARIANTS)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_scripted_server(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant)


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference)
