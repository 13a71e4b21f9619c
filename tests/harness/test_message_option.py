"""``conformance run --message FILE``: the MIME suite runs on the user's message files,
and a file that is not there is a usage error before anything runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
CORPUS = Path(__file__).resolve().parents[2] / "suites" / "mime" / "corpus"


def test_a_missing_message_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.eml"
    done = subprocess.run(
        [*CONFORMANCE, "run", "--message", str(missing)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "is not a message file" in done.stderr


def test_message_files_replace_the_suites_own_messages(tmp_path: Path) -> None:
    """Against the reference servers: only the MIME suite runs, every parametrized test
    runs on the one file given, and the file tests judge it."""
    message = CORPUS / "nested-alternative-in-mixed.eml"
    done = subprocess.run(
        [*CONFORMANCE, "run", "--message", str(message), "--report-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    (results_file,) = tmp_path.glob("*/results.json")
    ids = [r["id"] for r in json.loads(results_file.read_text(encoding="utf-8"))["results"]]
    assert ids and all(i.startswith("suites/mime/") for i in ids), ids
    parametrized = [i for i in ids if "[" in i and "test_rfc5321_stored_messages" not in i]
    named = "[nested-alternative-in-mixed.eml]"
    assert parametrized and all(test_id.endswith(named) for test_id in parametrized)
