"""What ``conformance run`` adds after the suites: the waivers, and the exit status.

Any failure or error fails the run; waived ones do not.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._waivers import waiver_file, waiver_text

__all__ = [
    "add_run_verdict_arguments",
    "run_exit_status",
    "run_verdict_pytest_args",
    "run_verdict_text",
]


def add_run_verdict_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--waivers",
        type=waiver_file,
        metavar="FILE",
        help="TOML file of accepted deviations: a waived failure is reported as waived and "
        "does not fail the run (default: the file the profile's [waivers] names); see "
        "docs/waivers.md",
    )


def run_verdict_pytest_args(args: argparse.Namespace) -> list[str]:
    if args.waivers is None:
        return []
    return ["--waivers", str(Path(args.waivers.source).resolve())]


def run_verdict_text(args: argparse.Namespace, results: list[dict[str, Any]]) -> str:
    """The waiver blocks, after a blank line."""
    text = waiver_text(results)
    return "\n\n" + text if text else ""


def run_exit_status(args: argparse.Namespace, document: dict[str, Any], pytest_code: int) -> int:
    summary = document["summary"]
    if summary.get("failed") or summary.get("error"):
        return 1
    return pytest_code if pytest_code not in (0, 1) else 0
