"""Waivers: accepted deviations that do not fail a run, and say so.

A vendor with one known, accepted deviation should not have a red CI forever, nor lose
sight of the deviation.  A waiver file (TOML) names tests, each with the reason, who
accepted it and, optionally, the last day it holds::

    [[waiver]]
    test = "suites/smtp/test_rfc5321_errors.py::test_bare_lf_does_not_end_a_command"
    reason = "smtpd_forbid_bare_newline = no until the 3.9 upgrade"
    accepted_by = "mail team, ticket MAIL-123"
    expires = 2027-06-30          # optional: from 2027-07-01 (UTC) it fails again
    outcome = "failed"            # optional: waive only this outcome (failed, warned, error)

``test`` is a test id, or a pattern with ``*``, ``?`` and ``[...]`` as in shell globs (an
id always matches itself, brackets and all).  A waived result gets the outcome ``waived``:
pytest and JUnit see a skip whose message is the waiver's reason, and the run does not fail.
A waiver past its date changes nothing: the failure stays a failure, marked as such.  A test
a waiver names that passes is marked too: the waiver is no longer needed.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ._errors import ConfigurationError
from ._sanitize import escape_controls
from ._toml_file import read_toml
from ._verdicts import Outcome

__all__ = [
    "WAIVABLE",
    "Waiver",
    "WaiverError",
    "WaiverFile",
    "WaiverState",
    "add_waiver_option",
    "load_waivers",
    "waive",
    "waiver_text",
]

# What a waiver can turn into "waived": every verdict that is not a pass or a skip.
WAIVABLE = (Outcome.FAILED.value, Outcome.WARNED.value, Outcome.ERROR.value)
_KEYS = {"test", "reason", "accepted_by", "expires", "outcome"}


class WaiverError(ConfigurationError):
    """A waiver file that cannot be used."""


class WaiverState:
    """What a waiver did to a result; the ``state`` field of the result's ``waiver``."""

    APPLIED = "applied"
    EXPIRED = "expired"
    UNNEEDED = "unneeded"


@dataclass(frozen=True, kw_only=True)
class Waiver:
    test: str
    reason: str
    accepted_by: str
    expires: dt.date | None = None
    outcome: str | None = None

    def names(self, test_id: str) -> bool:
        return test_id == self.test or fnmatch.fnmatchcase(test_id, self.test)

    def waives(self, outcome: str) -> bool:
        return outcome in WAIVABLE and self.outcome in (None, outcome)

    def expired_on(self, today: dt.date) -> bool:
        """Whether ``today`` is past the last day the waiver holds."""
        return self.expires is not None and today > self.expires

    def record(self, state: str) -> dict[str, Any]:
        """The waiver as the result's ``waiver`` field of results.json."""
        return {
            "test": self.test,
            "reason": self.reason,
            "accepted_by": self.accepted_by,
            "expires": self.expires.isoformat() if self.expires else None,
            "state": state,
        }

    def skip_message(self, failure: str) -> str:
        until = f", until {self.expires.isoformat()}" if self.expires else ""
        return f"waived ({self.accepted_by}{until}): {self.reason} -- was: {failure}"


@dataclass(frozen=True, kw_only=True)
class WaiverFile:
    source: Path
    waivers: tuple[Waiver, ...]

    def naming(self, test_id: str) -> Waiver | None:
        """The first waiver that names ``test_id``."""
        return next((waiver for waiver in self.waivers if waiver.names(test_id)), None)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def load_waivers(path: Path) -> WaiverFile:
    """Read and check a waiver file; every problem raises ``WaiverError`` naming the entry."""
    data = read_toml(path, "waiver file", WaiverError)
    unknown = sorted(set(data) - {"waiver"})
    if unknown:
        raise WaiverError(
            f"waiver file {path}: unknown key(s) {', '.join(unknown)}; "
            "each waiver is a [[waiver]] table"
        )
    entries = data.get("waiver", [])
    if not isinstance(entries, list):
        raise WaiverError(f"waiver file {path}: waiver must be an array of tables: [[waiver]]")
    try:
        waivers = tuple(_waiver(entry, number) for number, entry in enumerate(entries, 1))
    except WaiverError as exc:
        raise WaiverError(f"waiver file {path}: {exc}") from None
    return WaiverFile(source=path, waivers=waivers)


