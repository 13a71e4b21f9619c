"""A harness error keeps only the innermost frames of its traceback.

A ``HarnessError`` is the target's fault, not the test's (unreachable, silent, a reply too
large): its message says all there is to say.  Yet pytest formats the whole traceback of
every error, and allure-pytest formats it again for a failing fixture; through the
fixtures, pluggy and the wire that is dozens of frames each.  Against a target that has
stopped answering every remaining test errors at once, and formatting those tracebacks
was most of such a run's time.  Cut where the error leaves the fixture or the test, the
traceback keeps the frames that raised it, and what the user reads is unchanged.
"""

from __future__ import annotations

from collections.abc import Generator
from types import TracebackType
from typing import Any

import pytest

from ._errors import HarnessError

__all__ = ["KEPT_FRAMES", "innermost", "pytest_fixture_setup", "pytest_runtest_makereport"]

KEPT_FRAMES = 4


def innermost(traceback: TracebackType | None, count: int = KEPT_FRAMES) -> TracebackType | None:
    """The part of ``traceback`` holding its last ``count`` frames (those nearest the raise)."""
    frames = []
    while traceback is not None:
        frames.append(traceback)
        traceback = traceback.tb_next
    return frames[-count] if frames else None


# trylast: the innermost wrapper, so the traceback is cut before allure-pytest's wrapper
# formats a failing fixture's.
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_fixture_setup() -> Generator[None, Any, Any]:
    try:
        return (yield)
    except HarnessError as error:
        raise error.with_traceback(innermost(error.__traceback__)) from error.__cause__


# tryfirst: before pytest's own hook formats the report, by then through every frame
# of its runner and fixtures too.
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(call: pytest.CallInfo[None]) -> None:
    if call.excinfo is not None and isinstance(call.excinfo.value, HarnessError):
        call.excinfo.traceback = call.excinfo.traceback[-KEPT_FRAMES:]
