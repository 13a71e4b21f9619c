"""How much of each RFC the suites check: ``conformance coverage [--rfc N] [--json]``.

Every catalogued requirement (``conformance._catalogue``) is either *tested* (some suite
test quotes it) or carries the reason it is not (``conformance._reasons``: an override, else
the rules).  The counts are per RFC and per section; sentences without a keyword that tests
cite are not requirements and are not counted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ._catalogue import Catalogue, Citation, Entry, load_catalogue, suite_citations
from ._reasons import REASONS, load_overrides, reason_by_rule

__all__ = [
    "STATES",
    "Coverage",
    "RunTally",
    "add_coverage",
    "coverage",
    "coverage_json",
    "measure",
    "result_key",
    "run_coverage_text",
    "run_outcomes",
    "run_tallies",
]

# "tested" first, then every reason, in the order people read them.
STATES = ("tested", *REASONS)


@dataclass(frozen=True, kw_only=True)
class Judged:
    """One requirement: the tests that check it, or why none does."""

    entry: Entry
    tests: tuple[str, ...]
    state: str
    note: str | None = None


@dataclass(kw_only=True)
class Tally:
    """Counts of one RFC or one section."""

    key: str
    title: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def entries(self) -> int:
        return sum(self.counts.values())

    @property
    def percent_tested(self) -> float:
        return 100.0 * self.counts["tested"] / self.entries if self.entries else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            **{state: self.counts[state] for state in STATES},
            "percent_tested": round(self.percent_tested, 1),
        }


@dataclass(kw_only=True)
class Coverage:
    judged: list[Judged]
    rfc_titles: dict[int, str]

    def rfcs(self) -> list[Tally]:
        tallies: dict[int, Tally] = {}
        for item in self.judged:
            rfc = item.entry.rfc
            tally = tallies.setdefault(rfc, Tally(key=str(rfc), title=self.rfc_titles[rfc]))
            tally.counts[item.state] += 1
        return [tallies[rfc] for rfc in sorted(tallies, key=_rfc_order)]

    def sections(self, rfc: int) -> list[Tally]:
        tallies: dict[str, Tally] = {}
        for item in self.judged:
            if item.entry.rfc == rfc:
                entry = item.entry
                tally = tallies.setdefault(
                    entry.section, Tally(key=entry.section, title=entry.title)
                )
                tally.counts[item.state] += 1
        return list(tallies.values())


def _rfc_order(rfc: int) -> tuple[int, int]:
    """The core RFCs of each protocol first, as the issue lists them; then by number."""
    core = (5321, 1939, 2449, 3501, 9051, 5322, 2045, 2046, 2047, 2048, 2049)
    return (core.index(rfc), 0) if rfc in core else (len(core), rfc)


def measure(
    catalogue: Catalogue | None = None, citations: list[Citation] | None = None
) -> Coverage:
    """Judge every requirement of the catalogue against the suites' citations."""
    catalogue = catalogue or load_catalogue()
    citations = suite_citations() if citations is None else citations
    tests: dict[str, list[str]] = {}
    for citation in citations:
        for entry in catalogue.matching(citation)[0]:
            tests.setdefault(entry.id, []).append(citation.test_id)
    overrides = load_overrides()
    # The same sentence tested in another RFC (RFC 9051 repeats much of RFC 3501).
    tested_text = {e.text: e for e in catalogue.entries() if e.id in tests}
    judged = []
    for entry in catalogue.entries():
        if not entry.is_requirement:
            continue
        override, twin = overrides.get(entry.id), tested_text.get(entry.text)
        if entry.id in tests:
            judged.append(Judged(entry=entry, tests=tuple(tests[entry.id]), state="tested"))
        elif override is not None:
            judged.append(Judged(entry=entry, tests=(), state=override.reason, note=override.note))
        elif twin is not None:
            note = f"the same sentence is tested as RFC {twin.rfc} §{twin.section}"
            judged.append(Judged(entry=entry, tests=(), state="other-rfc", note=note))
        else:
            judged.append(Judged(entry=entry, tests=(), state=reason_by_rule(entry)))
    titles = {rfc: held.title for rfc, held in catalogue.by_rfc.items()}
    return Coverage(judged=judged, rfc_titles=titles)


# -- against stored runs (the HTML report) ---------------------------------------------------


def result_key(test_id: str) -> str:
    """``suites.smtp.test_x::test_y`` and a results.json id ``suites/smtp/test_x.py::test_y[p]``
    both as ``test_x::test_y``: how a run's results find the tests of an entry."""
    module, _, name = test_id.partition("::")
    stem = re.split(r"[./]", module.removesuffix(".py"))[-1]
    return f"{stem}::{name.split('[', 1)[0]}"


@dataclass(frozen=True, kw_only=True)
class RunTally:
    """In one run: the entries some test of which ran, and those all of whose tests passed."""

    ran: int
    held: int


