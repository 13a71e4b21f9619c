"""A harness error (the target's fault) is reported with the frames that raised it only:
a run against a silent target errors every remaining test, and formatting each one's
whole traceback through the fixtures, pluggy and the wire made up most of such a run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance._short_tracebacks import KEPT_FRAMES

SUITE = '''
import pytest
from conformance._errors import TargetStoppedAnswering, TargetUnreachable

# Thirty distinct frames (a recursion's repeated frames would be folded when formatted).
for depth in range(30):
    exec(f"def call_{depth}(error): call_{depth - 1}(error)" if depth else
         "def call_0(error): raise error")

def deep(depth, error):
    globals()[f"call_{depth - 1}"](error)

@pytest.fixture
def session():
    deep(30, TargetUnreachable("cannot connect to smtp://127.0.0.1:9 (connection refused)"))

def test_in_setup(session):
    pass

def test_in_call():
    deep(30, TargetStoppedAnswering("smtp://127.0.0.1:9 stopped answering"))

def test_not_a_harness_error():
    deep(30, AssertionError("the test's own failure keeps its traceback"))
'''


# What pytest and allure-pytest get to format: the frames of the error as it reaches
# pytest's report (the plugin then shows harness errors as one line, but only after
# they were formatted whole).
CONFTEST = """
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.excinfo is not None:
        report.user_properties.append(("frames", len(call.excinfo.traceback)))
    return report
"""


def _run(pytester: pytest.Pytester) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_short=SUITE)
    recorded = pytester.inline_run("-p", "no:cacheprovider", "--alluredir", "allure")
    reports = {
        r.nodeid.rsplit("::", 1)[-1]: r
        for r in recorded.getreports("pytest_runtest_logreport")
        if r.failed
    }
    containers = (pytester.path / "allure").glob("*-container.json")
    fixtures = {
        before["name"]: before
        for container in containers
        for before in json.loads(container.read_text()).get("befores", [])
    }
    return reports, fixtures


def _frames(report: Any) -> int:
    (frames,) = [value for name, value in report.user_properties if name == "frames"]
    assert isinstance(frames, int)
    return frames


def test_harness_errors_keep_their_innermost_frames(pytester: pytest.Pytester) -> None:
    reports, fixtures = _run(pytester)
    assert reports["test_in_setup"].when == "setup"
    assert _frames(reports["test_in_setup"]) <= KEPT_FRAMES
    assert _frames(reports["test_in_call"]) <= KEPT_FRAMES
    assert "stopped answering" in reports["test_in_call"].longreprtext
    assert "connection refused" in reports["test_in_setup"].longreprtext
    # allure-pytest formats the failing fixture's traceback itself: cut there too.
    trace = fixtures["session"]["statusDetails"]["trace"]
    # (plus the few frames of the hook wrappers between allure-pytest's and the cut)
    assert trace.count('File "') <= KEPT_FRAMES + 6, trace


def test_other_failures_keep_the_whole_traceback(pytester: pytest.Pytester) -> None:
    reports, _ = _run(pytester)
    assert _frames(reports["test_not_a_harness_error"]) > 30
