"""No control character from a target reaches the operator's terminal or a report.

The plugin escapes every report centrally, so a message a test builds from a reply's
text (failure, error, skip reason, warning) is safe whichever road it takes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance._sanitize import escape_controls

_ESC_TESTS = r"""
import pytest

from conformance import HarnessError

TEXT = "\x1b[2J\x1b[31mred\x07\x9b1m\u202eevil\r"


def test_failure():
    assert False, TEXT


def test_error():
    raise HarnessError(TEXT)


def test_skip():
    pytest.skip(TEXT)


@pytest.mark.rfc(5321, "4.2", "SHOULD")
def test_warning():
    assert False, TEXT
"""


def test_control_characters_are_escaped_in_every_output(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(test_escapes=_ESC_TESTS)
    result = pytester.runpytest_subprocess(
        "-rA", "--report-dir", str(tmp_path), "--junitxml", str(tmp_path / "junit.xml")
    )
    output = "\n".join(result.outlines + result.errlines)
    assert "\\x1b[31mred" in output  # shown, as an escape
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert raw not in output
    for name in ("results.json", "junit.xml"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "\u202e" not in text
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    outcomes = {result["id"].rsplit("::", 1)[1]: result["outcome"] for result in results}
    assert outcomes == {
        "test_failure": "failed",
        "test_error": "error",
        "test_skip": "skipped",
        "test_warning": "warned",
    }


def test_escape_controls_keeps_newlines_tabs_and_text() -> None:
    assert escape_controls("a\tb\nc §4.2 é") == "a\tb\nc §4.2 é"
    assert escape_controls("\x1b[0m\r\x00\x7f\x85\u2066") == "\\x1b[0m\\x0d\\x00\\x7f\\x85\\u2066"