def run_outcomes(results: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """A run's outcomes by ``result_key`` (a parametrized test has several)."""
    outcomes: dict[str, list[str]] = {}
    for result_id, result in results.items():
        outcomes.setdefault(result_key(result_id), []).append(str(result.get("outcome")))
    return outcomes


def run_tallies(judged: list[Judged], runs: list[dict[str, list[str]]]) -> list[RunTally]:
    """For each run (its ``run_outcomes``), how many of the entries it checked and passed."""
    tallies = []
    for outcomes in runs:
        ran = held = 0
        for item in judged:
            found = [o for t in item.tests for o in outcomes.get(result_key(t), [])]
            found = [outcome for outcome in found if outcome != "skipped"]
            ran += bool(found)
            held += bool(found) and all(outcome == "passed" for outcome in found)
        tallies.append(RunTally(ran=ran, held=held))
    return tallies


def run_coverage_text(results: list[dict[str, Any]]) -> str:
    """For summary.txt: per RFC the run's tests name, its catalogued requirements, how many
    the suites test, and how many of those this run checked and how many held."""
    rfcs = {str(result.get("rfc")) for result in results}
    measured = measure()
    outcomes = run_outcomes({str(result.get("id")): result for result in results})
    lines = []
    for tally in measured.rfcs():
        if tally.key in rfcs:
            rfc = int(tally.key)
            judged = [item for item in measured.judged if item.entry.rfc == rfc and item.tests]
            (run,) = run_tallies(judged, [outcomes])
            lines.append(
                f"  RFC {rfc}: {tally.entries} requirements, {tally.counts['tested']} tested by "
                f"the suites ({tally.percent_tested:.0f}%); this run checked {run.ran}, "
                f"{run.held} held"
            )
    if not lines:
        return ""
    return "\n\nRFC coverage (conformance coverage, docs/coverage.md):\n" + "\n".join(lines)


# -- output ----------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )


def _row(name: str, tally: Tally) -> list[str]:
    counts = [str(tally.counts[state]) for state in STATES]
    return [name, str(tally.entries), f"{tally.percent_tested:.0f}%", *counts]


def coverage_text(measured: Coverage, rfc: int | None = None) -> str:
    """Per RFC (or, for one RFC, per section): entries, % tested and each state's count."""
    header = ["RFC" if rfc is None else "section", "entries", "tested%", *STATES]
    if rfc is None:
        rows = [_row(f"RFC {t.key}", t) for t in measured.rfcs()]
        total = Tally(key="total", title="")
        for tally in measured.rfcs():
            total.counts.update(tally.counts)
        rows.append(_row("total", total))
    else:
        rows = [_row(f"§{t.key} {t.title[:30]}", t) for t in measured.sections(rfc)]
    legend = "\n".join(f"  {state}: {meaning}" for state, meaning in REASONS.items())
    return f"{_table(header, rows)}\n\nnot tested, by reason:\n{legend}"


def coverage_json(measured: Coverage, rfc: int | None = None) -> dict[str, Any]:
    rfcs = [t for t in measured.rfcs() if rfc is None or t.key == str(rfc)]
    return {
        "states": dict(REASONS, tested="quoted by at least one suite test"),
        "rfcs": [
            {
                "rfc": int(t.key),
                "title": t.title,
                **t.as_dict(),
                "sections": [
                    {"section": s.key, "title": s.title, **s.as_dict()}
                    for s in measured.sections(int(t.key))
                ],
            }
            for t in rfcs
        ],
        **(
            {"entries": [_judged_json(j) for j in measured.judged if j.entry.rfc == rfc]}
            if rfc is not None
            else {}
        ),
    }


def _judged_json(item: Judged) -> dict[str, Any]:
    return {
        "id": item.entry.id,
        "section": item.entry.section,
        "keywords": list(item.entry.keywords),
        "text": item.entry.text,
        "state": item.state,
        "tests": list(item.tests),
        **({"note": item.note} if item.note else {}),
    }


# -- the command -----------------------------------------------------------------------------


def add_coverage(commands: Any) -> None:
    parser = commands.add_parser(
        "coverage",
        help="how much of each RFC the suites check",
        description="Count the requirement sentences (MUST, SHOULD, MAY, ...) of each "
        "catalogued RFC: how many a suite test quotes, and why the others are not tested "
        "(docs/coverage.md).",
    )
    parser.add_argument("--rfc", type=int, metavar="N", help="one RFC, per section")
    parser.add_argument("--json", action="store_true", help="print JSON (with --rfc: entries)")


def coverage(args: argparse.Namespace) -> int:
    measured = measure()
    if args.rfc is not None and args.rfc not in measured.rfc_titles:
        known = ", ".join(str(n) for n in sorted(measured.rfc_titles))
        print(
            f"conformance: RFC {args.rfc} is not catalogued (catalogued: {known})", file=sys.stderr
        )
        return 2
    if args.json:
        print(json.dumps(coverage_json(measured, args.rfc), indent=1))
    else:
        print(coverage_text(measured, args.rfc))
    return 0
