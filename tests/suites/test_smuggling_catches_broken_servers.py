"""The SMTP smuggling tests can fail: each runs against a reference server with exactly
the weakness it probes for, and must report it there (and pass against the unbroken one).

The DATA-smuggling variants run without the reference server's refusal of mail data sent
before the 354, so that they accept the smuggled message whole, as Postfix 3.7 does by
default; the BDAT variant keeps it, as Exim did when CVE-2023-51766 reached it.
"""

from __future__ import annotations

import broken_smuggling as broken
import pytest
from variant_runner import Variant, VariantRuns, runs_fixture

from reference_impl.smtp import ServerConnection

DATA = "test_rfc5321_smuggling.py"
EXTENSIONS = "test_rfc5321_smuggling_pipelined.py"
NO_SYNC = {"enforce_data_sync": False}


def _case(
    name: str, factory: type[ServerConnection] | None, tests: tuple[str, ...], **config: object
) -> Variant:
    servers: dict[str, object] = {"connection_factory": factory} if factory else {}
    return Variant(name=name, suite="smtp", tests=tests, servers={**servers, **config})


FAILING = [
    _case(
        "ends-data-at-exim-look-alikes",
        broken.EndsDataAtLookAlikes,
        (
            f"{DATA}::test_bare_lf_period_lf_does_not_end_data",
            f"{DATA}::test_look_alike_terminator_does_not_end_data[CRLF.LF]",
            f"{DATA}::test_look_alike_terminator_does_not_end_data[LF.CRLF]",
        ),
        **NO_SYNC,
    ),
    _case(
        "split-cr-lf-ends-data",
        broken.SplitCrLfEndsData,
        (
            f"{DATA}::test_stray_cr_around_period_does_not_end_data[CR.LF]",
            f"{DATA}::test_stray_cr_around_period_does_not_end_data[LF.CR]",
            f"{DATA}::test_stray_cr_around_period_does_not_end_data[LF.CRCRLF]",
        ),
        **NO_SYNC,
    ),
    _case(
        "extra-cr-dropped",
        broken.ExtraCrDropped,
        (
            f"{DATA}::test_stray_cr_around_period_does_not_end_data[CRLF.CRCRLF]",
            f"{DATA}::test_stray_cr_around_period_does_not_end_data[CRCRLF.CRCRLF]",
        ),
        **NO_SYNC,
    ),
    _case(
        "nul-dropped",
        broken.NulDropped,
        (f"{DATA}::test_nul_beside_period_does_not_end_data",),
        **NO_SYNC,
    ),
    _case(
        "lf-mode-after-lf-headers",
        broken.LfModeAfterLfHeaders,
        (
            f"{DATA}::test_bare_lf_header_lines_do_not_make_lf_end_data",
            f"{EXTENSIONS}::test_bare_lf_header_lines_do_not_make_lf_end_data_before_bdat",
        ),
        **NO_SYNC,
    ),
    _case(
        "bare-cr-ends-commands",
        broken.BareCrEndsCommands,
        (f"{DATA}::test_bare_cr_does_not_end_a_command",),
    ),
    # Refuses a smuggled DATA (554, as Exim's synchronisation check did) but not BDAT.
    _case(
        "ends-data-at-look-alikes-bdat-gets-through",
        broken.EndsDataAtLookAlikes,
        (f"{EXTENSIONS}::test_look_alike_terminator_does_not_end_data_before_bdat",),
    ),
]
# A [practice] probe, graded MAY: the weakness is a warning, never a failure.
WARNING = _case(
    "reads-data-before-354",
    None,
    (f"{EXTENSIONS}::test_mail_data_before_354_not_accepted",),
    **NO_SYNC,
)

# Why the header-line probes exist: the "LF mode" server passes every probe whose
# header lines end in CRLF.
LF_MODE_UNSEEN = _case(
    "lf-mode-unseen-by-crlf-headers",
    broken.LfModeAfterLfHeaders,
    (
        f"{DATA}::test_bare_lf_period_lf_does_not_end_data",
        f"{DATA}::test_look_alike_terminator_does_not_end_data",
        f"{EXTENSIONS}::test_look_alike_terminator_does_not_end_data_before_bdat",
    ),
    **NO_SYNC,
)

runs = runs_fixture([*FAILING, WARNING, LF_MODE_UNSEEN])


@pytest.mark.parametrize("case", FAILING, ids=lambda case: case.name)
def test_smuggling_test_fails_against_vulnerable_server(case: Variant, runs: VariantRuns) -> None:
    runs.expect(case, "failed")


def test_pipelining_probe_warns_against_server_reading_data_before_354(
    runs: VariantRuns,
) -> None:
    runs.expect(WARNING, "warned")


def test_lf_mode_server_passes_the_probes_with_crlf_header_lines(runs: VariantRuns) -> None:
    runs.expect(LF_MODE_UNSEEN, "passed")


def test_smuggling_tests_pass_against_the_reference_server(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")
