"""``conformance judge``: usage errors exit 2, the listening form stops after
``--sessions`` and writes its report, and ``conformance report`` shows a server run and a
client run side by side, their results grouped under the same requirement keys."""

from __future__ import annotations

import json
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conformance._html_report import _column, _groups
from conformance.cli import main

ROOT = Path(__file__).resolve().parents[2]
SMTPLIB = [sys.executable, "-m", "suites.clients._smtplib_client"]
SMTPLIB += ["{host}", "{port}", "{sender}", "{rcpt}", "{message}"]


@pytest.mark.parametrize(
    "argv",
    [
        ["judge", "smtp"],  # neither --listen nor a command
        ["judge", "smtp", "--listen", "127.0.0.1:0", "--", "true"],  # both
        ["judge", "smtp", "--scenario", "no-such-scenario", "--", "true"],
    ],
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: ") and len(err.splitlines()) == 1


def test_a_bad_listen_address_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["judge", "smtp", "--listen", "nowhere"])
    assert stopped.value.code == 2


def test_scenarios_are_listed_with_their_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judge", "smtp", "--list-scenarios"]) == 0
    out = capsys.readouterr().out
    assert "starttls-injection (hostile): " in out
    assert "[SHOULD RFC 5321 §4.1.1.1]" in out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_listening_judge_stops_after_its_sessions(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "conformance.cli", "judge", "smtp", "--listen"]
    command += [f"127.0.0.1:{port}", "--sessions", "1", "--report-dir", str(tmp_path)]
    judge = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        assert judge.stderr is not None
        assert f"127.0.0.1:{port}" in judge.stderr.readline().decode()
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("a@client.example", ["b@judge.example"], b"Subject: x\r\n\r\nx\r\n")
        assert judge.wait(timeout=60) == 0
    finally:
        judge.kill()
    (run,) = tmp_path.iterdir()
    document = json.loads((run / "results.json").read_text(encoding="utf-8"))
    assert document["run"]["targets"] == [f"clients of 127.0.0.1:{port}"]
    assert {r["outcome"] for r in document["results"]} <= {"passed", "skipped"}
    assert (run / "junit.xml").is_file() and (run / "report.html").is_file()


def test_a_server_run_and_a_client_run_side_by_side(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "conformance.cli", "run", "--report-dir", str(tmp_path / "s")]
    command += ["--tests", str(ROOT / "suites" / "smtp" / "test_rfc5321_rset_noop_quit.py")]
    server = subprocess.run(
        command,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert server.returncode == 0, server.stdout[-2000:]
    judge = ["judge", "smtp", "--scenario", "baseline", "--report-dir", str(tmp_path / "c")]
    status = main([*judge, "--", *SMTPLIB])
    assert status == 0
    (server_run,) = (tmp_path / "s").iterdir()
    (client_run,) = (tmp_path / "c").iterdir()
    assert main(["report", str(server_run), str(client_run), "-o", str(tmp_path / "r.html")]) == 0
    groups = _groups([_column(str(server_run)), _column(str(client_run))])
    quit_group = next(g for g in groups if (g.rfc, g.section) == ("5321", "4.1.1.10"))
    columns_with_results = {
        index for row in quit_group.rows for index, cell in enumerate(row.cells) if cell
    }
    assert columns_with_results == {0, 1}  # the server's QUIT tests and the client's check
