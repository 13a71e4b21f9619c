"""Run suite tests against deliberately broken reference servers, as a user would.

A ``Variant`` is a misbehaving server and the suite tests that must fail against it: a
``Script`` of wire rules (see ``wire_script``) around the reference core, or (where the
misbehaviour cannot be said on the wire, e.g. what gets stored) a broken core class or a
changed configuration given as ``EmbeddedServers`` keyword arguments in ``servers``.

All variants of a module run in one pytest process: one ``EmbeddedServers`` (one store,
one certificate) serves each variant on a listener of its own, the run gets every
listener as a ``--target`` and the ``variant_selection`` plugin keeps only the tests
named for each target, plus all of them against the unbroken reference listeners.  The
run uses a profile describing the servers and ``--strict-should`` (a broken SHOULD
counts as failed too); verdicts are read from its results.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from wire_script import Script

from reference_impl._embedded import EmbeddedServers
from reference_impl.imap import ServerConnection as ImapConnection
from reference_impl.pop2 import ServerConnection as Pop2Connection
from reference_impl.pop3 import ServerConnection as Pop3Connection
from reference_impl.smtp import ServerConnection as SmtpConnection

__all__ = [
    "ROOT",
    "Variant",
    "VariantRuns",
    "run_suite",
    "run_variant",
    "runs_fixture",
    "scripted",
    "suite_profile",
    "variants_of",
]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "reference"
FAILED, PASSED = "failed", "passed"
# The verdicts that report a target broken: a MAY test broken is "warned", never "failed".
FLAGGED = {FAILED, "warned"}

# The EmbeddedServers keyword naming each suite's core, and the reference core.
FACTORY_KEYWORD = {
    "smtp": "connection_factory",
    "pop3": "pop3_connection_factory",
    "pop2": "pop2_connection_factory",
    "imap": "imap_connection_factory",
}
REFERENCE_CORE: dict[str, type[Any]] = {
    "smtp": SmtpConnection,
    "pop3": Pop3Connection,
    "pop2": Pop2Connection,
    "imap": ImapConnection,
}
# Suites with no server of their own and the protocol whose server they test: the MIME
# suite judges what an SMTP server stores.
PROTOCOL_OF = {"mime": "smtp"}
# A whole run of many variants: far more than it takes, far less than CI allows.
RUN_TIMEOUT = 900


@dataclass(frozen=True, kw_only=True)
class Variant:
    """``tests`` ("file.py::test", below suites/<suite>/) run against a server that
    misbehaves as ``script`` says, or the core and ``ServerConfig`` changes of
    ``servers`` (``FACTORY_KEYWORD`` names the core); each must end
    ``expected`` (a conforming variant expects "passed").

    The same tests must pass against the unbroken reference, or, where the reference
    does not take the path a test checks (it never answers VRFY with 250, say), against
    ``baseline``: a script that makes the reference take it, conforming.
    """

    name: str
    suite: str
    tests: tuple[str, ...]
    servers: Mapping[str, Any] = field(default_factory=dict)
    script: Script | None = None
    expected: str = FAILED
    baseline: Script | None = None
    # The listener of the variant's server the tests go to, when not the suite's own:
    # "smtps" (implicit TLS, logged in with the profile's account) or "submission".
    service: str | None = None

    def conforming_baseline(self) -> Variant | None:
        if self.baseline is None:
            return None
        return Variant(
            name=f"{self.name} baseline",
            suite=self.suite,
            tests=self.tests,
            script=self.baseline,
            expected=PASSED,
        )


def variants_of(
    broken: Mapping[Callable[..., Any], tuple[str, ...]],
    *,
    suite: str,
    factory_keyword: str,
    expected: str = FAILED,
) -> list[Variant]:
    """One variant per broken core, served as ``servers[<factory_keyword>]``."""
    return [
        Variant(
            name=core.__name__,
            suite=suite,
            tests=tests,
            servers={factory_keyword: core},
            expected=expected,
        )
        for core, tests in broken.items()
    ]


def scripted(
    scripts: Mapping[str, tuple[Script, tuple[str, ...]]],
    *,
    suite: str,
    baselines: Mapping[str, Script] | None = None,
) -> list[Variant]:
    """One variant per named ``Script`` and the tests that must fail against it (with
    its conforming baseline from ``baselines``, if any)."""
    return [
        Variant(
            name=name,
            suite=suite,
            tests=tests,
            script=script,
            baseline=(baselines or {}).get(name),
        )
        for name, (script, tests) in scripts.items()
    ]


def reference_of(variants: Iterable[Variant]) -> Variant:
    """Every test of ``variants`` (but those with a baseline) against the unbroken
    reference servers."""
    listed = list(variants)
    tests = tuple(
        dict.fromkeys(test for variant in listed if not variant.baseline for test in variant.tests)
    )
    return Variant(name=REFERENCE, suite=listed[0].suite, tests=tests, expected=PASSED)


def _profile(
    servers: EmbeddedServers, path: Path, *, targets: Mapping[str, str] | None = None
) -> Path:
    """A profile TOML (the format of conformance._profile) describing ``servers``, naming
    ``targets`` (protocol -> URL) when given."""
    accounts = "".join(
        f'[[accounts]]\nuser = "{user}"\npassword = "{password}"\naddress = "{address}"\n'
        for user, password, address in servers.users
    )
    named = "".join(f'{name} = "{url}"\n' for name, url in (targets or {}).items())
    path.write_text(
        (f"[targets]\n{named}" if named else "")
        + f'[tls]\nverify = true\nca_file = "{servers.ca_file}"\n'
        f'server_name = "{servers.server_name}"\n'
        f'[delivery]\nallowed = true\nlocal_domain = "{servers.local_domain}"\n'
        f'readback = "store:{servers.store.root}"\n' + accounts,
        encoding="utf-8",
    )
    return path


def _reference_targets(servers: EmbeddedServers) -> dict[str, str]:
    return {name: servers.url(name) for name in ("smtp", "pop3", "pop2", "imap")}


def suite_profile(servers: EmbeddedServers, path: Path, *, pop3_port: int | None = None) -> Path:
    """A profile naming the reference listeners of ``servers`` as the targets;
    ``pop3_port`` puts something else (a relay) in front of their POP3 listener."""
    targets = _reference_targets(servers)
    if pop3_port is not None:
        targets["pop3"] = f"pop3://{servers.host}:{pop3_port}"
    return _profile(servers, path, targets=targets)


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


def _protocol_served(variant: Variant) -> str:
    """The protocol whose core ``variant`` swaps (a MIME variant may break the IMAP or
    POP3 server that hands messages back), else its suite's own."""
    swapped = [name for name, keyword in FACTORY_KEYWORD.items() if keyword in variant.servers]
    return swapped[0] if swapped else PROTOCOL_OF.get(variant.suite, variant.suite)


