"""The requirement catalogue holds every sentence the suites quote, and is well-formed.

A suite test's quote (the first paragraph of its docstring, under its rfc marker) must be
the RFC's own words: each of its fragments (sentences, and pieces cut with "...") must
stand, whitespace aside, in one sentence of that RFC's catalogue.  The catalogue itself is
data written by ``scripts/extract-requirements``; these tests check its shape, that every
requirement is tested or carries a known reason, and that the overrides name real entries.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conformance._catalogue import (
    Catalogue,
    Citation,
    RfcCatalogue,
    load_catalogue,
    parse_rfc_catalogue,
    quote_fragments,
    suite_citations,
)
from conformance._coverage import measure
from conformance._reasons import REASONS, load_overrides
from conformance._rfc_text import normalise

CATALOGUE = load_catalogue()
CITATIONS = suite_citations()
# The core RFCs of each protocol (issue "RFC coverage, measured"); the cited ones come on top.
CORE = {5321, 1939, 2449, 3501, 9051, 5322, 2045, 2046, 2047, 2048, 2049}
KEYWORDS = {
    "MUST",
    "MUST NOT",
    "REQUIRED",
    "SHALL",
    "SHALL NOT",
    "SHOULD",
    "SHOULD NOT",
    "RECOMMENDED",
    "NOT RECOMMENDED",
    "MAY",
    "OPTIONAL",
}


def quote_problems(catalogue: Catalogue, citation: Citation) -> list[str]:
    """What is wrong with one test's quote, each as an instruction saying what to fix."""
    where = f"{citation.test_id} (@pytest.mark.rfc({citation.rfc}, {citation.section!r}, ...))"
    held = catalogue.by_rfc.get(citation.rfc)
    if held is None:
        return [
            f"{where}: RFC {citation.rfc} is not catalogued: add {citation.rfc} to CITED in "
            f"scripts/extract-requirements and run it (docs/coverage.md)"
        ]
    problems = []
    if not quote_fragments(citation.quote):
        problems.append(f"{where}: the docstring's first paragraph quotes no sentence")
    for fragment in catalogue.matching(citation)[1]:
        problems.append(
            f"{where}: the quote {fragment!r} is not a sentence (or part of one) of RFC "
            f"{citation.rfc} as catalogued in conformance/catalogue/rfc{citation.rfc}.json. "
            "Quote the RFC word for word (line breaks and spacing may differ; mark left-out "
            "words with '...'; put your own words after the first paragraph). If the words "
            "are verbatim and hold no keyword (a test with basis=), run "
            f"scripts/extract-requirements RFC_DIR {citation.rfc} to catalogue the sentence."
        )
    return problems


@pytest.mark.parametrize("citation", CITATIONS, ids=[c.test_id for c in CITATIONS])
def test_every_suite_quote_is_a_catalogued_sentence(citation: Citation) -> None:
    problems = quote_problems(CATALOGUE, citation)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("citation", CITATIONS, ids=[c.test_id for c in CITATIONS])
def test_every_rfc_marker_names_a_section_of_its_rfc(citation: Citation) -> None:
    held = CATALOGUE.by_rfc.get(citation.rfc)
    if held is None or not any(key[0].isdigit() for key in held.sections):
        pytest.skip(f"RFC {citation.rfc} has no numbered sections to check against")
    assert citation.section in held.sections, (
        f"{citation.test_id}: RFC {citation.rfc} has no section {citation.section!r}; "
        f"its sections: {', '.join(list(held.sections)[:12])}, ..."
    )


def _fake(text: str) -> Catalogue:
    entry = {"id": "1-1-abc", "section": "1", "keywords": ["MUST"], "text": text}
    document = {
        "rfc": 1,
        "title": "t",
        "lower_case_keywords": False,
        "sections": {"1": "One"},
        "entries": [entry],
    }
    return Catalogue(by_rfc={1: parse_rfc_catalogue(document)})


