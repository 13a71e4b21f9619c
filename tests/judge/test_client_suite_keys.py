"""The client suite's tests carry the requirement keys of the checks they grade, and
every check of the judge is graded by one of them."""

from __future__ import annotations

import pytest

from reference_impl._scenarios import Check
from reference_impl.smtp._scenarios import JUDGING
from suites.clients import test_imap_clients as imap_suite
from suites.clients import test_pop3_clients as pop3_suite
from suites.clients import test_smtp_clients as suite
from suites.clients._mailbox_judged import JUDGINGS

CHECKS = {check.name: check for s in JUDGING.scenarios for check in JUDGING.checks_of(s)}


@pytest.mark.parametrize(("test", "check"), sorted(suite.CHECK_OF.items()))
def test_each_test_is_keyed_like_its_check(test: str, check: str) -> None:
    (marker,) = [m for m in getattr(suite, test).pytestmark if m.name == "rfc"]
    requirement = CHECKS[check].requirement
    assert marker.args == (requirement.rfc, requirement.section, requirement.level)
    assert " ".join(getattr(suite, test).__doc__.split()).startswith(requirement.text[:60])


@pytest.mark.parametrize(("test", "scenarios"), sorted(suite.DELIVERY_TESTS.items()))
def test_each_delivery_test_is_keyed_like_its_scenarios(
    test: str, scenarios: tuple[str, ...]
) -> None:
    (marker,) = [m for m in getattr(suite, test).pytestmark if m.name == "rfc"]
    for name in scenarios:
        requirement = JUDGING.scenario(name).requirement
        assert marker.args == (requirement.rfc, requirement.section, requirement.level)


def test_every_check_and_delivering_scenario_has_a_test() -> None:
    assert set(CHECKS) - set(suite.CHECK_OF.values()) == {"delivers"}
    delivering = {s.name for s in JUDGING.scenarios if "delivers" in {c.name for c in s.checks}}
    assert delivering == {name for names in suite.DELIVERY_TESTS.values() for name in names}


def test_docs_list_every_scenario_and_check_with_its_key() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "judge.md").read_text("utf-8")
    rows = {
        line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("| `")
    }
    for scenario in JUDGING.scenarios:
        row = next(r for name, r in rows.items() if name.startswith(f"`{scenario.name}`"))
        assert scenario.summary in row and scenario.requirement.key in row
    for name, check in CHECKS.items():
        if name != "delivers":  # keyed to each scenario's own requirement
            assert check.requirement.key in rows[f"`{name}`"], name


# The POP3 and IMAP client suites: each test keyed like the check it grades, and every
# check of the protocol's judge graded by one of them.
MAILBOX_SUITES = {"pop3": pop3_suite, "imap": imap_suite}
MAILBOX_TESTS = [
    (protocol, test, check)
    for protocol, module in MAILBOX_SUITES.items()
    for test, check in sorted(module.CHECK_OF.items())
]


def _checks_of(protocol: str) -> dict[str, Check]:
    judging = JUDGINGS[protocol]
    return {check.name: check for s in judging.scenarios for check in judging.checks_of(s)}


@pytest.mark.parametrize(("protocol", "test", "check"), MAILBOX_TESTS)
def test_each_pop3_and_imap_test_is_keyed_like_its_check(
    protocol: str, test: str, check: str
) -> None:
    function = getattr(MAILBOX_SUITES[protocol], test)
    (marker,) = [m for m in function.pytestmark if m.name == "rfc"]
    requirement = _checks_of(protocol)[check].requirement
    assert marker.args == (requirement.rfc, requirement.section, requirement.level)
    assert marker.kwargs.get("basis") == requirement.basis
    assert " ".join(function.__doc__.split("\n\n")[0].split()) == " ".join(requirement.text.split())


@pytest.mark.parametrize("protocol", sorted(MAILBOX_SUITES))
def test_every_pop3_and_imap_check_has_a_test(protocol: str) -> None:
    assert set(MAILBOX_SUITES[protocol].CHECK_OF.values()) == set(_checks_of(protocol))
