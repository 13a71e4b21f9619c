"""The suites can fail: each misbehaving server of the ``scripted_*`` modules (wire
rules around the reference core) is caught by the suite tests named for it, and those
tests pass against the unbroken reference (see ``variant_runner``).  Each group is one
suite run, on one xdist worker."""

from __future__ import annotations

import pytest
import scripted_imap
import scripted_imap_mailboxes
import scripted_pop2
import scripted_pop3
import scripted_smtp
import scripted_smtp_extensions
from variant_runner import Variant, VariantRuns, scripted
from wire_script import Rule, Script

# Rules that never match anything the suites send: a variant that breaks nothing.
INERT = Variant(
    name="inert",
    suite="smtp",
    tests=("test_rfc5321_rset_noop_quit.py::test_noop_gets_250",),
    script=Script((Rule(r"XYZZY", reply=b"500 5.5.1 never sent\r\n"),)),
)
SMTP = scripted(scripted_smtp.SCRIPTS, suite="smtp", baselines=scripted_smtp.BASELINES)
SMTP_EXTENSIONS = scripted(scripted_smtp_extensions.SCRIPTS, suite="smtp")
POP3 = scripted(scripted_pop3.SCRIPTS, suite="pop3")
POP2 = scripted(scripted_pop2.SCRIPTS, suite="pop2")
IMAP = scripted({**scripted_imap.SCRIPTS, **scripted_imap_mailboxes.SCRIPTS}, suite="imap")
GROUPS = {
    "smtp": [*SMTP, INERT],
    "smtp-extensions": SMTP_EXTENSIONS,
    "pop3": POP3,
    "pop2": POP2,
    "imap": IMAP,
}


def _in_group(group: str, *values: object, id: str) -> object:
    return pytest.param(group, *values, id=id, marks=pytest.mark.xdist_group(f"scripted-{group}"))


VARIANT_CASES = [
    _in_group(group, variant, id=variant.name)
    for group, variants in GROUPS.items()
    for variant in variants
    if variant is not INERT
]
REFERENCE_CASES = [_in_group(group, id=group) for group in GROUPS]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, VariantRuns]:
    """Each group's verdicts, from one suite run made when a test first asks."""
    return {group: VariantRuns(variants, tmp_path_factory) for group, variants in GROUPS.items()}


@pytest.mark.parametrize(("group", "variant"), VARIANT_CASES)
def test_suite_fails_against_scripted_server(
    group: str, variant: Variant, runs: dict[str, VariantRuns]
) -> None:
    runs[group].expect(variant)


@pytest.mark.parametrize("group", REFERENCE_CASES)
def test_same_tests_pass_against_the_reference_core(
    group: str, runs: dict[str, VariantRuns]
) -> None:
    runs[group].expect(runs[group].reference)


@pytest.mark.xdist_group("scripted-smtp")
def test_a_variant_that_breaks_nothing_is_reported(runs: dict[str, VariantRuns]) -> None:
    with pytest.raises(AssertionError) as raised:
        runs["smtp"].expect(INERT)
    message = str(raised.value)
    assert "rules never fired" in message, message
    assert "test_noop_gets_250 to be failed, got" in message, message
