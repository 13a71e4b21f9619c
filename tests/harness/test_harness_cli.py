"""The ``conformance`` command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance.cli import main

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]


def test_closed_port_gives_one_line_and_exit_2_quickly(closed_port: int) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [*CONFORMANCE, "run", f"smtp://127.0.0.1:{closed_port}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"conformance: cannot connect to smtp://127.0.0.1:{closed_port} (connection refused); "
        "is the server running?\n"
    )
    assert elapsed < 5


def test_bad_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", "ftp://127.0.0.1"])
    assert exited.value.code == 2
    assert "unknown scheme 'ftp'" in capsys.readouterr().err


def test_help_explains_targets_verdicts_and_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for needle in (
        "smtp+starttls://",
        "smtps://",
        "submission://USER:PASS@HOST",
        "--profile",
        "SHOULD broken -> warned",
        "results.json",
        "exit status",
        "-n N",
    ):
        assert needle in text, needle
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "alice / alice-password" in capsys.readouterr().out


def test_run_writes_reports_and_a_summary_table(tmp_path: Path) -> None:
    tests = tmp_path / "test_mini.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.1', 'MUST')\n"
        "def test_ehlo(smtp):\n"
        "    '''EHLO gets 250.'''\n"
        "    assert smtp.ehlo().code == 250\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.9', 'SHOULD')\n"
        "def test_noop(smtp):\n"
        "    '''NOOP gets 299.'''\n"
        "    assert smtp.noop().code == 299\n"
    )
    done = subprocess.run(
        [
            *CONFORMANCE,
            "run",
            "--tests",
            str(tests),
            "--report-dir",
            str(tmp_path / "r"),
            "-n",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (run_dir,) = (tmp_path / "r").iterdir()
    assert run_dir.name.endswith("Z-embedded")
    assert (run_dir / "junit.xml").is_file() and (run_dir / "allure-results").is_dir()
    results = json.loads((run_dir / "results.json").read_text())
    assert {r["id"]: r["outcome"] for r in results["results"]} == {
        "test_mini.py::test_ehlo": "passed",
        "test_mini.py::test_noop": "warned",
    }
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("requirement"))
    assert header.split() == [
        "requirement",
        "section",
        "passed",
        "failed",
        "warned",
        "skipped",
        "error",
    ]
    assert any(
        line.split() == ["RFC", "5321", "4.1.1.9", "0", "0", "1", "0", "0"] for line in lines
    )
    assert f"results: {run_dir / 'results.json'}" in done.stdout
    summary = (run_dir / "summary.txt").read_text()
    assert summary.splitlines()[0] == header
    assert summary.strip() in done.stdout


def test_run_against_the_embedded_submission_listener(tmp_path: Path) -> None:
    tests = tmp_path / "test_submission.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(6409, '4.3', 'MUST')\n"
        "def test_mail_after_auth(smtp):\n"
        "    '''MAIL after STARTTLS and AUTH gets 250.'''\n"
        "    assert smtp.establish().code == 250\n"
        "    assert smtp.tls_active and smtp.authenticated\n"
        "    assert smtp.mail('alice@example.test').code == 250\n"
    )
    done = subprocess.run(
        [
            *CONFORMANCE,
            "run",
            "--embedded",
            "submission",
            "--tests",
            str(tests),
            "--report-dir",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (results_file,) = (tmp_path / "r").glob("*-embedded-submission/results.json")
    (result,) = json.loads(results_file.read_text())["results"]
    assert result["target"].startswith("submission://127.0.0.1:")
    assert "C: STARTTLS\\r\\n" in result["transcript"]
    assert "C: AUTH PLAIN " in result["transcript"]


def test_run_exits_1_on_failure(tmp_path: Path) -> None:
    tests = tmp_path / "test_fail.py"
    tests.write_text(
        "import pytest\n\n"
        "@pytest.mark.rfc(5321, '4.1.1.1', 'MUST')\n"
        "def test_ehlo(smtp):\n"
        "    '''EHLO gets 299.'''\n"
        "    assert smtp.ehlo().code == 299\n"
    )
    done = subprocess.run(
        [*CONFORMANCE, "run", "--tests", str(tests), "--report-dir", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr


def test_arguments_after_double_dash_go_to_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_run(args: argparse.Namespace) -> int:
        seen.append(args.pytest_args)
        return 0

    monkeypatch.setattr("conformance.cli._run", fake_run)
    assert main(["run", "smtp://127.0.0.1:2525", "--pcap", "--", "-k", "ehlo", "-x"]) == 0
    assert main(["run"]) == 0
    assert seen == [["-k", "ehlo", "-x"], []]
