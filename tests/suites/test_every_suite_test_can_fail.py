"""Every suite test is shown able to fail: a misbehaving server variant names it (for
the client suite: a deliberately broken client of tests/judge fails it).

The variants are read as data (no run here) from every test module of tests/ that uses
``variant_runner``: each module-level list of ``Variant``s that must fail.  The share of
suite tests named by at least one of them must stay at or above ``FLOOR``; the tests no
variant names are printed, so the next one to cover is easy to find.  ``CANNOT_FAIL``
lists, with a one-line reason each, the tests no server variant can show failing.

To cover a new suite test, add a misbehaving server that breaks its rule: a script of
wire rules in tests/suites/scripted_<protocol>.py, or, where rules cannot say it, a
broken core in tests/suites/broken_*.py with its catch module.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from test_suite_markers import ALL
from variant_runner import FAILED, ROOT, Variant

# Raise it when coverage grows; never lower it to let a change through.
FLOOR = 0.90

# Suite tests that no misbehaving server can make fail, and why (keep it short).
CANNOT_FAIL: dict[str, str] = {
    "suites.mime.test_rfc5322_message_files::test_message_breaks_no_must_of_the_format": (
        "judges a --message file, no server: tests/mime/test_message_file_suite.py fails it"
    ),
    "suites.mime.test_rfc5322_message_files::test_message_follows_the_shoulds_of_the_format": (
        "judges a --message file, no server: tests/mime/test_message_file_suite.py fails it"
    ),
}


def _variant_modules() -> Iterator[ModuleType]:
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if path.name == Path(__file__).name or "variant_runner" not in path.read_text("utf-8"):
            continue
        if str(path.parent) not in sys.path:
            sys.path.insert(0, str(path.parent))
        yield importlib.import_module(path.stem)


def breaking_variants() -> list[Variant]:
    """Every variant of every module that some suite tests must fail against."""
    found: dict[int, Variant] = {}
    for module in _variant_modules():
        for value in vars(module).values():
            if isinstance(value, list | tuple) and value and isinstance(value[0], Variant):
                found.update((id(v), v) for v in value if v.expected == FAILED)
    return list(found.values())


def suite_test_id(variant: Variant, test: str) -> str:
    """ "suites.<suite>.<module>::<function>" of a variant's "file.py::test[params]"."""
    path, _, name = test.partition("::")
    return f"suites.{variant.suite}.{path.removesuffix('.py')}::{name.partition('[')[0]}"


def _judge_cases(module: str) -> ModuleType:
    """A test module of tests/judge, read for its cases (no run here)."""
    folder = str(ROOT / "tests" / "judge")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(module)


def client_tests_shown_failing() -> set[str]:
    """The client suite's tests a deliberately broken client fails (tests/judge): the
    SMTP cases name the checks a misbehaviour fails or warns, each graded by one suite
    test (or, for "delivers", one per scenario); the POP3 and IMAP cases name the suite
    tests themselves."""
    from suites.clients import test_smtp_clients as smtp_suite

    smtp = _judge_cases("test_broken_client")
    broken = {
        (scenario, check)
        for _, scenario, expected in smtp.CASES
        for check, outcome in expected.items()
        if outcome in ("failed", "warned")
    }
    checks = {check for _, check in broken}
    prefix = "suites.clients.test_smtp_clients::"
    named = {prefix + test for test, check in smtp_suite.CHECK_OF.items() if check in checks}
    named |= {
        prefix + test
        for test, scenarios in smtp_suite.DELIVERY_TESTS.items()
        if any((scenario, "delivers") in broken for scenario in scenarios)
    }
    mailbox = _judge_cases("test_mailbox_suite_fails_broken_clients")
    named |= {
        f"suites.clients.test_{protocol}_clients::{test}"
        for _, protocol, _, tests in mailbox.CASES
        for test in tests
    }
    return named


VARIANTS = breaking_variants()
SUITE_TESTS = [test_id for test_id, _ in ALL]
NAMED = {suite_test_id(v, test) for v in VARIANTS for test in v.tests}
NAMED |= client_tests_shown_failing()


def test_variants_name_only_suite_tests() -> None:
    unknown = sorted(NAMED - set(SUITE_TESTS))
    assert not unknown, f"variants or broken clients name tests that do not exist: {unknown}"


def test_cannot_fail_list_is_short_and_current() -> None:
    stale = sorted(set(CANNOT_FAIL) - (set(SUITE_TESTS) - NAMED))
    assert not stale, f"CANNOT_FAIL names tests that are covered or gone: {stale}"
    assert all(reason.strip() and "\n" not in reason for reason in CANNOT_FAIL.values())
    assert len(CANNOT_FAIL) <= len(SUITE_TESTS) // 20, "explain fewer, cover more"


def test_share_of_suite_tests_shown_failing_stays_above_the_floor() -> None:
    uncovered = [t for t in SUITE_TESTS if t not in NAMED and t not in CANNOT_FAIL]
    share = 1 - (len(uncovered) + len(CANNOT_FAIL)) / len(SUITE_TESTS)
    listing = "\n  ".join(uncovered)
    print(f"{share:.1%} of {len(SUITE_TESTS)} suite tests shown failing; uncovered:\n  {listing}")
    assert share >= FLOOR, (
        f"only {share:.1%} of {len(SUITE_TESTS)} suite tests are named by a variant that "
        f"must fail (floor {FLOOR:.0%}); not named:\n  {listing}"
    )


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.name)
def test_broken_core_overrides_only_what_its_base_has(variant: Variant) -> None:
    """A broken core subclass whose override no longer matches a method of its base (the
    core renamed it) behaves like the reference: each method it defines must override
    one, or be a helper that its other methods call."""
    for core in variant.servers.values():
        if not isinstance(core, type):
            continue
        methods = {n: v for n, v in vars(core).items() if callable(v) and not n.startswith("__")}
        called = {n for v in methods.values() for n in getattr(v, "__code__", v).co_names}
        for name in methods:
            assert name in called or any(hasattr(base, name) for base in core.__mro__[1:]), (
                f"{core.__name__}.{name} overrides nothing: was it renamed in the core?"
            )
