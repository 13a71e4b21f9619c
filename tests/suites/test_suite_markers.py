"""Every suite test is keyed to one RFC requirement, quotes it, and its level follows.

The level rule (``conformance._verdicts.level_problem``): the RFC 2119 keywords in the quote
(the docstring's first paragraph) state levels: MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT
state MUST; SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED state SHOULD; MAY, OPTIONAL
state MAY.  Only upper-case keywords count (RFC 8174 §2); RFC 1939's lower-case "must"
is no keyword.

- The test's level is one of the stated levels: the keyword carries it, and no ``basis=``
  is given (results.json shows ``"basis": null``); a basis there is an error.
- A quote with several keywords (e.g. "MAY ..., but MUST ...") admits any of its levels; the
  test must check the clause whose keyword it takes, which review, not this test, ensures.
- Otherwise the test needs ``basis="..."``: why that sentence is a requirement of that
  strength (RFC 1939 and RFC 937 predate RFC 2119; a rule stated as a definition, a state
  table or ABNF), naming the section.  A level weaker than the quote's keywords also needs
  one (e.g. MAY for a MUST that binds only servers offering an optional feature).
- A level stronger than every keyword in the quote is wrong even with a basis: no MUST grade
  on a MAY or SHOULD sentence, no SHOULD grade on a MAY sentence.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from conformance._catalogue import suite_functions
from conformance._verdicts import Level, level_problem

LEVELS = {"MUST", "SHOULD", "MAY"}


ALL = list(suite_functions())


def test_the_suites_are_found() -> None:
    assert len(ALL) >= 100


@pytest.mark.parametrize(("test_id", "function"), ALL, ids=[t for t, _ in ALL])
def test_has_one_valid_rfc_marker_and_a_quote(test_id: str, function: Callable[..., Any]) -> None:
    marks = [m for m in getattr(function, "pytestmark", []) if m.name == "rfc"]
    assert len(marks) == 1, f"{test_id}: needs exactly one @pytest.mark.rfc(number, section, level)"
    number, section, level = marks[0].args
    assert set(marks[0].kwargs) <= {"basis"}, f"{test_id}: only basis= may be given by keyword"
    assert isinstance(number, int) and number > 0, f"{test_id}: RFC number {number!r}"
    assert isinstance(section, str) and section[0].isalnum(), f"{test_id}: section {section!r}"
    assert level in LEVELS, f"{test_id}: level {level!r} is not one of {sorted(LEVELS)}"
    doc = inspect.getdoc(function) or ""
    assert len(doc.split("\n\n")[0]) >= 20, f"{test_id}: docstring must quote the RFC sentence"


def _quote(function: Callable[..., Any]) -> str:
    return (inspect.getdoc(function) or "").split("\n\n")[0]


@pytest.mark.parametrize(("test_id", "function"), ALL, ids=[t for t, _ in ALL])
def test_level_follows_from_the_quote_or_a_basis(
    test_id: str, function: Callable[..., Any]
) -> None:
    mark = next(m for m in getattr(function, "pytestmark", []) if m.name == "rfc")
    problem = level_problem(Level(mark.args[2]), _quote(function), mark.kwargs.get("basis"))
    assert problem is None, f"{test_id}: {problem}"


@pytest.mark.parametrize(
    ("level", "quote", "basis", "problem"),
    [
        ("MUST", "The server MUST NOT close.", None, None),
        ("SHOULD", "It is NOT RECOMMENDED to relay.", None, None),
        ("MAY", "A client MAY pipeline; the server MUST accept it.", None, None),
        ("MUST", "A client MAY pipeline; the server MUST accept it.", None, None),
        ("MUST", "The server MUST answer.", "why", "basis given, but the quote's keyword"),
        ("MUST", "The server responds with +OK.", None, "no MUST keyword and no basis"),
        ("MUST", "The server responds with +OK.", "RFC 1939 predates RFC 2119", None),
        ("MAY", "The server MUST answer 250 if it supports X.", "X is optional", None),
        ("MUST", "The server MAY refuse it.", "it really must", "states only MAY"),
        ("SHOULD", "Support is OPTIONAL.", "why", "states only MAY"),
        ("MUST", "Servers SHOULD answer.", "why", "states only SHOULD"),
        ("MUST", "must, in lower case, is no keyword.", None, "no MUST keyword"),
    ],
)
def test_the_level_rule(level: str, quote: str, basis: str | None, problem: str | None) -> None:
    found = level_problem(Level(level), quote, basis)
    assert (found is None) if problem is None else (found is not None and problem in found)
