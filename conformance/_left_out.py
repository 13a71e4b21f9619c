"""Tests left out of a run for want of something only the operator can give, and what.

A URL alone cannot log in, name test mailboxes or allow mail to be delivered; the tests
needing that skip with one of the reasons below.  The report groups them by what would
enable them, so a short run against a deployed server says what a longer one would need.
Skips for an extension the target does not advertise are verdicts about the target and are
not listed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "NEEDS_DELIVERY",
    "NEEDS_DOMAIN",
    "NEEDS_READBACK",
    "left_out",
    "left_out_text",
    "needs_accounts",
]

NEEDS_DELIVERY = "the profile does not allow delivering mail ([delivery] allowed = true)"
NEEDS_READBACK = "the profile has no way to read delivered mail back ([delivery] readback)"
NEEDS_DOMAIN = (
    "the target's mail domain is not known (give --domain DOMAIN or [delivery] local_domain)"
)


def needs_accounts(found: int) -> str:
    return f"the profile names {found} account(s); tests need two ([[accounts]] tables)"


# What enables the tests skipped with each reason, in the words the report prints.
_ENABLERS = (
    (NEEDS_DELIVERY, "a profile with [delivery] allowed = true and [[accounts]] to deliver to"),
    (NEEDS_READBACK, "a profile with [delivery] readback (tests read delivered mail back)"),
    ("account(s); tests need two", "a profile with two [[accounts]] (log in, two mailboxes)"),
    (NEEDS_DOMAIN, "--domain DOMAIN (a domain the target receives mail for)"),
)


def _enabler(reason: str) -> str | None:
    for needle, enabler in _ENABLERS:
        if needle in reason:
            return enabler
    return None


def left_out(results: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Skipped test ids grouped by what would enable them (in the order of ``_ENABLERS``)."""
    found: dict[str, list[str]] = {enabler: [] for _, enabler in _ENABLERS}
    for result in results:
        if result.get("outcome") != "skipped":
            continue
        enabler = _enabler(str(result.get("reason", "")))
        if enabler is not None:
            found[enabler].append(str(result["id"]))
    return {enabler: ids for enabler, ids in found.items() if ids}


def left_out_text(groups: Mapping[str, list[str]], *, list_tests: bool) -> str:
    """The "left out" paragraph of the summary; empty when nothing was left out."""
    if not groups:
        return ""
    total = sum(len(ids) for ids in groups.values())
    where = "" if list_tests else " (listed in summary.txt)"
    lines = [f"left out: {total} test(s) need what a URL alone cannot give{where}:"]
    for enabler, ids in groups.items():
        lines.append(f"  {len(ids):4d}  need {enabler}")
        if list_tests:
            lines.extend(f"          {test_id}" for test_id in ids)
    return "\n".join(lines)
