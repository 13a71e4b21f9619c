"""The SMTP suites can fail: each misbehaving server of ``scripted_smtp`` (wire rules
around the reference core) is caught by the suite tests named for it, and those tests
pass against the unbroken reference (see ``variant_runner``)."""

from __future__ import annotations

import pytest
from scripted_smtp import BASELINES, SCRIPTS
from variant_runner import Variant, VariantRuns, runs_fixture, scripted
from wire_script import Rule, Script

VARIANTS = scripted(SCRIPTS, suite="smtp", baselines=BASELINES)

# Rules that never match anything the suites send: a variant that breaks nothing.
INERT = Variant(
    name="inert",
    suite="smtp",
    tests=("test_rfc5321_rset_noop_quit.py::test_noop_gets_250",),
    script=Script((Rule(r"XYZZY", reply=b"500 5.5.1 never sent\r\n"),)),
)
runs = runs_fixture([*VARIANTS, INERT])


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_suite_fails_against_scripted_server(variant: Variant, runs: VariantRuns) -> None:
    runs.expect(variant)


def test_same_tests_pass_against_the_reference_core(runs: VariantRuns) -> None:
    runs.expect(runs.reference)


def test_a_variant_that_breaks_nothing_is_reported(runs: VariantRuns) -> None:
    with pytest.raises(AssertionError) as raised:
        runs.expect(INERT)
    message = str(raised.value)
    assert "rules never fired" in message, message
    assert "test_noop_gets_250 to be failed, got" in message, message
