"""``conformance lint`` run as a command on corpus files: defects with their RFC rules,
escaped output, exit 1 only when a MUST is broken, 2 for usage errors and unreadable files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
CORPUS = Path(__file__).resolve().parents[2] / "suites" / "mime" / "corpus"


def lint(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CONFORMANCE, "lint", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def expected(path: Path) -> dict[str, object]:
    return dict(json.loads(path.with_suffix(".expected.json").read_text("utf-8")))


def test_clean_message_exits_0() -> None:
    done = lint(CORPUS / "plain-ascii.eml")
    assert done.returncode == 0
    assert done.stdout.strip().endswith("plain-ascii.eml: 0 defects, 0 break a MUST")


def test_should_only_exits_0_and_names_the_rule() -> None:
    done = lint(CORPUS / "line-over-78.eml")
    assert done.returncode == 0
    assert "line 7: LINE_OVER_78 (SHOULD) 100 octets: " in done.stdout
    assert "(RFC 5322 §2.1.1 SHOULD)" in done.stdout


def test_broken_must_exits_1_with_line_and_rfc_section() -> None:
    done = lint(CORPUS / "plain-ascii.eml", CORPUS / "missing-close-delimiter.eml")
    assert done.returncode == 1
    assert "NO_CLOSE_DELIMITER (MUST)" in done.stdout
    assert "(RFC 2046 §5.1.1)" in done.stdout


def test_json_reports_exactly_the_corpus_expectations() -> None:
    """The whole corpus through the command: each file's kinds are its sidecar's."""
    plain = [f for f in sorted(CORPUS.glob("*.eml")) if not expected(f)["utf8"]]
    done = lint("--json", *plain)
    assert done.returncode == 1
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(reports) == len(plain)
    for path, report in zip(plain, reports, strict=True):
        assert sorted({d["kind"] for d in report["defects"]}) == expected(path)["defects"]


def test_utf8_option_allows_rfc_6532_headers() -> None:
    path = CORPUS / "utf8-headers-under-6532.eml"
    assert lint(path).returncode == 1
    assert lint("--utf8", path).returncode == 0


def test_evidence_and_file_names_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "esc\x1b[2J.eml"
    path.write_bytes(b"From: a@example.com\r\nX-Evil: \x1b]0;owned\x07\r\n\r\nbody\r\n")
    done = lint(path)
    assert done.returncode == 1
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "esc\\x1b[2J.eml" in done.stdout and "\\x1b]0;owned\\x07" in done.stdout


def test_unreadable_file_and_usage_errors_exit_2(tmp_path: Path) -> None:
    done = lint(tmp_path / "missing.eml", CORPUS / "plain-ascii.eml")
    assert done.returncode == 2
    assert "cannot read" in done.stderr and "missing.eml" in done.stderr
    assert "plain-ascii.eml: 0 defects" in done.stdout
    assert lint().returncode == 2
