"""allure-results read as the RFCs do: suite = RFC, sub-suite = section, severity from the
level, a link to the RFC section, the transcript attached."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SUITE = '''
import pytest

@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_ehlo(smtp):
    """A server MUST answer EHLO with 250."""
    assert smtp.ehlo().code == 250

@pytest.mark.rfc(5321, "4.5.3.1", "SHOULD")
def test_noop_should(smtp):
    """NOOP SHOULD get 299."""
    assert smtp.noop().code == 299, "expected 299"

@pytest.mark.rfc(5321, "3.5.1", "MAY")
def test_may(smtp):
    """A server MAY answer NOOP."""
    smtp.noop()
'''


def _allure(pytester: pytest.Pytester) -> dict[str, dict[str, Any]]:
    pytester.makepyfile(test_smtp_suite=SUITE)
    pytester.runpytest("-p", "no:cacheprovider", "--alluredir", "allure")
    paths = (pytester.path / "allure").glob("*-result.json")
    return {r["name"]: r for r in (json.loads(p.read_text()) for p in paths)}


def _labels(result: dict[str, Any], name: str) -> list[str]:
    return [label["value"] for label in result["labels"] if label["name"] == name]


def test_suites_are_protocol_rfc_and_section(pytester: pytest.Pytester) -> None:
    results = _allure(pytester)
    ehlo = results["test_ehlo"]
    assert _labels(ehlo, "parentSuite") == ["SMTP"]
    assert _labels(ehlo, "suite") == ["RFC 5321"]
    assert _labels(ehlo, "subSuite") == ["§4.1.1.1"]
    assert _labels(results["test_may"], "subSuite") == ["§3.5.1"]


def test_severity_follows_the_level(pytester: pytest.Pytester) -> None:
    results = _allure(pytester)
    assert _labels(results["test_ehlo"], "severity") == ["critical"]
    assert _labels(results["test_noop_should"], "severity") == ["normal"]
    assert _labels(results["test_may"], "severity") == ["minor"]


def test_link_to_the_rfc_section_and_transcript_attachment(pytester: pytest.Pytester) -> None:
    ehlo = _allure(pytester)["test_ehlo"]
    assert {
        "type": "link",
        "url": "https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.1",
        "name": "RFC 5321 §4.1.1.1",
    } in ehlo["links"]
    (attachment,) = [a for a in ehlo["attachments"] if a["name"] == "transcript"]
    text = Path(pytester.path / "allure" / attachment["source"]).read_text()
    assert "C: EHLO conformance.test\\r\\n" in text
