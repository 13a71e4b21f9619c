"""``conformance report``: stored runs side by side in one self-contained HTML file.

Requirements are rows, runs are columns (the reference server, Postfix and Dovecot, or two
versions of one server); rows are grouped by RFC and section with a roll-up per group, and
each cell opens its reason and transcript.  Everything (style, script, transcripts) is inside
the file: it opens from disk or a CI artifact, with no server and nothing fetched.

Rendered with Jinja2 and autoescaping, since every reason and transcript quotes what a target
sent; control characters are escaped once more on the way in.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ._baseline import BaselineError, load_results
from ._coverage import STATES, RunTally, Tally, measure, run_outcomes, run_tallies
from ._sanitize import escape_controls
from ._verdicts import Outcome

__all__ = ["add_report", "render_report", "report"]

OUTCOMES = tuple(outcome.value for outcome in Outcome)
LEVELS = ("MUST", "SHOULD", "MAY", "none")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One run: its label, where it came from, and its results by test id."""

    label: str
    source: str
    targets: str
    started: str
    results: dict[str, dict[str, Any]]


@dataclass(kw_only=True)
class Row:
    id: str
    requirement: str
    level: str
    cells: list[dict[str, Any] | None] = field(default_factory=list)

    @property
    def outcomes(self) -> str:
        return " ".join(sorted({cell["outcome"] for cell in self.cells if cell}))


@dataclass(kw_only=True)
class Group:
    """The tests of one RFC section, with per-run counts of each outcome."""

    rfc: str
    section: str
    rows: list[Row] = field(default_factory=list)
    counts: list[Counter[str]] = field(default_factory=list)


def _column(spec: str) -> Column:
    """``PATH`` or ``LABEL=PATH``; PATH a results.json or the run directory holding it."""
    label, equals, path = spec.partition("=")
    if not equals:
        label, path = "", spec
    document = load_results(path)
    run = document.get("run") or {}
    targets = ", ".join(str(t) for t in run.get("targets") or [])
    source = Path(str(document["path"]))
    results = {str(r.get("id")): r for r in document["results"] if isinstance(r, dict)}
    return Column(
        label=escape_controls(label or source.parent.name or targets),
        source=escape_controls(str(source)),
        targets=escape_controls(targets),
        started=escape_controls(str(run.get("started", ""))),
        results=results,
    )


def _cell(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if result is None:
        return None
    waiver = result.get("waiver") if isinstance(result.get("waiver"), dict) else None
    outcome = str(result.get("outcome"))
    return {
        "outcome": outcome if outcome in OUTCOMES else "error",
        "reason": escape_controls(str(result.get("reason") or "")),
        "transcript": escape_controls(str(result.get("transcript") or "")),
        "waiver": _waiver(waiver) if waiver else None,
        "target": escape_controls(str(result.get("target") or "")),
        "duration": result.get("duration"),
    }


def _waiver(waiver: dict[str, Any]) -> dict[str, str | None]:
    keys = ("state", "reason", "accepted_by", "expires")
    return {key: escape_controls(str(waiver[key])) if waiver.get(key) else None for key in keys}


def _section_key(group: Group) -> tuple[int, list[int], str]:
    number = int(group.rfc) if group.rfc.isdigit() else 10**9
    parts = [int(p) if p.isdigit() else 0 for p in group.section.split(".")]
    return number, parts, group.section


def _groups(columns: list[Column]) -> list[Group]:
    ids = list(dict.fromkeys(test_id for column in columns for test_id in column.results))
    groups: dict[tuple[str, str], Group] = {}
    for test_id in sorted(ids):
        found = [column.results.get(test_id) for column in columns]
        first = next(result for result in found if result is not None)
        rfc, section = str(first.get("rfc") or "-"), str(first.get("section") or "-")
        group = groups.setdefault(
            (rfc, section),
            Group(rfc=rfc, section=section, counts=[Counter() for _ in columns]),
        )
        row = Row(
            id=escape_controls(test_id),
            requirement=escape_controls(str(first.get("requirement") or "")),
            level=str(first.get("level") or "none"),
            cells=[_cell(result) for result in found],
        )
        group.rows.append(row)
        for counts, cell in zip(group.counts, row.cells, strict=True):
            if cell:
                counts[cell["outcome"]] += 1
    return sorted(groups.values(), key=_section_key)


def _rollups(groups: list[Group], width: int) -> list[tuple[str, list[Counter[str]]]]:
    """Counts per RFC, per run, in the order of the groups."""
    per_rfc: dict[str, list[Counter[str]]] = {}
    for group in groups:
        totals = per_rfc.setdefault(group.rfc, [Counter() for _ in range(width)])
        for total, counts in zip(totals, group.counts, strict=True):
            total.update(counts)
    return list(per_rfc.items())


@dataclass(frozen=True, kw_only=True)
class CoverageRow:
    """One RFC, or one of its sections: its requirements by state, and per run how many of
    them some test checked (ran) and how many of those all passed (held)."""

    label: str
    title: str
    rfc: int
    is_section: bool
    tally: Tally
    runs: list[RunTally]


def _coverage_rows(columns: list[Column]) -> list[CoverageRow]:
    measured = measure()
    runs = [run_outcomes(column.results) for column in columns]
    rows = []
    for tally in measured.rfcs():
        rfc = int(tally.key)
        judged = [item for item in measured.judged if item.entry.rfc == rfc and item.tests]
        parts = [(f"RFC {rfc}", tally, judged, False)]
        for section in measured.sections(rfc):
            here = [item for item in judged if item.entry.section == section.key]
            parts.append((f"§{section.key}", section, here, True))
        rows += [
            CoverageRow(
                label=label,
                title=part.title,
                rfc=rfc,
                is_section=is_section,
                tally=part,
                runs=run_tallies(checked, runs),
            )
            for label, part, checked, is_section in parts
        ]
    return rows


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("conformance", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(specs: list[str]) -> str:
    """The HTML page for the runs ``specs`` name (see ``_column``)."""
    columns = [_column(spec) for spec in specs]
    groups = _groups(columns)
    template = _environment().get_template("report.html.j2")
    return template.render(
        columns=columns,
        groups=groups,
        rollups=_rollups(groups, len(columns)),
        outcomes=OUTCOMES,
        levels=LEVELS,
        total=sum(len(group.rows) for group in groups),
        coverage=_coverage_rows(columns),
        states=STATES,
    )


# -- the command -----------------------------------------------------------------------------


def add_report(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="render stored runs side by side as one HTML file",
        description="Render one or more runs (each a results.json or the run directory "
        "holding it, optionally LABEL=PATH) as one self-contained HTML page: requirements "
        "x runs, roll-ups per RFC and section, filters by level and outcome, each cell one "
        "click from its reason and transcript.",
    )
    parser.add_argument("runs", nargs="+", metavar="RUN", help="[LABEL=]results.json or run dir")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("report.html"),
        metavar="FILE",
        help="where to write the page (default: report.html)",
    )


def report(args: argparse.Namespace) -> int:
    try:
        page = render_report(list(args.runs))
    except BaselineError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(page, encoding="utf-8")
    print(f"report: {args.output}")
    return 0
