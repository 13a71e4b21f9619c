"""Markers and verdicts (DESIGN principle 3).

MUST broken -> failed.  SHOULD broken -> passed with a recorded warning ("warned"), failed
under ``--strict-should``.  MAY broken -> warned.  A ``HarnessError`` -> error with a
one-line reason, whichever phase raised it.
"""

from __future__ import annotations

import enum
import inspect
import re
from dataclasses import dataclass
from typing import Any

import pytest

from ._errors import HarnessError

__all__ = [
    "MARKERS",
    "Level",
    "Outcome",
    "RfcKey",
    "apply_verdict",
    "keyword_levels",
    "level_problem",
    "requirement_text",
    "rfc_key",
    "rfc_marker_problem",
]

MARKERS = (
    "rfc(number, section, level, basis=None): the RFC requirement the test checks; "
    "level is MUST, SHOULD or MAY; basis says why, when the quoted sentence has no "
    "RFC 2119 keyword of that level",
    "requires(capability): skip unless the target advertises this EHLO keyword",
    "delivers: the test delivers mail; runs only when the profile allows delivery",
)


class Level(enum.StrEnum):
    """Requirement levels of RFC 2119; "MUST NOT" and "SHOULD NOT" use MUST and SHOULD."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNED = "warned"
    SKIPPED = "skipped"
    ERROR = "error"
    WAIVED = "waived"  # failed (or warned, or errored), but a waiver accepts it


@dataclass(frozen=True, kw_only=True)
class RfcKey:
    """The requirement a test checks.

    ``basis`` is None when an RFC 2119 keyword of ``level`` in the quoted sentence carries
    the level; otherwise it says why the sentence is a requirement of that strength (an RFC
    older than RFC 2119, a rule stated as a definition, a state table or ABNF).
    """

    number: int
    section: str
    level: Level
    basis: str | None = None

    def __str__(self) -> str:
        return f"{self.level} (RFC {self.number} §{self.section})"


# RFC 2119 §1-§5: each keyword and the level it states.  Longest first, so that "MUST NOT"
# is read as one keyword and "NOT RECOMMENDED" is not read as RECOMMENDED.
_KEYWORDS = {
    "MUST NOT": Level.MUST,
    "SHALL NOT": Level.MUST,
    "SHOULD NOT": Level.SHOULD,
    "NOT RECOMMENDED": Level.SHOULD,
    "MUST": Level.MUST,
    "REQUIRED": Level.MUST,
    "SHALL": Level.MUST,
    "SHOULD": Level.SHOULD,
    "RECOMMENDED": Level.SHOULD,
    "MAY": Level.MAY,
    "OPTIONAL": Level.MAY,
}
_KEYWORD = re.compile(r"\b(" + "|".join(_KEYWORDS).replace(" ", r"\s+") + r")\b")
_STRENGTH = {Level.MAY: 0, Level.SHOULD: 1, Level.MUST: 2}


def keyword_levels(quote: str) -> frozenset[Level]:
    """The levels the RFC 2119 keywords of ``quote`` state (upper case only, RFC 8174 §2)."""
    return frozenset(_KEYWORDS[" ".join(word.split())] for word in _KEYWORD.findall(quote))


def level_problem(level: Level, quote: str, basis: str | None) -> str | None:
    """Why ``level`` does not follow from ``quote`` and ``basis``, or None.

    The level must be one the quote's keywords state; then no basis is wanted (the keyword
    carries it).  A quote without a keyword of that level needs a basis, unless all its
    keywords are weaker: no MUST grade on a MAY (or SHOULD) sentence, basis or not.
    """
    stated = keyword_levels(quote)
    if level in stated:
        return "basis given, but the quote's keyword carries the level" if basis else None
    if stated and all(_STRENGTH[found] < _STRENGTH[level] for found in stated):
        weaker = "/".join(sorted(stated))
        return f"graded {level}, but the quote states only {weaker}"
    if not basis:
        return f"graded {level}, but the quote has no {level} keyword and no basis= says why"
    return None


def _rfc_args(mark: pytest.Mark) -> dict[str, Any]:
    names = ("number", "section", "level")
    if len(mark.args) > len(names):
        raise TypeError("takes 3 arguments: number, section, level (and basis= by keyword)")
    values: dict[str, Any] = dict(zip(names, mark.args, strict=False))
    for key, value in mark.kwargs.items():
        if key not in (*names, "basis") or key in values:
            raise TypeError(f"unexpected or repeated argument {key!r}")
        values[key] = value
    missing = [name for name in names if name not in values]
    if missing:
        raise TypeError(f"missing {', '.join(missing)}")
    values.setdefault("basis", None)
    return values


def rfc_marker_problem(item: pytest.Item) -> str | None:
    """Why the item's rfc marker is invalid, or None if it is fine (or absent)."""
    marks = list(item.iter_markers("rfc"))
    if len(marks) > 1:
        return f"{len(marks)} rfc markers; one requirement per test"
    if not marks:
        return None
    try:
        values = _rfc_args(marks[0])
    except TypeError as exc:
        return f"rfc marker {exc}"
    number, section, level = values["number"], values["section"], values["level"]
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        return f"rfc number must be a positive int, not {number!r}"
    if not isinstance(section, str) or not section.strip():
        return f"rfc section must be a non-empty string like '4.1.1.1', not {section!r}"
    if level not in {member.value for member in Level}:
        return f"rfc level must be MUST, SHOULD or MAY, not {level!r}"
    basis = values["basis"]
    if basis is not None and (not isinstance(basis, str) or not basis.strip()):
        return f"rfc basis must be a non-empty string saying why, not {basis!r}"
    return None


