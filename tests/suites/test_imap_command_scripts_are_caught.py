"""The IMAP suite's tests of commands, tags, flags, UIDs and SEARCH keys can fail: each
misbehaving server of ``scripted_imap_search`` and ``scripted_imap_commands`` (wire
rules around the reference core) is caught by the tests named for it, and those tests
pass against the unbroken reference (see ``variant_runner``)."""

from __future__ import annotations

import pytest
import scripted_imap_commands
import scripted_imap_search
from variant_runner import Variant, VariantRuns, runs_fixture, scripted

VARIANTS = scripted(
    scripted_imap_search.SCRIPTS | scripted_imap_commands.SCRIPTS,
    suite="imap",
    baselines=scripted_imap_commands.BASELINES,
)
runs = runs_fixture(VARIANTS)
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_imap_command_scripts_are_caught")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_scripted_server(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant)


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference)
