"""Waivers: an accepted failure is reported as waived and does not fail the run; an expired
waiver fails again; a waiver whose test passes is reported as no longer needed."""

from __future__ import annotations

import json
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Script, ScriptedServer
from stored_runs import reference_and_broken, run_against

from conformance._errors import ConfigurationError
from conformance._profile import load_profile
from conformance._waivers import WaiverError, load_waivers
from conformance.cli import main
from reference_impl._embedded import EmbeddedServers

SUITE = '''
import pytest

@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_must_pass(smtp):
    """A server MUST answer EHLO with 250."""
    assert smtp.ehlo().code == 250

@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
@pytest.mark.parametrize("code", [998, 999])
def test_must_fail(smtp, code):
    """MUST fail."""
    reply = smtp.ehlo()
    assert reply.code == code, f"sent EHLO, expected {code}, got {reply.code}"

@pytest.mark.rfc(5321, "4.5.3.1", "SHOULD")
def test_should_fail(smtp):
    """SHOULD fail."""
    assert smtp.noop().code == 299, "expected 299"
'''


def _waiver(test: str, *, expires: str | None = None, outcome: str | None = None) -> str:
    lines = [
        "[[waiver]]",
        f"test = {json.dumps(test)}",
        'reason = "vendor accepts it until the next release"',
        'accepted_by = "QA lead"',
    ]
    if expires:
        lines.append(f"expires = {expires}")
    if outcome:
        lines.append(f'outcome = "{outcome}"')
    return "\n".join(lines) + "\n"


def _run(pytester: pytest.Pytester, waivers: str, *args: str) -> tuple[pytest.RunResult, Any]:
    pytester.makepyfile(test_suite=SUITE)
    (pytester.path / "waivers.toml").write_text(waivers)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--waivers", "waivers.toml", "--report-dir", "out", *args
    )
    document = json.loads((pytester.path / "out" / "results.json").read_text())
    return result, {r["id"].rpartition("::")[2]: r for r in document["results"]}


def test_waived_failures_do_not_fail_the_run(pytester: pytest.Pytester) -> None:
    waivers = _waiver("test_suite.py::test_must_fail[[]99?]") + _waiver(
        "test_suite.py::test_should_fail", outcome="warned"
    )
    result, results = _run(pytester, waivers, "--junitxml", "junit.xml")
    assert result.ret == 0
    assert result.parseoutcomes() == {"passed": 1, "waived": 3}
    for name in ("test_must_fail[998]", "test_must_fail[999]", "test_should_fail"):
        assert results[name]["outcome"] == "waived"
        assert results[name]["waiver"] == {
            "test": "test_suite.py::test_must_fail[[]99?]"
            if name.startswith("test_must_fail")
            else "test_suite.py::test_should_fail",
            "reason": "vendor accepts it until the next release",
            "accepted_by": "QA lead",
            "expires": None,
            "state": "applied",
        }
    # What failed stays on record: the waiver accepts it, it does not hide it.
    assert results["test_must_fail[999]"]["reason"].endswith("expected 999, got 250")
    assert results["test_must_pass"]["waiver"] is None
    cases = {
        case.get("name"): case for case in ET.parse(pytester.path / "junit.xml").iter("testcase")
    }
    skipped = cases["test_must_fail[999]"].find("skipped")
    assert skipped is not None
    message = skipped.get("message", "")
    assert message.startswith("waived (QA lead): vendor accepts it until the next release")
    assert "expected 999" in message


def test_exact_id_with_brackets_matches_itself(pytester: pytest.Pytester) -> None:
    result, results = _run(pytester, _waiver("test_suite.py::test_must_fail[999]"))
    assert results["test_must_fail[999]"]["outcome"] == "waived"
    assert results["test_must_fail[998]"]["outcome"] == "failed"
    assert result.ret == 1


def test_expired_waiver_fails_again_and_says_so(pytester: pytest.Pytester) -> None:
    result, results = _run(
        pytester, _waiver("test_suite.py::test_must_fail*", expires="2001-02-03")
    )
    assert result.ret == 1
    failed = results["test_must_fail[999]"]
    assert failed["outcome"] == "failed"
    assert failed["waiver"]["state"] == "expired"
    assert failed["waiver"]["expires"] == "2001-02-03"


def test_waiver_until_a_later_date_still_holds(pytester: pytest.Pytester) -> None:
    result, results = _run(
        pytester, _waiver("test_suite.py::test_must_fail*", expires="2999-12-31")
    )
    assert results["test_must_fail[999]"]["outcome"] == "waived"
    assert result.ret == 0


