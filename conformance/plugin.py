"""The pytest plugin (entry point ``pytest11: conformance``): hooks only.

Options live in ``_options``, shared fixtures in ``_fixtures`` (each protocol's in the modules
its registry entry names), verdict rules in ``_verdicts``,
results.json in ``_results``.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from collections.abc import Generator
from typing import Any

import pytest

from . import _fixtures, _short_tracebacks
from ._allure_labels import label_by_rfc
from ._hooks import suite_options
from ._options import add_options, options_of
from ._pcap import write_pcap
from ._progress import Progress, add_progress_option
from ._protocols import PROTOCOLS, protocol_of_test, suite_of_test
from ._results import ResultsCollector, report_info
from ._sanitize import sanitize_report
from ._targets import Target
from ._transcript import Transcript
from ._verdicts import MARKERS, Outcome, RfcKey, apply_verdict, requirement_text, rfc_key
from ._verdicts import rfc_marker_problem as _rfc_problem
from ._waivers import add_waiver_option, waive

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    group = parser.getgroup("conformance")
    for option in suite_options():
        group.addoption(
            option.flag, choices=option.choices, default=option.default, help=option.help
        )
    add_waiver_option(parser)
    add_progress_option(parser)


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    config.pluginmanager.register(_fixtures, "conformance-fixtures")
    config.pluginmanager.register(_short_tracebacks, "conformance-short-tracebacks")
    for spec in PROTOCOLS.values():
        for name in spec.fixtures:
            module = importlib.import_module(name)
            config.pluginmanager.register(module, f"conformance-{name.rpartition('.')[2]}")
    config.pluginmanager.register(_RunReports(config), "conformance-reports")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Progress(config), "conformance-progress")


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> Generator[None, Any, Any]:
    """A test with an invalid marker is a collection error of its module (also under -n)."""
    result = yield
    made = result if isinstance(result, list) else [result]
    problems = [
        f"{item.name}: {problem}"
        for item in made
        if isinstance(item, pytest.Item) and (problem := _marker_problem(item))
    ]
    if problems:
        raise collector.CollectError("invalid conformance markers:\n  " + "\n  ".join(problems))
    return result


def _marker_problem(item: pytest.Item) -> str | None:
    problem = _rfc_problem(item)
    if problem is None:
        for mark in item.iter_markers("requires"):
            if len(mark.args) != 1 or mark.kwargs or not isinstance(mark.args[0], str):
                problem = "requires marker takes one capability name, e.g. requires('STARTTLS')"
    return problem


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    targets = options_of(metafunc.config).targets
    for spec in PROTOCOLS.values():
        chosen = [target for target in targets if target.protocol == spec.name]
        name = spec.target_fixture
        if name in metafunc.fixturenames and len(chosen) > 1:
            ids = [target.url for target in chosen]
            metafunc.parametrize(name, chosen, ids=ids, indirect=True, scope="session")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _fixtures.TRANSCRIPT_KEY not in item.stash:
        item.stash[_fixtures.TRANSCRIPT_KEY] = Transcript()
    key = rfc_key(item)
    if key is not None and key.basis and ("basis", key.basis) not in item.user_properties:
        item.user_properties.append(("basis", key.basis))  # reaches junit.xml as a property


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.when == "setup":
        _label_for_allure(item)
    options = options_of(item.config)
    outcome, reason = apply_verdict(item, call, report, strict=options.strict_should)
    outcome, reason, waiver = waive(item.config, report, outcome, reason)
    transcript = item.stash.get(_fixtures.TRANSCRIPT_KEY, None)
    text = transcript.render() if transcript else ""
    info = _static_info(item)
    info.update(outcome=outcome.value if outcome else None, reason=reason)
    if waiver is not None:
        info["waiver"] = waiver
    if text and call.when in ("call", "teardown"):
        report.sections.append(("transcript", text))
    if call.when == "teardown" and transcript is not None:
        _report_defects(item.config, transcript, info, report)
    if call.when == "teardown" and transcript:
        info["transcript"] = text
        report.user_properties.append(("transcript", text))
        _attach_to_allure(item.config, text)
        if options.pcap and options.report_dir is not None and transcript.sessions:
            write_pcap(transcript, options.report_dir / "pcap" / f"{_safe(item.nodeid)}.pcap")
    report.conformance = info  # type: ignore[attr-defined]
    sanitize_report(report)
    if call.when == "teardown" and _fixtures.TRANSCRIPT_KEY in item.stash:
        # Reports carry the rendered text; the raw octets need not live as long as the run.
        del item.stash[_fixtures.TRANSCRIPT_KEY]
    return report


def _static_info(item: pytest.Item) -> dict[str, Any]:
    key = rfc_key(item)
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    target = next(
        (found for spec in PROTOCOLS.values() if (found := funcargs.get(spec.target_fixture))),
        None,
    )
    return {
        "protocol": _protocol(item),
        "rfc": key.number if key else None,
        "section": key.section if key else None,
        "level": key.level.value if key else None,
        "basis": key.basis if key else None,
        "requirement": requirement_text(item),
        "target": target.url if isinstance(target, Target) else None,
        # Who the sessions logged in as, so a reader knows whose view of the server a
        # verdict is (RFC 6409 §4.3: a submission server may answer per user).
        "user": _login_of(target, funcargs),
    }


def _login_of(target: object, funcargs: dict[str, Any]) -> str | None:
    """The user name a test's sessions logged in as: the target's (credentials in its
    URL), else that of the account the test logged in with (``<protocol>_account``)."""
    user = target.user if isinstance(target, Target) else None
    account = next(
        (found for spec in PROTOCOLS.values() if (found := funcargs.get(f"{spec.name}_account"))),
        None,
    )
    name = getattr(account, "user", None)
    return user or (name if isinstance(name, str) else None)


def _protocol(item: pytest.Item) -> str | None:
    """The protocol of the test's suite or fixtures; else the suite it sits in, if any."""
    spec = protocol_of_test(getattr(item, "fixturenames", ()), item.nodeid)
    return spec.name if spec is not None else suite_of_test(item.nodeid)