def rfc_key(item: pytest.Item) -> RfcKey | None:
    mark = item.get_closest_marker("rfc")
    if mark is None or rfc_marker_problem(item) is not None:
        return None
    values = _rfc_args(mark)
    return RfcKey(
        number=values["number"],
        section=values["section"],
        level=Level(values["level"]),
        basis=values["basis"],
    )


def requirement_text(item: pytest.Item) -> str:
    """The first paragraph of the test's docstring, on one line."""
    obj = getattr(item, "obj", None)
    doc = inspect.getdoc(obj) if obj is not None else None
    if not doc:
        return ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def _one_line(exc: BaseException) -> str:
    # Exceptions may carry bytes (poplib's error_proto does): str() of those
    # is a BytesWarning under ``python -bb``, so format them with repr.
    if any(isinstance(arg, bytes | bytearray) for arg in exc.args):
        text = [", ".join(repr(arg) for arg in exc.args)]
    else:
        text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def apply_verdict(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, *, strict: bool
) -> tuple[Outcome | None, str]:
    """Adjust ``report`` in place; return the conformance outcome of this phase and why."""
    excinfo = call.excinfo
    if excinfo is None or not report.failed:
        return None, ""
    if isinstance(excinfo.value, HarnessError):
        reason = _one_line(excinfo.value)
        report.longrepr = reason  # one line: the harness fault, not a traceback
        return Outcome.ERROR, reason
    if call.when != "call":
        return Outcome.ERROR, _one_line(excinfo.value)  # a fixture broke, not the test
    if not isinstance(excinfo.value, AssertionError | pytest.fail.Exception):
        # Not a verdict on the target but a fault in the test code ("broken"
        # in Allure's terms): an error, never a failure of the target.
        return Outcome.ERROR, _one_line(excinfo.value)
    key = rfc_key(item)
    reason = _one_line(excinfo.value)
    lenient = key is not None and (
        key.level is Level.MAY or (key.level is Level.SHOULD and not strict)
    )
    if not lenient:
        return Outcome.FAILED, reason
    assert key is not None
    message = f"{key} not met: {reason}"
    report.sections.append(("conformance warning", report.longreprtext))
    report.outcome = "passed"
    report.longrepr = None
    item.user_properties.append(("warning", message))
    report.user_properties.append(("warning", message))
    return Outcome.WARNED, message
