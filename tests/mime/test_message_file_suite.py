"""The MIME suite's tests of message files fail on a file that breaks the rules and pass
on one that keeps them (``--message FILE``, as ``conformance run --message`` passes it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "suites" / "mime" / "corpus"
SUITE = "suites/mime/test_rfc5322_message_files.py"


def _outcomes(tmp_path: Path, *names: str) -> dict[str, str]:
    command = [sys.executable, "-bb", "-m", "pytest", "-q", "-p", "no:cacheprovider", SUITE]
    command += ["--strict-should", "--report-dir", str(tmp_path)]
    for name in names:
        command += ["--message", str(CORPUS / f"{name}.eml")]
    subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    return {result["id"].partition("::")[2]: result["outcome"] for result in results}


def test_file_tests_judge_the_files_given(tmp_path: Path) -> None:
    outcomes = _outcomes(tmp_path, "plain-ascii", "everything-wrong", "line-over-78")
    assert outcomes == {
        "test_message_breaks_no_must_of_the_format[plain-ascii.eml]": "passed",
        "test_message_breaks_no_must_of_the_format[everything-wrong.eml]": "failed",
        "test_message_breaks_no_must_of_the_format[line-over-78.eml]": "passed",
        "test_message_follows_the_shoulds_of_the_format[plain-ascii.eml]": "passed",
        "test_message_follows_the_shoulds_of_the_format[everything-wrong.eml]": "failed",
        "test_message_follows_the_shoulds_of_the_format[line-over-78.eml]": "failed",
    }
