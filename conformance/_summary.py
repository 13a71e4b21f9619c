"""summary.txt and the end-of-run text: the table per RFC section, then every result a person
must read first in CI (failures, errors, warnings), one line each.

Everything here is rendered from results.json, so ``conformance run`` and any later reader of a
stored run print the same text.  Reasons may quote what a target sent: their control
characters are escaped again here (the plugin escaped them already), so none reaches a
terminal whatever wrote the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ._sanitize import escape_controls
from ._verdicts import Outcome

__all__ = ["OUTCOMES", "summary_text"]

OUTCOMES = tuple(outcome.value for outcome in Outcome)

# What a person reads first, in this order; passed and skipped results are only counted.
_LISTED = (
    ("failed", "failures (a MUST broken, or a SHOULD under --strict-should)"),
    ("error", "errors (no verdict: the target did not answer, or the harness failed)"),
    ("warned", "warnings (a SHOULD or MAY not met)"),
)
_REASON_WIDTH = 160


def summary_text(results: list[dict[str, Any]]) -> str:
    """The per-section table, then one line per failure, error and warning."""
    parts = [_table(results)]
    for outcome, title in _LISTED:
        listed = [result for result in results if result.get("outcome") == outcome]
        if listed:
            parts.append(f"{title}: {len(listed)}\n" + "\n".join(_lines(listed)))
    return "\n\n".join(parts)


def _lines(results: Iterable[dict[str, Any]]) -> Iterable[str]:
    for result in sorted(results, key=lambda r: str(r.get("id"))):
        yield f"  {result.get('id')}  [{_key(result)}]  {_reason(result.get('reason'))}"


def _key(result: dict[str, Any]) -> str:
    if not result.get("rfc"):
        return "no RFC key"
    return f"{result.get('level')} RFC {result['rfc']} §{result.get('section')}"


def _reason(reason: object) -> str:
    text = " ".join(str(reason or "").split())
    if len(text) > _REASON_WIDTH:
        text = text[: _REASON_WIDTH - 3] + "..."
    return escape_controls(text) or "(no reason given)"


def _table(results: list[dict[str, Any]]) -> str:
    counts: dict[tuple[str, str], Counter[str]] = {}
    for result in results:
        rfc = f"RFC {result['rfc']}" if result.get("rfc") else "-"
        key = (rfc, str(result.get("section") or "-"))
        counts.setdefault(key, Counter())[result["outcome"]] += 1
    header = ["requirement", "section", *OUTCOMES]
    rows = [
        [rfc, section, *(str(c[o]) for o in OUTCOMES)]
        for (rfc, section), c in sorted(counts.items(), key=_sort_key)
    ]
    total: Counter[str] = Counter(result["outcome"] for result in results)
    rows.append(["total", "", *(str(total[o]) for o in OUTCOMES)])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )


def _sort_key(item: tuple[tuple[str, str], Counter[str]]) -> tuple[str, list[int | str]]:
    (rfc, section), _ = item
    parts: list[int | str] = [int(p) if p.isdigit() else p for p in section.split(".")]
    return rfc.zfill(12), [p if isinstance(p, int) else 0 for p in parts]