def _listen(servers: EmbeddedServers, variant: Variant) -> str:
    """Serve ``variant`` on a listener of its own; its target URL."""
    protocol = _protocol_served(variant)
    keyword = FACTORY_KEYWORD[protocol]
    core = variant.servers.get(keyword, REFERENCE_CORE[protocol])
    config = {k: v for k, v in variant.servers.items() if k not in FACTORY_KEYWORD.values()}
    if variant.script is not None:
        core = variant.script.core(core)
    scheme = variant.service or protocol
    port = servers.serve_another(protocol, core, service=scheme, **config)
    return f"{scheme}://{servers.host}:{port}"


def run_variants(variants: list[Variant], workdir: Path) -> dict[str, dict[str, str]]:
    """Outcome ("passed", "failed", "warned", "skipped", "error") of each test run
    ("file.py::test[params]") per variant name, and of all tests under "reference"."""
    reference_tests = list(reference_of(variants).tests)
    variants = variants + [b for v in variants if (b := v.conforming_baseline())]
    suite = variants[0].suite
    assert all(v.suite == suite for v in variants), "one suite per run: one reference"
    with EmbeddedServers() as servers:
        reference = _reference_targets(servers)
        urls = {REFERENCE: reference[PROTOCOL_OF.get(suite, suite)]}
        urls.update((variant.name, _listen(servers, variant)) for variant in variants)
        # Where variants swap another protocol's core, tests run per target of that
        # protocol: the reference's listener of it names the reference runs too.
        reference_urls = {urls[REFERENCE]} | {reference[_protocol_served(v)] for v in variants}
        wanted = {url: reference_tests for url in reference_urls}
        wanted.update((urls[variant.name], list(variant.tests)) for variant in variants)
        run = _pytest_run(servers, [*reference.values(), *wanted], wanted, workdir, suite)
    results_file = workdir / "report" / "results.json"
    if not results_file.is_file():
        pytest.fail(f"the suite run wrote no results:\n{run.stdout}\n{run.stderr}")
    selected = json.loads((workdir / "selected.json").read_text(encoding="utf-8"))
    by_target: dict[str, dict[str, str]] = {url: {} for url in wanted}
    for result in json.loads(results_file.read_text(encoding="utf-8"))["results"]:
        url, test = selected[result["id"]]
        by_target[url][test] = result["outcome"]
    outcomes = {name: by_target[url] for name, url in urls.items()}
    for url in reference_urls:
        outcomes[REFERENCE] = {**by_target[url], **outcomes[REFERENCE]}
    return outcomes


