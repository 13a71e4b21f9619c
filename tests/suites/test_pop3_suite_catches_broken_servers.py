"""The POP3 suite can fail: each broken reference core is caught by its tests.

Every deliberately broken core in ``broken_pop3`` is served over the store of an
``EmbeddedServers`` and the suite tests named for it run against it through a profile,
in a separate pytest process: they must fail there, and pass against the unbroken core.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from broken_pop3 import BROKEN_CORES, serve_pop3

from reference_impl._embedded import EmbeddedServers
from reference_impl.pop3 import ServerConnection

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "suites" / "pop3"


def _profile(servers: EmbeddedServers, pop3_port: int, directory: Path) -> Path:
    accounts = "".join(
        f'[[accounts]]\nuser = "{user}"\npassword = "{password}"\naddress = "{address}"\n'
        for user, password, address in servers.users
    )
    path = directory / "profile.toml"
    path.write_text(
        f'[targets]\nsmtp = "smtp://{servers.host}:{servers.smtp_port}"\n'
        f'pop3 = "pop3://{servers.host}:{pop3_port}"\n'
        f'[tls]\nverify = true\nca_file = "{servers.ca_file}"\n'
        f'server_name = "{servers.server_name}"\n'
        f'[delivery]\nallowed = true\nlocal_domain = "{servers.local_domain}"\n'
        f'readback = "store:{servers.root / "store"}"\n' + accounts,
        encoding="utf-8",
    )
    return path


def _run_suite(
    tmp_path: Path, core: type[ServerConnection], node_ids: tuple[str, ...]
) -> dict[str, str]:
    """Run ``node_ids`` against ``core``; map each test run (with parameters) to its outcome."""
    junit = tmp_path / "junit.xml"
    with EmbeddedServers() as servers, serve_pop3(servers, core) as port:
        command = [
            sys.executable,
            "-bb",
            "-m",
            "pytest",
            *(str(SUITE / node) for node in node_ids),
            "--profile",
            str(_profile(servers, port, tmp_path)),
            "--strict-should",
            "--conformance-timeout",
            "3",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--junitxml={junit}",
        ]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if not junit.exists():
        pytest.fail(f"the suite run produced no results:\n{done.stdout}\n{done.stderr}")
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        module = case.get("classname", "").rpartition(".")[2]
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[f"{module}.py::{case.get('name')}"] = kinds[0] if kinds else "passed"
    return outcomes


def _runs_of(outcomes: dict[str, str], node: str) -> dict[str, str]:
    return {
        key: value for key, value in outcomes.items() if key == node or key.startswith(node + "[")
    }


@pytest.mark.parametrize("core", list(BROKEN_CORES), ids=lambda core: core.__name__)
def test_suite_fails_against_broken_core(tmp_path: Path, core: type[ServerConnection]) -> None:
    node_ids = BROKEN_CORES[core]
    outcomes = _run_suite(tmp_path, core, node_ids)
    for node in node_ids:
        runs = _runs_of(outcomes, node)
        assert runs, f"{node} did not run against {core.__name__}: {outcomes}"
        not_failed = {key: value for key, value in runs.items() if value != "failure"}
        assert not not_failed, (
            f"{core.__name__} breaks the rule {node} checks; expected it to fail, got {not_failed}"
        )


def test_same_tests_pass_against_the_reference_core(tmp_path: Path) -> None:
    node_ids = tuple(sorted({node for nodes in BROKEN_CORES.values() for node in nodes}))
    outcomes = _run_suite(tmp_path, ServerConnection, node_ids)
    for node in node_ids:
        runs = _runs_of(outcomes, node)
        assert runs, f"{node} did not run against the reference core: {outcomes}"
        not_passed = {key: value for key, value in runs.items() if value != "passed"}
        assert not not_passed, f"expected {node} to pass on the reference core, got {not_passed}"