def test_waiver_of_a_passing_test_is_reported_unneeded(pytester: pytest.Pytester) -> None:
    _, results = _run(pytester, _waiver("test_suite.py::test_must_pass"))
    assert results["test_must_pass"]["outcome"] == "passed"
    assert results["test_must_pass"]["waiver"]["state"] == "unneeded"


def test_outcome_filter_leaves_other_outcomes_alone(pytester: pytest.Pytester) -> None:
    result, results = _run(pytester, _waiver("test_suite.py::test_must_fail*", outcome="error"))
    assert results["test_must_fail[999]"]["outcome"] == "failed"
    assert results["test_must_fail[999]"]["waiver"] is None
    assert result.ret == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[waiver]]\ntest = "x"\nreason = "r"\n', "accepted_by must be a non-empty string"),
        (
            '[[waiver]]\ntest = "x"\nreason = "r"\naccepted_by = "a"\nexpires = "soon"\n',
            "expires must be a TOML date like 2027-06-30",
        ),
        (
            '[[waiver]]\ntest = "x"\nreason = "r"\naccepted_by = "a"\nowner = "b"\n',
            "unknown key(s) owner",
        ),
        (
            '[[waiver]]\ntest = "x"\nreason = "r"\naccepted_by = "a"\noutcome = "passed"\n',
            "outcome must be one of failed, warned, error",
        ),
        ("[waivers]\n", "unknown key(s) waivers"),
        ("test = ", "not valid TOML"),
    ],
)
def test_bad_waiver_file_names_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text)
    with pytest.raises(WaiverError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_waivers(path)


def test_bad_waiver_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[[waiver]]\ntest = "x"\n')
    with pytest.raises(SystemExit) as exited:
        main(["run", "--waivers", str(path)])
    assert exited.value.code == 2
    assert "reason must be a non-empty string" in capsys.readouterr().err


# -- the command, against a real broken server -------------------------------------------------

ONE_REPLY = "test_every_command_generates_exactly_one_reply"


@pytest.fixture
def double_replier() -> Iterator[EmbeddedServers]:
    """The reference server with one deliberate bug: two replies to NOOP (RFC 5321 §4.2)."""
    with reference_and_broken() as (_, broken):
        yield broken


def _conformance(
    reports: Path, server: EmbeddedServers, *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done, results = run_against(server, reports, ONE_REPLY, *extra)
    return done, json.loads(results.read_text())


def test_run_with_one_waived_failure_exits_0_and_says_so(
    tmp_path: Path, double_replier: EmbeddedServers
) -> None:
    unwaived, _ = _conformance(tmp_path / "plain", double_replier)
    assert unwaived.returncode == 1, unwaived.stdout[-2000:]
    waivers = tmp_path / "waivers.toml"
    waivers.write_text(
        textwrap.dedent(f"""\
        [[waiver]]
        test = "test_rfc5321_greeting_replies.py::{ONE_REPLY}"
        reason = "NOOP answered twice; fixed in 2.1"
        accepted_by = "release manager"
    """)
    )
    done, document = _conformance(tmp_path / "waived", double_replier, "--waivers", str(waivers))
    assert done.returncode == 0, done.stdout[-2000:]
    assert document["summary"]["waived"] == 1 and document["summary"]["failed"] == 0
    assert "waived (accepted deviations; they do not fail the run): 1" in done.stdout
    assert "NOOP answered twice; fixed in 2.1 (release manager)" in done.stdout


def test_profile_names_the_waiver_file(
    pytester: pytest.Pytester, scripted_server: Callable[[Script], ScriptedServer]
) -> None:
    server = scripted_server(Script())  # answers 250 to every line
    pytester.makepyfile(test_suite=SUITE)
    (pytester.path / "w.toml").write_text(_waiver("test_suite.py::test_must_fail*"))
    (pytester.path / "profile.toml").write_text(
        f'[targets]\nsmtp = "smtp://127.0.0.1:{server.port}"\n[waivers]\nfile = "w.toml"\n'
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--profile", "profile.toml")
    assert result.parseoutcomes() == {"passed": 1, "waived": 2, "warned": 1}
    assert result.ret == 0


def test_profile_with_a_bad_waiver_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "w.toml").write_text('[[waiver]]\ntest = "x"\nreason = "r"\n')
    (tmp_path / "profile.toml").write_text('[waivers]\nfile = "w.toml"\n')
    with pytest.raises(ConfigurationError, match="accepted_by must be a non-empty string"):
        load_profile(tmp_path / "profile.toml")