def run_variant(variant: Variant, workdir: Path) -> dict[str, str]:
    """The outcomes of one variant's run ("file.py::test[params]" -> outcome)."""
    return run_variants([variant], workdir)[variant.name]


def _pytest_run(
    servers: EmbeddedServers,
    targets: list[str],
    wanted: dict[str, list[str]],
    workdir: Path,
    suite: str,
) -> subprocess.CompletedProcess[str]:
    """One pytest process: every target, each with its own tests (``variant_selection``)."""
    files = {
        str(ROOT / "suites" / suite / test.partition("::")[0])
        for tests in wanted.values()
        for test in tests
    }
    selection = workdir / "selection.json"
    selection.write_text(json.dumps(wanted), encoding="utf-8")
    command = [sys.executable, "-bb", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "variant_selection", "--profile", str(_profile(servers, workdir / "p.toml"))]
    for url in dict.fromkeys(targets):
        command += ["--target", url]
    command += ["--strict-should", "--conformance-timeout", "3"]
    command += ["--report-dir", str(workdir / "report"), *sorted(files)]
    here = str(Path(__file__).parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
        "VARIANT_SELECTION": str(selection),
        "VARIANT_SELECTED": str(workdir / "selected.json"),
    }
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env
    )


class VariantRuns:
    """The verdicts of ``variants`` and of all their tests against the unbroken
    reference (``reference``), from one run made when a test first asks for one."""

    def __init__(self, variants: Iterable[Variant], workdirs: pytest.TempPathFactory) -> None:
        self.variants = list(variants)
        self.reference = reference_of(self.variants)
        self._workdirs = workdirs
        self._outcomes: dict[str, dict[str, str]] | None = None

    def outcomes(self, variant: Variant) -> dict[str, str]:
        if self._outcomes is None:
            self._outcomes = run_variants(self.variants, self._workdirs.mktemp("variants"))
        return self._outcomes[variant.name]

    def expect(self, variant: Variant, expected: str | None = None) -> None:
        """Every test of ``variant`` ran, each of its runs (parameters too) ended
        ``expected`` (default: the variant's own), and every rule of its script fired."""
        baseline = variant.conforming_baseline()
        if baseline is not None:
            self.expect(baseline)
        expected = expected or variant.expected
        outcomes = self.outcomes(variant)
        problems = []
        for test in variant.tests:
            runs = {k: v for k, v in outcomes.items() if k == test or k.startswith(test + "[")}
            wanted = FLAGGED if expected == FAILED else {expected}
            other = {key: outcome for key, outcome in runs.items() if outcome not in wanted}
            if not runs:
                problems.append(f"{test} did not run")
            elif other:
                problems.append(f"expected {test} to be {expected}, got {other}")
        if variant.script is not None and variant.script.unfired():
            problems.append(f"rules never fired (they change nothing): {variant.script.unfired()}")
        assert not problems, f"{variant.name} {dict(variant.servers) or ''}:\n  " + "\n  ".join(
            problems
        )


def runs_fixture(variants: Iterable[Variant]) -> Any:
    """A module-scoped fixture ``runs``: the ``VariantRuns`` of ``variants``."""
    listed = list(variants)

    @pytest.fixture(scope="module")
    def runs(tmp_path_factory: pytest.TempPathFactory) -> VariantRuns:
        return VariantRuns(listed, tmp_path_factory)

    return runs
