"""A run's report directory is named after what it tested."""

from __future__ import annotations

import argparse

from conformance._targets import parse_target
from conformance.cli import _run_name

TARGETS = [parse_target(url) for url in ("smtp://127.0.0.1:25", "imap://127.0.0.1:143")]


def _args(*suites: str) -> argparse.Namespace:
    return argparse.Namespace(suite=list(suites) or None, embedded="smtp")


def test_a_run_of_one_suite_is_named_after_that_suites_target() -> None:
    """A profile names SMTP first; a run of only the IMAP suite tests its IMAP target."""
    assert _run_name(_args("imap"), TARGETS).endswith("Z-imap")
    assert _run_name(_args("mime"), TARGETS).endswith("Z-smtp")


def test_a_run_of_every_suite_is_named_after_the_first_target() -> None:
    assert _run_name(_args(), TARGETS).endswith("Z-smtp")
    assert _run_name(_args(), []).endswith("Z-embedded")
