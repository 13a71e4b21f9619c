"""The RFC 937 suite can fail: each broken POP2 core in ``broken_pop2`` is caught.

The core is served by ``EmbeddedServers`` and the suite tests named for it run in a
separate pytest process with ``--target pop2://...``: they must fail there, and pass
against the reference core.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from broken_pop2 import BROKEN_CORES

from reference_impl._embedded import EmbeddedServers
from reference_impl.pop2 import ServerConnection

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "suites" / "pop2"


def _profile(servers: EmbeddedServers, directory: Path) -> Path:
    """Accounts and delivery into the embedded store, for the seeded mailbox."""
    accounts = "".join(
        f'[[accounts]]\nuser = "{user}"\npassword = "{password}"\naddress = "{address}"\n'
        for user, password, address in servers.users
    )
    path = directory / "profile.toml"
    path.write_text(
        f'[delivery]\nallowed = true\nlocal_domain = "{servers.local_domain}"\n'
        f'readback = "store:{servers.root / "store"}"\n' + accounts,
        encoding="utf-8",
    )
    return path


def _run_suite(
    tmp_path: Path, core: type[ServerConnection], node_ids: tuple[str, ...]
) -> dict[str, str]:
    junit = tmp_path / "junit.xml"
    with EmbeddedServers(pop2_connection_factory=core) as servers:
        user, password, _ = servers.users[0]
        command = [
            sys.executable,
            "-bb",
            "-m",
            "pytest",
            *(str(SUITE / node) for node in node_ids),
            "--target",
            f"pop2://{user}:{password}@{servers.host}:{servers.pop2_port}",
            "--profile",
            str(_profile(servers, tmp_path)),
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


@pytest.mark.parametrize("core", list(BROKEN_CORES), ids=lambda core: core.__name__)
def test_suite_fails_against_broken_core(tmp_path: Path, core: type[ServerConnection]) -> None:
    node_ids = BROKEN_CORES[core]
    outcomes = _run_suite(tmp_path, core, node_ids)
    for node in node_ids:
        assert outcomes.get(node) == "failure", (
            f"{core.__name__} breaks the rule {node} checks; expected a failure, got "
            f"{outcomes.get(node)} ({outcomes})"
        )


def test_same_tests_pass_against_the_reference_core(tmp_path: Path) -> None:
    node_ids = tuple(sorted({node for nodes in BROKEN_CORES.values() for node in nodes}))
    outcomes = _run_suite(tmp_path, ServerConnection, node_ids)
    for node in node_ids:
        assert outcomes.get(node) == "passed", f"expected {node} to pass, got {outcomes}"
