"""Two runs compared: what regressed, what was fixed, what is new.

Read from two results.json documents, so ``conformance run --baseline`` and
``conformance diff`` print the same text.  Tests are matched by id (with several targets
in one run the id carries the target URL, so compare runs of one target each, or runs with
the same targets).

A requirement *held* when the test passed or only warned (a SHOULD or MAY missed); it is
*broken* when the test failed, or errored (no verdict where there was one before is
treated as the worse case: CI cannot tell it from a failure).  A waived result was broken
too, only accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import ConfigurationError
from ._sanitize import escape_controls
from ._summary import _key, _reason

__all__ = ["BaselineError", "Comparison", "compare", "comparison_text", "load_results"]

HELD = frozenset({"passed", "warned"})
BROKEN = frozenset({"failed", "error"})


class BaselineError(ConfigurationError):
    """A results.json that cannot be read or is not one."""


@dataclass(frozen=True, kw_only=True)
class Change:
    id: str
    before: str | None
    after: str | None
    result: dict[str, Any]  # the newer result, or the older one for a test no longer run


@dataclass(frozen=True, kw_only=True)
class Comparison:
    regressed: tuple[Change, ...]
    fixed: tuple[Change, ...]
    new: tuple[Change, ...]
    gone: tuple[Change, ...]


def load_results(text: str) -> dict[str, Any]:
    """A results.json document, from its path, its run directory, or a --report-dir
    holding that one run."""
    path = Path(text)
    if path.is_dir():
        # The run directory, or the --report-dir above it when it holds one run only.
        runs = sorted(path.glob("*/results.json"))
        path = runs[0] if len(runs) == 1 and not (path / "results.json").exists() else path
        path = path / "results.json" if path.is_dir() else path
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such results.json") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a readable results.json ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise BaselineError(f"{path}: not a results.json (no results list)")
    document["path"] = str(path)
    return document


def compare(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> Comparison:
    before = {str(r["id"]): r for r in old}
    after = {str(r["id"]): r for r in new}
    regressed, fixed, added = [], [], []
    for test_id, result in after.items():
        outcome, earlier = result.get("outcome"), before.get(test_id)
        change = Change(
            id=test_id,
            before=earlier.get("outcome") if earlier else None,
            after=outcome,
            result=result,
        )
        if earlier is None:
            added.append(change)
        elif change.before in HELD and outcome in BROKEN:
            regressed.append(change)
        elif change.before in BROKEN | {"waived"} and outcome in HELD:
            fixed.append(change)
    gone = [
        Change(id=test_id, before=result.get("outcome"), after=None, result=result)
        for test_id, result in before.items()
        if test_id not in after
    ]
    return Comparison(
        regressed=tuple(regressed), fixed=tuple(fixed), new=tuple(added), gone=tuple(gone)
    )


def comparison_text(comparison: Comparison, baseline: dict[str, Any]) -> str:
    run = baseline.get("run") or {}
    targets = ", ".join(str(t) for t in run.get("targets") or []) or "?"
    head = f"compared with {baseline.get('path')} ({run.get('started', '?')}, {targets})"
    blocks = [escape_controls(head)]
    for title, changes in (
        ("regressions (held before, broken now)", comparison.regressed),
        ("fixed (broken before, held now)", comparison.fixed),
        ("new tests (not in the baseline)", comparison.new),
        ("no longer run (only in the baseline)", comparison.gone),
    ):
        blocks.append(f"{title}: {len(changes)}" + "".join(_lines(changes)))
    return "\n".join(blocks)


def _lines(changes: Iterable[Change]) -> Iterable[str]:
    for change in sorted(changes, key=lambda c: c.id):
        moved = f"{change.before} -> {change.after}"
        if change.before is None or change.after is None:
            moved = str(change.after or f"was {change.before}")
        shown = f"  {_reason(change.result.get('reason'))}" if change.after in BROKEN else ""
        yield escape_controls(f"\n  {change.id}  [{_key(change.result)}]  {moved}") + shown
