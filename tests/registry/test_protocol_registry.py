"""One registry of protocols (DESIGN.md principle 10): a protocol is its own modules plus
one entry in ``conformance._protocols.PROTOCOLS`` (and, for its reference server, one in
``reference_impl._listeners.PROTOCOLS``).

These tests keep it so: every entry is complete, the shared modules of the harness name
no protocol, and the harness's import graph has no circle.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from harness_sources import find_cycle, import_graph, protocol_names_in

from conformance._hooks import hooks_of
from conformance._protocols import PROTOCOLS, SCHEMES, SUITES, ProtocolSpec
from conformance._wire import WireSession
from reference_impl._listeners import PROTOCOLS as REFERENCE_PROTOCOLS

ROOT = Path(__file__).resolve().parents[2]
SPECS = list(PROTOCOLS.values())

# The modules that may name protocols besides each protocol's own: the two registries.
REGISTRIES = {ROOT / "conformance" / "_protocols.py", ROOT / "reference_impl" / "_listeners.py"}
# Where a list of protocols could hide on the reference side: the shared modules that
# start services (the protocol packages themselves are their own modules).
REFERENCE_SHARED = ("_embedded.py", "_service.py")
# Deliberate exceptions, not scanned:
# - conformance/peers/ describes one real system (Postfix + Dovecot) and its ports;
# - help texts, docstrings and the package's ``__all__`` are sentences or class names,
#   which the scan does not treat as names of protocols (a newcomer reads them; the
#   public API names each protocol's classes, so a protocol adds its exports there).
NAMES = {spec.name for spec in SPECS} | set(SCHEMES)
TOKEN = re.compile("|".join(re.escape(spec.name) for spec in SPECS), re.IGNORECASE)


def _owner(path: Path) -> ProtocolSpec | None:
    """The protocol whose own module ``path`` is: named after it (``_pop3_access.py``)
    or listed among its fixtures (``_envelope.py`` for SMTP)."""
    module = f"conformance.{path.stem}"
    for spec in SPECS:
        if f"_{spec.name}_" in path.name or module in spec.fixtures:
            return spec
    return None


def _suite_module(path: Path) -> bool:
    """A module of a suite without a protocol of its own (``_mime_fixtures.py``), which
    sends and fetches its messages with the protocols' sessions."""
    return any(f"_{name}_" in path.name for name in SUITES if name not in PROTOCOLS)


def _shared_modules() -> list[Path]:
    harness = [
        p
        for p in sorted((ROOT / "conformance").glob("*.py"))
        if _owner(p) is None and not _suite_module(p)
    ]
    reference = [ROOT / "reference_impl" / name for name in REFERENCE_SHARED]
    return [path for path in harness + reference if path not in REGISTRIES]


def test_harness_import_graph_has_no_cycle() -> None:
    """Fixtures, sessions and the registry import each other in one direction only
    (the fixtures of SMTP and of the mailbox protocols once formed a circle)."""
    graph = import_graph(ROOT / "conformance")
    assert "conformance._protocols" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_shared_modules_name_no_protocol() -> None:
    """Only the registries and a protocol's own modules list protocols."""
    shared = _shared_modules()
    assert ROOT / "conformance" / "plugin.py" in shared  # the scan covers the plugin
    found = [hit for path in shared for hit in protocol_names_in(path, NAMES, TOKEN)]
    assert found == [], "protocol named outside the registry:\n" + "\n".join(found)


def test_the_old_target_class_is_gone() -> None:
    old = "Smtp" + "Target"
    places = [
        str(path.relative_to(ROOT))
        for folder in ("conformance", "reference_impl", "suites", "tests", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".md") and old in path.read_text(encoding="utf-8")
    ]
    assert places == []


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_every_protocol_entry_is_complete(spec: ProtocolSpec) -> None:
    hooks = hooks_of(spec)
    assert issubclass(hooks.session, WireSession)
    first = importlib.import_module(spec.fixtures[0])
    assert callable(getattr(first, spec.target_fixture, None)), (
        f"{spec.fixtures[0]} defines no {spec.target_fixture} fixture"
    )
    for name in spec.fixtures[1:]:
        importlib.import_module(name)
    assert importlib.util.find_spec(spec.suite) is not None, f"no suite package {spec.suite}"
    assert all(scheme.profile_key in spec.profile_keys for scheme in spec.schemes)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_embedded_services_are_urls_of_their_protocol(spec: ProtocolSpec) -> None:
    """The embedded environment turns a listener's name into its URL scheme."""
    reference = REFERENCE_PROTOCOLS[spec.name]
    assert spec.services == reference.services and spec.services
    assert all(SCHEMES[name] in spec.schemes for name in spec.services)
    assert set(reference.extra) == set(reference.services[1:])
    importlib.import_module(reference.builder)


def test_every_suite_is_installed_and_runs_over_registered_protocols() -> None:
    """The MIME suite has no protocol of its own: it runs whenever an SMTP target is
    named, so a main job or a run against an MTA includes it.  The clients suite needs
    no target at all (it judges the clients installed here)."""
    assert SUITES["mime"] == ("suites.mime", ("smtp",))
    assert SUITES["clients"] == ("suites.clients", ())
    for name, (package, needs) in SUITES.items():
        assert importlib.util.find_spec(package) is not None, name
        assert set(needs) <= set(PROTOCOLS), name
        assert needs or name == "clients", f"the {name} suite runs over no protocol"