def _safe(nodeid: str) -> str:
    return _UNSAFE.sub("_", nodeid).strip("_")[:200]


def _report_defects(
    config: pytest.Config, transcript: Transcript, info: dict[str, Any], report: pytest.TestReport
) -> None:
    """Every defect the cores recorded on the wire, asserted on or not: in results.json,
    as a JUnit property each, and as one Allure attachment."""
    defects = transcript.defects
    if not defects:
        return
    info["defects"] = [dataclasses.asdict(defect) for defect in defects]
    info["defects_left_out"] = transcript.defects_left_out
    report.user_properties.extend(("defect", str(defect)) for defect in defects)
    text = "\n".join(str(defect) for defect in defects)
    if transcript.defects_left_out:
        text += f"\n(and {transcript.defects_left_out} more)"
    _attach_to_allure(config, text, name="defects")


def _attach_to_allure(config: pytest.Config, text: str, *, name: str = "transcript") -> None:
    if not getattr(config.option, "allure_report_dir", None):
        return
    import allure

    allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)


def _label_for_allure(item: pytest.Item) -> None:
    """Level, section and basis as Allure labels; the basis also ends the description.
    Suites by protocol, RFC and section, severity by level, a link to the section."""
    key = rfc_key(item)
    if key is None or not getattr(item.config.option, "allure_report_dir", None):
        return
    import allure

    dynamic: Any = allure.dynamic  # allure's API is untyped
    dynamic.label("level", key.level.value)
    dynamic.label("rfc", f"RFC {key.number} §{key.section}")
    label_by_rfc(dynamic, key, _protocol(item))
    if key.basis:
        dynamic.label("basis", key.basis)
        dynamic.description(_described(item, key))


def _described(item: pytest.Item, key: RfcKey) -> str:
    obj = getattr(item, "obj", None)
    doc = (inspect.getdoc(obj) if obj is not None else None) or ""
    return f"{doc}\n\nGraded {key.level}, basis: {key.basis}".lstrip()


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    outcome = report_info(report).get("outcome")
    if outcome == Outcome.WARNED and report.when == "call":
        return "warned", "W", ("WARNED", {"yellow": True})
    if outcome == Outcome.ERROR and report.when == "call":
        return "error", "E", ("ERROR", {"red": True})
    if outcome == Outcome.WAIVED:
        return "waived", "w", ("WAIVED", {"yellow": True})
    return None


class _RunReports:
    """Per-run state on the controller (or the only process): warnings and results.json."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.warnings: list[tuple[str, str]] = []
        self.collector: ResultsCollector | None = None
        options = options_of(config)
        if options.report_dir is not None and not hasattr(config, "workerinput"):
            targets = [t.url for t in options.targets] or ["embedded reference servers"]
            self.collector = ResultsCollector(config, targets)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        info = report_info(report)
        if info.get("outcome") == Outcome.WARNED:
            self.warnings.append((report.nodeid, str(info.get("reason", ""))))
        if self.collector is not None:
            self.collector.add(report)

    def pytest_sessionfinish(self) -> None:
        report_dir = options_of(self.config).report_dir
        if self.collector is not None and report_dir is not None:
            self.collector.write(report_dir)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.warnings:
            terminalreporter.section("conformance warnings (SHOULD/MAY not met)", yellow=True)
            for nodeid, reason in self.warnings:
                terminalreporter.line(f"WARNED {nodeid} - {reason}")
        report_dir = options_of(self.config).report_dir
        if self.collector is not None and report_dir is not None:
            terminalreporter.line(f"conformance results: {report_dir / 'results.json'}")
