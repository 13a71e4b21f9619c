"""Run suite tests against deliberately broken reference servers, as a user would.

A ``Variant`` is an ``EmbeddedServers`` built with some keyword arguments (a broken
connection factory, or a changed configuration) and the suite tests that must fail
against it.  Each variant runs in its own pytest process with a profile describing its
servers (``--strict-should``, so a broken SHOULD counts as failed too); the verdicts are
read from that run's results.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reference_impl._embedded import EmbeddedServers

__all__ = ["ROOT", "Variant", "VariantRuns", "run_suite", "runs_fixture", "variants_of"]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "reference"


@dataclass(frozen=True, kw_only=True)
class Variant:
    """``tests`` ("file.py::test", below suites/<suite>/) run against
    ``EmbeddedServers(**servers)``."""

    name: str
    suite: str
    tests: tuple[str, ...]
    servers: Mapping[str, Any] = field(default_factory=dict)
    service: str = "smtp"  # the SMTP listener the profile names: "smtp" or "smtps"


def variants_of(
    broken: Mapping[Callable[..., Any], tuple[str, ...]], *, suite: str, factory_keyword: str
) -> list[Variant]:
    """One variant per broken core: ``EmbeddedServers(<factory_keyword>=core)``."""
    return [
        Variant(name=core.__name__, suite=suite, tests=tests, servers={factory_keyword: core})
        for core, tests in broken.items()
    ]


def reference_of(variants: Iterable[Variant]) -> Variant:
    """Every test of ``variants`` against the unbroken reference servers."""
    listed = list(variants)
    tests = tuple(dict.fromkeys(test for variant in listed for test in variant.tests))
    return Variant(name=REFERENCE, suite=listed[0].suite, tests=tests)


def _profile(
    servers: EmbeddedServers, path: Path, service: str = "smtp", *, pop3_port: int | None = None
) -> Path:
    """A profile TOML (the format of conformance._profile) describing ``servers``; its SMTP
    target is the ``service`` listener, and ``pop3_port`` puts something else (a relay) in
    front of their POP3 listener."""
    accounts = "".join(
        f'[[accounts]]\nuser = "{user}"\npassword = "{password}"\naddress = "{address}"\n'
        for user, password, address in servers.users
    )
    host = servers.host
    port = servers.smtps_port if service == "smtps" else servers.smtp_port
    path.write_text(
        f'[targets]\n{service} = "{service}://{host}:{port}"\n'
        f'pop3 = "pop3://{host}:{pop3_port or servers.pop3_port}"\n'
        f'pop2 = "pop2://{host}:{servers.pop2_port}"\n'
        f'[tls]\nverify = true\nca_file = "{servers.ca_file}"\n'
        f'server_name = "{servers.server_name}"\n'
        f'[delivery]\nallowed = true\nlocal_domain = "{servers.local_domain}"\n'
        f'readback = "store:{servers.store.root}"\n' + accounts,
        encoding="utf-8",
    )
    return path


def run_variant(variant: Variant, workdir: Path) -> dict[str, str]:
    """Outcome ("passed", "failed", "warned", "skipped", "error") per test run, keyed
    "file.py::test[params]"."""
    suite = ROOT / "suites" / variant.suite
    with EmbeddedServers(**variant.servers) as servers:
        profile = _profile(servers, workdir / "profile.toml", variant.service)
        tests = [str(suite / test) for test in variant.tests]
        results = run_suite(profile, tests, workdir / "report", ["--strict-should"])
    return {_below_suite(result["id"]): result["outcome"] for result in results}


def run_suite(
    profile: Path, tests: list[str], report_dir: Path, options: list[str]
) -> list[dict[str, Any]]:
    """The results.json entries of ``pytest tests`` against ``profile``."""
    command = [sys.executable, "-bb", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["--profile", str(profile), "--conformance-timeout", "3", *options]
    command += ["--report-dir", str(report_dir), *tests]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    results_file = report_dir / "results.json"
    if not results_file.is_file():
        pytest.fail(f"{tests}: the suite run wrote no results:\n{run.stdout}\n{run.stderr}")
    results: list[dict[str, Any]] = json.loads(results_file.read_text(encoding="utf-8"))["results"]
    return results


def _below_suite(node_id: str) -> str:
    path, _, name = node_id.partition("::")
    return f"{path.rpartition('/')[2]}::{name}"


class VariantRuns:
    """The verdicts of the broken ``variants``, and of all their tests against the
    unbroken reference (``reference``), each run when a test first asks for it.

    One variant at a time: the runs are CPU-bound (a pytest process each), and under
    ``pytest -n`` every worker only runs the variants of its own tests.
    """

    def __init__(self, variants: Iterable[Variant], workdirs: pytest.TempPathFactory) -> None:
        self.variants = list(variants)
        self.reference = reference_of(self.variants)
        self._workdirs = workdirs
        self._outcomes: dict[str, dict[str, str]] = {}

    def expect(self, variant: Variant, expected: str) -> None:
        """Every test of ``variant`` ran, and each of its runs (parameters too) is ``expected``."""
        if variant.name not in self._outcomes:
            workdir = self._workdirs.mktemp(variant.name)
            self._outcomes[variant.name] = run_variant(variant, workdir)
        outcomes = self._outcomes[variant.name]
        for test in variant.tests:
            runs = {k: v for k, v in outcomes.items() if k == test or k.startswith(test + "[")}
            assert runs, f"{test} did not run against {variant.name}: {outcomes}"
            other = {key: outcome for key, outcome in runs.items() if outcome != expected}
            assert not other, (
                f"{variant.name} {dict(variant.servers) or ''}: expected {test} to be "
                f"{expected}, got {other}"
            )


def runs_fixture(variants: Iterable[Variant]) -> Any:
    """A module-scoped fixture ``runs``: the ``VariantRuns`` of ``variants``."""
    listed = list(variants)

    @pytest.fixture(scope="module")
    def runs(tmp_path_factory: pytest.TempPathFactory) -> VariantRuns:
        return VariantRuns(listed, tmp_path_factory)

    return runs
