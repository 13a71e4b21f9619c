"""``--imap-rev``: which IMAP tests run, and why the others skip, for each choice and
what a target advertises; and that ``conformance run`` hands the choice to pytest."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance._imap_revision import REV1, REV2, revision_unmet
from conformance.cli import _parser, _pytest_args

BOTH = {REV1, REV2, "IDLE"}
REV1_ONLY = {REV1, "IDLE"}


@pytest.mark.parametrize(
    ("chosen", "advertised", "capability", "why"),
    [
        # IMAP4rev2 tests: in auto and 2 runs where advertised; "not advertised" else.
        ("auto", BOTH, REV2, ""),
        ("2", BOTH, REV2, ""),
        ("1", BOTH, REV2, "--imap-rev 1 grades RFC 3501"),
        ("2", REV1_ONLY, REV2, "target does not advertise IMAP4REV2"),
        ("auto", REV1_ONLY, REV2, "target does not advertise IMAP4REV2"),
        # IMAP4rev1-only rules: left out where RFC 9051 is graded throughout.
        ("auto", BOTH, REV1, ""),
        ("1", BOTH, REV1, ""),
        ("2", BOTH, REV1, "--imap-rev 2 grades RFC 9051, which drops this IMAP4rev1 rule"),
        ("auto", {REV2}, REV1, "target does not advertise IMAP4REV1"),
        ("2", REV1_ONLY, REV1, ""),  # a rev1-only server is graded by the rules it has
        # Other capabilities keep their plain meaning.
        ("2", BOTH, "IDLE", ""),
        ("1", REV1_ONLY, "MOVE", "target does not advertise MOVE"),
    ],
)
def test_which_revision_tests_run(
    chosen: str, advertised: set[str], capability: str, why: str
) -> None:
    found = revision_unmet(chosen, advertised, capability)
    assert found.startswith(why) and bool(found) == bool(why), found


@pytest.mark.parametrize(
    ("words", "passed"), [([], []), (["--imap-rev", "2"], ["--imap-rev", "2"])]
)
def test_run_hands_imap_rev_to_pytest(words: list[str], passed: list[str], tmp_path: Path) -> None:
    args = _parser().parse_args(["run", "imap://u:p@127.0.0.1:1", *words])
    args.pytest_args = []
    pytest_args = _pytest_args(args, tmp_path)
    given = pytest_args[pytest_args.index("--imap-rev") :][:2] if passed else []
    assert given == passed and ("--imap-rev" in pytest_args) == bool(passed)


def test_imap_rev_takes_only_1_2_or_auto(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["run", "--imap-rev", "3"])
    assert "invalid choice: '3'" in capsys.readouterr().err