def _citation(quote: str, rfc: int = 1) -> Citation:
    return Citation(test_id="t::test_x", rfc=rfc, section="1", level="MUST", quote=quote)


@pytest.mark.parametrize(
    ("quote", "problem"),
    [
        ("The server MUST answer\n    every command.", None),
        ("The server MUST answer ... command.", None),
        ("The server MUST answer every command (§1).", None),
        ("The server must answer every command.", "is not a sentence"),
        ("The server MUST reply to every command.", "is not a sentence"),
        ("short", "quotes no sentence"),
    ],
)
def test_a_quote_that_is_not_the_rfcs_words_is_reported(quote: str, problem: str | None) -> None:
    found = quote_problems(_fake("The server MUST answer every command."), _citation(quote))
    assert (found == []) if problem is None else (problem in " ".join(found))


def test_an_uncatalogued_rfc_is_reported_with_the_fix() -> None:
    (problem,) = quote_problems(_fake("x"), _citation("The server MUST answer.", rfc=99))
    assert "add 99 to CITED in scripts/extract-requirements" in problem


def test_quote_fragments_drop_pointers_and_cut_at_elisions() -> None:
    quote = 'A MUST hold (§4.2). Then "B" is said ... and C (§5, §6) too.'
    assert quote_fragments(quote) == ["A MUST hold.", 'Then "B" is said', "and C too."]


# -- the catalogue's shape -------------------------------------------------------------------


def test_the_core_rfcs_are_catalogued() -> None:
    assert set(CATALOGUE.by_rfc) >= CORE


@pytest.mark.parametrize("rfc", sorted(CATALOGUE.by_rfc))
def test_each_rfc_catalogue_is_well_formed(rfc: int) -> None:
    held: RfcCatalogue = CATALOGUE.by_rfc[rfc]
    assert held.title and held.sections, f"RFC {rfc}: no title or no sections"
    for entry in held.entries:
        assert entry.id.startswith(f"{rfc}-"), entry.id
        assert entry.section in held.sections, f"{entry.id}: no section {entry.section!r}"
        assert entry.title == held.sections[entry.section], entry.id
        assert set(entry.keywords) <= KEYWORDS, f"{entry.id}: {entry.keywords}"
        assert entry.text and entry.text == normalise(entry.text), entry.id
        if entry.keywords and not held.lower_case_keywords:
            assert re.search("|".join(entry.keywords), entry.lead or entry.text), entry.id
    if rfc in CORE:
        assert sum(1 for e in held.entries if e.keywords) >= 10


def test_ids_are_unique() -> None:
    counts = Counter(entry.id for entry in CATALOGUE.entries())
    assert [entry_id for entry_id, n in counts.items() if n > 1] == []


def test_every_requirement_is_tested_or_carries_a_known_reason() -> None:
    measured = measure(CATALOGUE, CITATIONS)
    for item in measured.judged:
        assert (item.state == "tested") == bool(item.tests), item.entry.id
        assert item.state == "tested" or item.state in REASONS, (item.entry.id, item.state)
    assert len(measured.judged) == sum(1 for e in CATALOGUE.entries() if e.keywords)


def test_overrides_name_catalogued_entries_and_known_reasons() -> None:
    ids = {entry.id for entry in CATALOGUE.entries()}
    for override in load_overrides().values():
        assert override.id in ids, f"overrides.toml: no entry {override.id}"
        assert override.reason in REASONS, f"overrides.toml {override.id}: {override.reason}"
        assert override.note.strip(), f"overrides.toml {override.id}: say why in note"


def test_a_sentence_with_its_own_pointer_holds_the_quote_without_it() -> None:
    """Quotes drop "(Section 7.2.1)"; the RFC's sentence keeps it, and still matches."""
    quote = "The server MUST send an untagged ENABLED response (Section 7.2.1), which lists."
    catalogue = _fake(quote)
    assert quote_problems(catalogue, _citation(quote)) == []
