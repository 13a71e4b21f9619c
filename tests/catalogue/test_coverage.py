"""``conformance coverage``: the counts per RFC and section, and the reasons' rules."""

from __future__ import annotations

import json

import pytest

from conformance._catalogue import Catalogue, Citation, parse_rfc_catalogue
from conformance._coverage import measure, run_outcomes, run_tallies
from conformance._reasons import reason_by_rule
from conformance._rfc_text import Requirement
from conformance.cli import main


def conformance(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in this process: its exit status, stdout and stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _catalogue() -> Catalogue:
    texts = [
        ("1", ["MUST"], "The server MUST answer every command."),
        ("1", ["MAY"], "The client MAY pipeline commands."),
        ("2", ["SHOULD"], "The server SHOULD log each refusal."),
        ("2", [], "Replies are lines."),  # cited on a basis: no requirement
    ]
    document = {
        "rfc": 7,
        "title": "Seven",
        "lower_case_keywords": False,
        "sections": {"1": "One", "2": "Two"},
        "entries": [
            {"id": f"7-{section}-{n}", "section": section, "keywords": keywords, "text": text}
            for n, (section, keywords, text) in enumerate(texts)
        ],
    }
    return Catalogue(by_rfc={7: parse_rfc_catalogue(document)})


def test_an_entry_is_tested_when_a_quote_comes_from_it() -> None:
    quote = "The server MUST answer\n    every command."
    citation = Citation(test_id="s::test_a", rfc=7, section="1", level="MUST", quote=quote)
    measured = measure(_catalogue(), [citation])
    states = {item.entry.text: (item.state, item.tests) for item in measured.judged}
    assert states == {
        "The server MUST answer every command.": ("tested", ("s::test_a",)),
        "The client MAY pipeline commands.": ("client", ()),
        "The server SHOULD log each refusal.": ("not-observable", ()),
    }
    (rfc,) = measured.rfcs()
    assert (rfc.entries, rfc.counts["tested"], round(rfc.percent_tested)) == (3, 1, 33)
    assert [(s.key, s.entries) for s in measured.sections(7)] == [("1", 2), ("2", 1)]


def test_without_a_matching_quote_nothing_is_tested() -> None:
    quote = "The server MUST reply to every command."  # a paraphrase checks nothing
    citation = Citation(test_id="s::test_a", rfc=7, section="1", level="MUST", quote=quote)
    measured = measure(_catalogue(), [citation])
    assert all(item.state != "tested" for item in measured.judged)


def _entry(text: str, keyword: str, rfc: int = 5321, title: str = "Rules") -> Requirement:
    keywords = tuple(keyword.split(","))
    return Requirement(id="x", rfc=rfc, section="1", title=title, keywords=keywords, text=text)


@pytest.mark.parametrize(
    ("text", "keyword", "rfc", "title", "reason"),
    [
        ("The SMTP client MUST NOT send it.", "MUST NOT", 5321, "Rules", "client"),
        ("Clients SHOULD retry, and servers MUST wait.", "SHOULD,MUST", 5321, "Rules", "open"),
        ("The server MUST reply 250.", "MUST", 5321, "Rules", "open"),
        ("Receiving systems SHOULD reject such commands.", "SHOULD", 5321, "Rules", "open"),
        ("A server MUST be configurable to refuse it.", "MUST", 5321, "Rules", "not-observable"),
        ("New values MUST be registered with IANA.", "MUST", 5321, "Rules", "registration"),
        ("Anything at all MUST be.", "MUST", 2048, "Rules", "registration"),
        ("It MUST now be sent.", "MUST", 3501, "Changes from RFC 2060", "editorial"),
        ("A boundary MUST NOT appear in it.", "MUST NOT", 2046, "Rules", "open"),
        ("Such a timer MUST be long.", "MUST", 1939, "Rules", "unclassified"),
    ],
)
def test_reason_rules(text: str, keyword: str, rfc: int, title: str, reason: str) -> None:
    assert reason_by_rule(_entry(text, keyword, rfc, title)) == reason


def test_coverage_command_prints_every_core_rfc_and_a_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = conformance(capsys, "coverage")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["RFC", "entries", "tested%", "tested"]
    for rfc in (5321, 1939, 2449, 3501, 9051, 5322, 2045, 2046, 2047, 2048, 2049):
        assert any(line.startswith(f"RFC {rfc} ") for line in lines), rfc
    assert any(line.startswith("total ") for line in lines)
    assert "unclassified: no rule or override has decided it yet" in out


def test_coverage_of_one_rfc_as_json_lists_sections_and_entries(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = conformance(capsys, "coverage", "--rfc", "5321", "--json")
    assert code == 0, err
    document = json.loads(out)
    (rfc,) = document["rfcs"]
    assert rfc["rfc"] == 5321 and rfc["entries"] == len(document["entries"])
    assert sum(section["entries"] for section in rfc["sections"]) == rfc["entries"]
    tested = [entry for entry in document["entries"] if entry["state"] == "tested"]
    assert tested and all(entry["tests"] for entry in tested)
    assert rfc["tested"] == len(tested)


def test_an_uncatalogued_rfc_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = conformance(capsys, "coverage", "--rfc", "1")
    assert code == 2
    assert "RFC 1 is not catalogued" in err


def test_the_same_sentence_tested_under_another_rfc_is_marked_so() -> None:
    catalogue = _catalogue()
    twin = dict(
        rfc=8,
        title="Eight",
        lower_case_keywords=False,
        sections={"3": "Three"},
        entries=[
            {
                "id": "8-3-0",
                "section": "3",
                "keywords": ["MUST"],
                "text": "The server MUST answer every command.",
            }
        ],
    )
    catalogue.by_rfc[8] = parse_rfc_catalogue(twin)
    quote = "The server MUST answer every command."
    citation = Citation(test_id="s::test_a", rfc=7, section="1", level="MUST", quote=quote)
    (eight,) = [item for item in measure(catalogue, [citation]).judged if item.entry.rfc == 8]
    assert (eight.state, eight.note) == ("other-rfc", "the same sentence is tested as RFC 7 §1")


def test_a_run_checked_what_ran_and_held_what_all_passed() -> None:
    citations = [
        Citation(test_id=f"suites.x.test_f::{name}", rfc=7, section="1", level="MUST", quote=q)
        for name, q in [
            ("test_a", "The server MUST answer every command."),
            ("test_b", "The server MUST answer every command."),
            ("test_c", "The client MAY pipeline commands."),
        ]
    ]
    judged = [item for item in measure(_catalogue(), citations).judged if item.tests]
    results = {
        "suites/x/test_f.py::test_a[one]": {"outcome": "passed"},
        "suites/x/test_f.py::test_a[two]": {"outcome": "passed"},
        "suites/x/test_f.py::test_b": {"outcome": "waived"},  # accepted, not met
        "suites/x/test_f.py::test_c": {"outcome": "skipped"},  # did not run
    }
    (tally,) = run_tallies(judged, [run_outcomes(results)])
    assert (tally.ran, tally.held) == (1, 0)
    del results["suites/x/test_f.py::test_b"]
    (tally,) = run_tallies(judged, [run_outcomes(results)])
    assert (tally.ran, tally.held) == (1, 1)
