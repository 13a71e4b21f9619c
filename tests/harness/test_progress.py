"""A progress line per suite: counts so far, and a final line when a suite's last test is done."""

from __future__ import annotations

import pytest

SMTP = """
import pytest

def test_one():
    pass

def test_two():
    pass

def test_three():
    assert False, "broken"
"""
POP3 = """
import pytest

def test_one():
    pass

def test_two():
    pytest.skip("not advertised")
"""


@pytest.fixture
def two_suites(pytester: pytest.Pytester) -> pytest.Pytester:
    for suite, source in (("smtp", SMTP), ("pop3", POP3)):
        directory = pytester.path / "suites" / suite
        directory.mkdir(parents=True)
        (directory / f"test_{suite}.py").write_text(source)
    return pytester


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_each_suite_ends_with_its_counts(two_suites: pytest.Pytester, workers: list[str]) -> None:
    result = two_suites.runpytest("-p", "no:cacheprovider", "--progress-every", "0", *workers)
    lines = [line for line in result.outlines if line.startswith("suite ")]
    assert sorted(lines) == [
        "suite pop3: 2 of 2 done: 1 passed, 1 skipped",
        "suite smtp: 3 of 3 done: 2 passed, 1 failed",
    ]


def test_lines_while_a_suite_runs(two_suites: pytest.Pytester) -> None:
    # A small interval: every test after the first may print; the counts only grow.
    result = two_suites.runpytest(
        "-p", "no:cacheprovider", "--progress-every", "0.000001", "suites/smtp"
    )
    lines = [line for line in result.outlines if line.startswith("suite smtp:")]
    assert lines[-1] == "suite smtp: 3 of 3 done: 2 passed, 1 failed"
    assert len(lines) >= 2 and lines[0].startswith("suite smtp: 1 of 3 done: 1 passed")


def test_negative_interval_is_a_usage_error(two_suites: pytest.Pytester) -> None:
    result = two_suites.runpytest("--progress-every", "-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'-1' is not a number of seconds (0 or more)*"])
