"""The requirement catalogue: every keyword sentence of the RFCs the suites test, as data.

``conformance/catalogue/rfcNNNN.json`` is written by ``scripts/extract-requirements`` from
the RFC's text (``conformance._rfc_text``) and committed, so nothing at run or test time
reads an RFC.  Each entry is one sentence: a stable id (RFC, section, a digest of the
sentence), the section and its title, the keywords it states, and the text.  Entries with
no keyword are sentences a suite test cites whose level rests on a ``basis`` (ABNF, a
definition, a state table): they are held so every quote can be checked, and they are not
counted as requirements.

A suite test *checks* an entry when a fragment of its quote (the docstring's first
paragraph, cut at sentences and at "..." elisions, without "(§N)" pointers) is part of the
entry's sentence.  An untested entry carries a reason (``conformance._reasons``).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ._rfc_text import POINTER, normalise, sentences
from ._rfc_text import Requirement as Entry

__all__ = [
    "Catalogue",
    "Citation",
    "Entry",
    "RfcCatalogue",
    "load_catalogue",
    "quote_fragments",
    "suite_citations",
    "suite_functions",
]


@dataclass(frozen=True, kw_only=True)
class RfcCatalogue:
    rfc: int
    title: str
    lower_case_keywords: bool
    sections: dict[str, str]
    entries: tuple[Entry, ...]


@dataclass(frozen=True, kw_only=True)
class Citation:
    """What one suite test says it checks: its rfc marker and its quote."""

    test_id: str
    rfc: int
    section: str
    level: str
    quote: str
    basis: str | None = None


@dataclass(kw_only=True)
class Catalogue:
    by_rfc: dict[int, RfcCatalogue] = field(default_factory=dict)

    def entries(self, rfc: int | None = None) -> list[Entry]:
        chosen = [self.by_rfc[rfc]] if rfc is not None else self.by_rfc.values()
        return [entry for catalogue in chosen for entry in catalogue.entries]

    def matching(self, citation: Citation) -> tuple[list[Entry], list[str]]:
        """The entries the citation's quote comes from, and the fragments found in none."""
        held = self.by_rfc.get(citation.rfc)
        if held is None:
            return [], []
        found: dict[str, Entry] = {}
        missing: list[str] = []
        for fragment in quote_fragments(citation.quote):
            entries = _holding(held.entries, fragment)
            if not entries:
                missing.append(fragment)
            found.update((entry.id, entry) for entry in entries)
        return list(found.values()), missing


def _holding(entries: tuple[Entry, ...], fragment: str) -> list[Entry]:
    holding = [entry for entry in entries if entry.holds(fragment)]
    if not holding and fragment[-1:] in ".:;,":
        holding = [entry for entry in entries if entry.holds(fragment[:-1])]
    return holding


_ELISION = re.compile(r"\s*(?:\[\.\.\.\]|\.\.\.|…)\s*")


def quote_fragments(quote: str) -> list[str]:
    """The pieces of a quote each of which must stand in the RFC: its sentences, cut again
    where it elides ("..."), without the "(§4.2.4)" pointers added to say where it stands."""
    text = POINTER.sub("", normalise(quote))
    pieces = (piece.strip(" \"'") for part in _ELISION.split(text) for piece in sentences(part))
    return [piece for piece in pieces if len(piece) >= 8]


# -- loading ---------------------------------------------------------------------------------


def _entry(rfc: int, sections: dict[str, str], raw: dict[str, Any]) -> Entry:
    return Entry(
        id=str(raw["id"]),
        rfc=rfc,
        section=str(raw["section"]),
        title=str(raw.get("title") or sections.get(str(raw["section"]), "")),
        keywords=tuple(str(k) for k in raw["keywords"]),
        text=str(raw["text"]),
        lead=str(raw["lead"]) if raw.get("lead") else None,
    )


def parse_rfc_catalogue(document: dict[str, Any]) -> RfcCatalogue:
    rfc = int(document["rfc"])
    sections = {str(k): str(v) for k, v in document["sections"].items()}
    return RfcCatalogue(
        rfc=rfc,
        title=str(document["title"]),
        lower_case_keywords=bool(document["lower_case_keywords"]),
        sections=sections,
        entries=tuple(_entry(rfc, sections, raw) for raw in document["entries"]),
    )


@functools.cache
def load_catalogue() -> Catalogue:
    """Every ``catalogue/rfcNNNN.json`` shipped with the package."""
    catalogue = Catalogue()
    folder = resources.files("conformance") / "catalogue"
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if item.name.startswith("rfc") and item.name.endswith(".json"):
            held = parse_rfc_catalogue(json.loads(item.read_text(encoding="utf-8")))
            catalogue.by_rfc[held.rfc] = held
    return catalogue


# -- the suites' citations -------------------------------------------------------------------


def suite_functions(package: str = "suites") -> Iterator[tuple[str, Any]]:
    """Every test function of the suites, by ``module::name``."""
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if not info.name.rsplit(".", 1)[-1].startswith("test_"):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and function.__module__ == module.__name__:
                yield f"{info.name}::{name}", function


def suite_citations(package: str = "suites") -> list[Citation]:
    """Every suite test's rfc marker and quote (its docstring's first paragraph)."""
    citations = []
    for test_id, function in suite_functions(package):
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "rfc"]
        if len(marks) != 1 or len(marks[0].args) != 3:
            continue  # tests/suites/test_suite_markers.py reports it
        number, section, level = marks[0].args
        citations.append(
            Citation(
                test_id=test_id,
                rfc=int(number),
                section=str(section),
                level=str(level),
                quote=(inspect.getdoc(function) or "").split("\n\n")[0],
                basis=marks[0].kwargs.get("basis"),
            )
        )
    return citations
