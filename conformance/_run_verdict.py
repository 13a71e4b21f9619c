"""What ``conformance run`` adds after the suites: waivers, the baseline, and the exit status;
and ``conformance diff``, which compares two stored runs the same way.

By default any failure or error fails the run (waived ones do not); with ``--baseline`` the
text also says what regressed, was fixed or is new, and ``--fail-on regressions`` fails the
run only on a test that held in the baseline and is broken now.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._baseline import BaselineError, compare, comparison_text, load_results
from ._sanitize import escape_controls
from ._waivers import waiver_file, waiver_text

__all__ = [
    "add_diff",
    "add_run_verdict_arguments",
    "diff",
    "run_exit_status",
    "run_verdict_pytest_args",
    "run_verdict_text",
]

FAIL_ON = ("failures", "regressions")


def _results_file(text: str) -> dict[str, Any]:
    try:
        return load_results(text)
    except BaselineError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_run_verdict_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--waivers",
        type=waiver_file,
        metavar="FILE",
        help="TOML file of accepted deviations: a waived failure is reported as waived and "
        "does not fail the run (default: the file the profile's [waivers] names); see "
        "docs/waivers.md",
    )
    run.add_argument(
        "--baseline",
        type=_results_file,
        metavar="RESULTS",
        help="an earlier run's results.json (or its directory): also report what regressed "
        "(held before, broken now), what was fixed and which tests are new",
    )
    run.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="failures",
        help="exit 1 on any failure or error (failures, the default), or only on "
        "regressions against --baseline (regressions)",
    )


def run_verdict_pytest_args(args: argparse.Namespace) -> list[str]:
    if args.fail_on == "regressions" and args.baseline is None:
        print("conformance: --fail-on regressions needs --baseline RESULTS", file=sys.stderr)
        raise SystemExit(2)  # a usage error, before any test runs
    if args.waivers is None:
        return []
    return ["--waivers", str(Path(args.waivers.source).resolve())]


def run_verdict_text(args: argparse.Namespace, results: list[dict[str, Any]]) -> str:
    """The waiver blocks and the comparison with the baseline, each after a blank line."""
    blocks = [waiver_text(results)]
    if args.baseline is not None:
        comparison = compare(args.baseline["results"], results)
        blocks.append(comparison_text(comparison, args.baseline))
    return "".join("\n\n" + block for block in blocks if block)


def run_exit_status(args: argparse.Namespace, document: dict[str, Any], pytest_code: int) -> int:
    if args.fail_on == "regressions":
        return 1 if compare(args.baseline["results"], document["results"]).regressed else 0
    summary = document["summary"]
    if summary.get("failed") or summary.get("error"):
        return 1
    return pytest_code if pytest_code not in (0, 1) else 0


# -- conformance diff ------------------------------------------------------------------------


def add_diff(commands: Any) -> None:
    parser = commands.add_parser(
        "diff",
        help="compare two stored runs: regressions, fixes, new tests",
        description="Compare run B with run A (each a results.json or the run directory "
        "holding it), as conformance run --baseline A does. Exit status: 0 no "
        "regressions, 1 regressions, 2 a file that is not a results.json.",
    )
    parser.add_argument("old", metavar="A", help="the baseline run")
    parser.add_argument("new", metavar="B", help="the run to compare with it")


def diff(args: argparse.Namespace) -> int:
    try:
        old, new = load_results(args.old), load_results(args.new)
    except BaselineError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return 2
    comparison = compare(old["results"], new["results"])
    print(escape_controls(str(new["path"])) + "\n" + comparison_text(comparison, old))
    return 1 if comparison.regressed else 0
