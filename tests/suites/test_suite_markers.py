"""Every suite test is keyed to one RFC requirement and quotes it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import suites

LEVELS = {"MUST", "SHOULD", "MAY"}


def suite_tests() -> Iterator[tuple[str, Callable[..., Any]]]:
    for info in pkgutil.walk_packages(suites.__path__, "suites."):
        if not info.name.rsplit(".", 1)[-1].startswith("test_"):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and function.__module__ == module.__name__:
                yield f"{info.name}::{name}", function


ALL = list(suite_tests())


def test_the_suites_are_found() -> None:
    assert len(ALL) >= 100


@pytest.mark.parametrize(("test_id", "function"), ALL, ids=[t for t, _ in ALL])
def test_has_one_valid_rfc_marker_and_a_quote(test_id: str, function: Callable[..., Any]) -> None:
    marks = [m for m in getattr(function, "pytestmark", []) if m.name == "rfc"]
    assert len(marks) == 1, f"{test_id}: needs exactly one @pytest.mark.rfc(number, section, level)"
    number, section, level = marks[0].args
    assert isinstance(number, int) and number > 0, f"{test_id}: RFC number {number!r}"
    assert isinstance(section, str) and section[0].isalnum(), f"{test_id}: section {section!r}"
    assert level in LEVELS, f"{test_id}: level {level!r} is not one of {sorted(LEVELS)}"
    doc = inspect.getdoc(function) or ""
    assert len(doc.split("\n\n")[0]) >= 20, f"{test_id}: docstring must quote the RFC sentence"
