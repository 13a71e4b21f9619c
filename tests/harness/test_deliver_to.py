"""``--deliver-to ADDRESS``: the SMTP smuggling probes from a URL alone, as a scanner runs.

Without it (and without a profile allowing delivery) the probes skip; with it they run
against a bare ``smtp://`` URL, and a vulnerable server is caught by its replies alone,
since nothing can read its mailboxes back.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reference_impl._embedded import EmbeddedServers
from reference_impl.smtp import ServerConnection, State
from reference_impl.store import MailStore

CONFORMANCE = [sys.executable, "-bb", "-m", "conformance.cli"]
ADDRESS = "alice@example.test"  # an account of the embedded servers
COMMAND_PROBE = "test_bare_cr_does_not_end_a_command"


class BareLfEndsData(ServerConnection):
    """Takes <LF>.<LF> for the end of mail data, and reads data sent before its 354."""

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        if self.state is State.DATA:
            data = re.sub(rb"(?<!\r)\n\.\n", b"\r\n.\r\n", bytes(data))
        super().receive_data(data)


def _smuggling_results(
    tmp_path: Path, servers: EmbeddedServers, *options: str
) -> dict[str, dict[str, str]]:
    """``conformance run smtp://HOST:PORT OPTIONS -- -k smuggl``: results by test name."""
    report_dir = tmp_path / "r"
    url = f"smtp://{servers.host}:{servers.ports['smtp']}"
    done = subprocess.run(
        [*CONFORMANCE, "run", url, *options, "--report-dir", str(report_dir), "--", "-k", "smuggl"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    (results_file,) = report_dir.glob("*/results.json")
    results = json.loads(results_file.read_text())["results"]
    assert results, done.stdout + done.stderr
    return {result["id"].partition("::")[2]: result for result in results}


def test_smuggling_probes_skip_with_a_url_alone(tmp_path: Path) -> None:
    with EmbeddedServers() as servers:
        results = _smuggling_results(tmp_path, servers)
    # The bare-CR command probe delivers nothing, so it runs anyway.
    assert results.pop(COMMAND_PROBE)["outcome"] == "passed"
    assert len(results) >= 20
    assert {result["outcome"] for result in results.values()} == {"skipped"}
    assert all("--deliver-to ADDRESS" in result["reason"] for result in results.values())


def test_deliver_to_runs_the_smuggling_probes_with_a_url_alone(tmp_path: Path) -> None:
    with EmbeddedServers() as servers:
        results = _smuggling_results(tmp_path, servers, "--deliver-to", ADDRESS)
        delivered = _mailbox(servers, "alice")
    outcomes = {name: result["outcome"] for name, result in results.items()}
    assert len(outcomes) >= 20
    assert set(outcomes.values()) == {"passed"}, outcomes
    # The probes' mail went to ADDRESS; no smuggled message stands alone: where one was
    # accepted, its transaction is text inside the probe's message.
    assert delivered
    assert all(b"To: <" + ADDRESS.encode() + b">" in message for message in delivered)
    smuggled = [message for message in delivered if b"Smuggled " in message]
    assert smuggled
    assert all(b"MAIL FROM:<" + ADDRESS.encode() + b">" in message for message in smuggled)


def _mailbox(servers: EmbeddedServers, mailbox: str) -> list[bytes]:
    with MailStore(servers.store.root) as store:
        return [store.read(mailbox, message.uid) for message in store.messages(mailbox)]


def test_deliver_to_catches_a_vulnerable_server_by_its_replies(tmp_path: Path) -> None:
    with EmbeddedServers(
        cores={"smtp": BareLfEndsData}, configs={"smtp": {"enforce_data_sync": False}}
    ) as servers:
        results = _smuggling_results(tmp_path, servers, "--deliver-to", ADDRESS)
    caught = results["test_bare_lf_period_lf_does_not_end_data"]
    assert caught["outcome"] == "failed"
    assert "a second 250 to an end of data" in caught["reason"]
    assert "judged by the replies alone" in caught["reason"]
    probe_before_354 = results["test_mail_data_before_354_not_accepted"]
    assert probe_before_354["outcome"] == "warned"


@pytest.mark.parametrize("address", ["alice", "<alice@example.test>", "a b@example.test"])
def test_deliver_to_needs_a_plain_address(address: str) -> None:
    done = subprocess.run(
        [*CONFORMANCE, "run", "--deliver-to", address],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "is not an address like alice@example.org" in done.stderr


ROUTES = """
def test_route(mail_route):
    print("ROUTE", mail_route.sender, mail_route.recipient, mail_route.readback is not None)
"""


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # The embedded servers' store covers their own account: read back.
        (["--deliver-to", ADDRESS], f"ROUTE {ADDRESS} {ADDRESS} True"),
        # An address the store does not hold: replies only.
        (["--deliver-to", "x@example.org"], "ROUTE x@example.org x@example.org False"),
        # No option: the embedded profile's two accounts.
        ([], "ROUTE alice@example.test bob@example.test True"),
    ],
)
def test_plugin_option_sets_the_mail_route(
    pytester: pytest.Pytester, options: list[str], expected: str
) -> None:
    pytester.makepyfile(test_routes=ROUTES)
    result = pytester.runpytest("-p", "no:cacheprovider", "-s", *options)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{expected}"])


def test_plugin_without_delivery_skips_with_what_would_enable_it(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(test_routes=ROUTES)
    profile = tmp_path / "p.toml"
    profile.write_text('[targets]\nsmtp = "smtp://127.0.0.1:1"\n')
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs", "--profile", str(profile))
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*give --deliver-to ADDRESS*"])
