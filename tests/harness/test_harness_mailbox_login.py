"""A refused POP3/POP2 login is one reason, never failures blamed on the server.

With a wrong password every test that logs in would otherwise fail, one of them "sent
PASS with the right password".  ``conformance run`` tries the login once before the
run (exit 2, one line, like an unreachable target); inside pytest the tests that log in
error with that reason, and the tests that need no login still run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_impl._embedded import EmbeddedServers

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
PYTEST = [sys.executable, "-bb", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
ROOT = Path(__file__).resolve().parents[2]
# Tests that log in, one of them with the right password, and tests that need no login.
SUITES = {"pop3": "pop3/test_rfc1939_states.py", "pop2": "pop2"}


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _wrong_url(servers: EmbeddedServers, scheme: str) -> str:
    port = servers.ports["pop3"] if scheme == "pop3" else servers.ports["pop2"]
    return f"{scheme}://{servers.users[0][0]}:not-the-password@{servers.host}:{port}"


@pytest.mark.parametrize("scheme", ["pop3", "pop2"])
def test_refused_login_gives_one_line_and_exit_2(
    servers: EmbeddedServers, scheme: str, tmp_path: Path
) -> None:
    url = _wrong_url(servers, scheme)
    command = [*CONFORMANCE, "run", url, "--report-dir", str(tmp_path), "--timeout", "3"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("conformance: ") and "refused" in lines[0], lines[0]
    assert "not-the-password" not in lines[0]  # the secret stays off the terminal
    assert not list(tmp_path.iterdir()), "the suites ran after the refused login"


@pytest.mark.parametrize("scheme", ["pop3", "pop2"])
def test_refused_login_errors_the_tests_that_log_in(
    servers: EmbeddedServers, scheme: str, tmp_path: Path
) -> None:
    command = [*PYTEST, "--target", _wrong_url(servers, scheme), "--report-dir", str(tmp_path)]
    command += ["--conformance-timeout", "3", str(ROOT / "suites" / SUITES[scheme])]
    subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    outcomes = {result["id"]: result["outcome"] for result in results}
    failed = [test for test, outcome in outcomes.items() if outcome == "failed"]
    assert not failed, f"a wrong password was blamed on the server: {failed}"
    errors = [result for result in results if result["outcome"] == "error"]
    assert errors, "no test logged in"
    unexplained = [r["id"] for r in errors if "refused" not in r["reason"]]
    assert not unexplained, unexplained
    assert "passed" in outcomes.values(), "tests that need no login did not run"