def _waiver(entry: object, number: int) -> Waiver:
    where = f"[[waiver]] #{number}"
    if not isinstance(entry, dict):
        raise WaiverError(f"{where} must be a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise WaiverError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )
    text = {key: entry.get(key) for key in ("test", "reason", "accepted_by")}
    for key, value in text.items():
        if not isinstance(value, str) or not value.strip():
            raise WaiverError(f"{where}: {key} must be a non-empty string")
    expires = entry.get("expires")
    if expires is not None and (
        not isinstance(expires, dt.date) or isinstance(expires, dt.datetime)
    ):
        raise WaiverError(f"{where}: expires must be a TOML date like 2027-06-30, not {expires!r}")
    outcome = entry.get("outcome")
    if outcome is not None and outcome not in WAIVABLE:
        raise WaiverError(f"{where}: outcome must be one of {', '.join(WAIVABLE)}, not {outcome!r}")
    return Waiver(
        test=str(text["test"]),
        reason=" ".join(str(text["reason"]).split()),
        accepted_by=str(text["accepted_by"]),
        expires=expires,
        outcome=outcome,
    )


# -- in the plugin ---------------------------------------------------------------------------


def waiver_file(text: str) -> WaiverFile:
    """``type=`` of ``--waivers``: a bad file is a usage error before any test runs."""
    import argparse

    try:
        return load_waivers(Path(text))
    except ConfigurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_waiver_option(parser: pytest.Parser) -> None:
    parser.getgroup("conformance").addoption(
        "--waivers",
        type=waiver_file,
        default=None,
        metavar="FILE",
        help="TOML file of accepted deviations ([[waiver]] test, reason, accepted_by, "
        "expires): a waived failure is reported as waived and does not fail the run "
        "(default: the file the profile's [waivers] names).",
    )


def _waivers_of(config: pytest.Config) -> WaiverFile | None:
    given: WaiverFile | None = config.getoption("waivers", None)
    if given is not None:
        return given
    profile = config.getoption("profile", None)
    named: Path | None = getattr(profile, "waivers", None)
    return load_waivers(named) if named is not None else None


_WAIVERS_KEY = pytest.StashKey[WaiverFile | None]()


def waive(
    config: pytest.Config, report: pytest.TestReport, outcome: Outcome | None, reason: str
) -> tuple[Outcome | None, str, dict[str, Any] | None]:
    """Apply the waiver naming this test to one phase's report.

    Returns the phase's outcome, its reason and the result's ``waiver`` record (None when
    no waiver names the test, or this phase says nothing about it).  A waived phase becomes
    a skip with the waiver's reason, so pytest's exit status, JUnit and Allure agree.
    """
    if _WAIVERS_KEY not in config.stash:
        config.stash[_WAIVERS_KEY] = _waivers_of(config)
    waivers = config.stash[_WAIVERS_KEY]
    waiver = waivers.naming(report.nodeid) if waivers is not None else None
    if waiver is None or report.when == "teardown":
        return outcome, reason, None
    if outcome is None:
        done = report.when == "call" and report.passed
        return outcome, reason, waiver.record(WaiverState.UNNEEDED) if done else None
    if not waiver.waives(outcome.value):
        return outcome, reason, None
    if waiver.expired_on(today()):
        return outcome, reason, waiver.record(WaiverState.EXPIRED)
    report.outcome = "skipped"
    report.longrepr = (
        str(report.location[0]),
        report.location[1] or 0,
        f"Skipped: {waiver.skip_message(reason)}",
    )
    return Outcome.WAIVED, reason, waiver.record(WaiverState.APPLIED)


# -- what a person reads ---------------------------------------------------------------------

_SECTIONS = (
    (WaiverState.APPLIED, "waived (accepted deviations; they do not fail the run)"),
    (WaiverState.EXPIRED, "expired waivers (the failures count again: renew or fix)"),
    (WaiverState.UNNEEDED, "waivers no longer needed (the test passes: remove the waiver)"),
)


def waiver_text(results: Iterable[dict[str, Any]]) -> str:
    """One block per waiver state with results in it; empty when no waiver touched the run."""
    by_state: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        waiver = result.get("waiver")
        if isinstance(waiver, dict):
            by_state.setdefault(str(waiver.get("state")), []).append(result)
    blocks = []
    for state, title in _SECTIONS:
        listed = sorted(by_state.get(state, []), key=lambda r: str(r.get("id")))
        if listed:
            lines = [_line(result) for result in listed]
            blocks.append(f"{title}: {len(listed)}\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _line(result: dict[str, Any]) -> str:
    waiver = result["waiver"]
    expires = f", expires {waiver['expires']}" if waiver.get("expires") else ""
    said = f"{waiver.get('reason')} ({waiver.get('accepted_by')}{expires})"
    return escape_controls(f"  {result.get('id')}  {said}")
