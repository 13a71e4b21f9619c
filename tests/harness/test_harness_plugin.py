"""The pytest plugin, driven with pytester: markers, verdicts, transcripts, results.json."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Script, ScriptedServer

Start = Callable[[Script], ScriptedServer]

SUITE = '''
import pytest

@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_must_pass(smtp):
    """A server MUST answer EHLO with 250.

    This second paragraph is not part of the requirement.
    """
    assert smtp.ehlo().code == 250

@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_must_fail(smtp):
    """MUST fail."""
    reply = smtp.ehlo()
    assert reply.code == 999, f"sent EHLO, expected 999, got {reply}"

@pytest.mark.rfc(5321, "4.5.3.1", "SHOULD")
def test_should_fail(smtp):
    """SHOULD fail."""
    assert smtp.noop().code == 299, "expected 299"

@pytest.mark.rfc(5321, "3.5.1", "MAY")
def test_may_fail(smtp):
    """MAY fail."""
    assert smtp.command("VRFY bob").code == 299

@pytest.mark.requires("X-NOT-THERE")
@pytest.mark.rfc(1870, "4", "MUST")
def test_needs_extension(smtp):
    """Needs an extension."""
'''

BASIS = "RFC 1939 predates RFC 2119; §5 defines +OK as the positive response"
WITH_BASIS = f'''
import pytest

@pytest.mark.rfc(1939, "5", "MUST", basis="{BASIS}")
def test_with_basis():
    """The positive response is +OK."""

@pytest.mark.rfc(1939, "5", "MUST")
def test_without_basis():
    """The server MUST answer."""
'''


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--strict-markers", *args)


def _outcomes(result: pytest.RunResult) -> dict[str, int]:
    """The final summary line's counts; includes "warned", which assert_outcomes rejects."""
    return result.parseoutcomes()


def _results(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((path / "results.json").read_text())
    return document


def _by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {result["id"].rpartition("::")[2]: result for result in document["results"]}


def test_verdicts_and_results_json(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = _run(pytester, "--report-dir", "out", "-rA")
    assert _outcomes(result) == {"passed": 1, "failed": 1, "skipped": 1, "warned": 2}
    result.stdout.fnmatch_lines(
        [
            "*conformance warnings*",
            "WARNED test_suite.py::test_should_fail - SHOULD (RFC 5321 §4.5.3.1) not met:*",
            "WARNED test_suite.py::test_may_fail - MAY (RFC 5321 §3.5.1) not met:*",
        ]
    )
    document = _results(pytester.path / "out")
    assert document["summary"] == {
        "total": 5,
        "passed": 1,
        "failed": 1,
        "warned": 2,
        "skipped": 1,
        "error": 0,
        "waived": 0,
    }
    results = _by_name(document)
    passed = results["test_must_pass"]
    assert passed["requirement"] == "A server MUST answer EHLO with 250."
    assert (passed["protocol"], passed["rfc"], passed["section"], passed["level"]) == (
        "smtp",
        5321,
        "4.1.1.1",
        "MUST",
    )
    assert passed["target"].startswith("smtp://127.0.0.1:")
    assert "C: EHLO conformance.test\\r\\n" in passed["transcript"]
    assert passed["duration"] > 0
    assert results["test_must_fail"]["outcome"] == "failed"
    assert "expected 999" in results["test_must_fail"]["reason"]
    assert results["test_should_fail"]["outcome"] == "warned"
    assert "expected 299" in results["test_should_fail"]["reason"]
    skipped = results["test_needs_extension"]
    assert skipped["outcome"] == "skipped"
    assert skipped["reason"] == "target does not advertise X-NOT-THERE"
    assert document["run"]["targets"] == ["embedded reference servers"]
    assert "--report-dir" in document["run"]["pytest_args"]


def test_strict_should_turns_should_into_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = _run(pytester, "--strict-should", "--report-dir", "out")
    assert _outcomes(result) == {"passed": 1, "failed": 2, "skipped": 1, "warned": 1}
    assert _by_name(_results(pytester.path / "out"))["test_should_fail"]["outcome"] == "failed"


def test_failure_report_shows_the_transcript(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = _run(pytester, "-k", "must_fail")
    result.stdout.fnmatch_lines(["*- transcript -*", "*C: EHLO conformance.test\\r\\n"])


def test_warning_and_transcript_reach_junit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    _run(pytester, "--junitxml", "junit.xml", "-k", "should_fail")
    xml = (pytester.path / "junit.xml").read_text()
    assert '<property name="warning" value="SHOULD (RFC 5321 §4.5.3.1) not met' in xml
    assert '<property name="transcript" value="--- smtp#1' in xml


def test_unreachable_target_is_an_error_with_one_line(
    pytester: pytest.Pytester, closed_port: int
) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = _run(pytester, "--target", f"smtp://127.0.0.1:{closed_port}", "--report-dir", "o")
    result.assert_outcomes(errors=5)  # the requires probe cannot connect either
    line = (
        f"TargetUnreachable: cannot connect to smtp://127.0.0.1:{closed_port}: connection refused"
    )
    result.stdout.fnmatch_lines([line])
    assert "Traceback" not in result.stdout.str()
    results = _by_name(_results(pytester.path / "o"))
    assert {r["outcome"] for r in results.values()} == {"error"}
    assert results["test_must_pass"]["reason"] == line


def test_timeout_during_the_test_is_an_error(
    pytester: pytest.Pytester, scripted_server: Start
) -> None:
    server = scripted_server(Script(reply=lambda line: b"" if b"NOOP" in line else b"250 ok\r\n"))
    pytester.makepyfile(
        test_silent='''
        import pytest

        @pytest.mark.rfc(5321, "4.1.1.9", "MUST")
        def test_noop(smtp):
            """NOOP gets 250."""
            assert smtp.noop().code == 250
        '''
    )
    target = f"smtp://127.0.0.1:{server.port}"
    result = _run(pytester, "--target", target, "--conformance-timeout", "0.3", "--report-dir", "o")
    result.stdout.fnmatch_lines(["*1 error*"])
    assert result.ret == 1
    reason = _by_name(_results(pytester.path / "o"))["test_noop"]["reason"]
    assert reason == f"TargetTimeout: no reply from {target} within 0.3 s after 'NOOP'"


def test_a_fault_in_the_test_code_is_an_error_not_a_failure(
    pytester: pytest.Pytester, scripted_server: Start
) -> None:
    server = scripted_server(Script(reply=lambda line: b"250 ok\r\n"))
    pytester.makepyfile(
        test_buggy='''
        import pytest

        @pytest.mark.rfc(5321, "4.1.1.9", "MUST")
        def test_noop(smtp):
            """NOOP gets 250."""
            assert {}["missing"] == smtp.noop().code
        '''
    )
    target = f"smtp://127.0.0.1:{server.port}"
    result = _run(pytester, "--target", target, "--report-dir", "o")
    result.stdout.fnmatch_lines(["*1 error*"])
    assert _by_name(_results(pytester.path / "o"))["test_noop"]["outcome"] == "error"


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ('rfc(5321, "4.1.1.1", "MUSTN\'T")', "rfc level must be MUST, SHOULD or MAY"),
        ('rfc("5321", "4.1.1.1", "MUST")', "rfc number must be a positive int"),
        ('rfc(5321, "", "MUST")', "rfc section must be a non-empty string"),
        ("rfc(5321)", "rfc marker missing section, level"),
        ('rfc(5321, "4", "MUST", basis="")', "rfc basis must be a non-empty string"),
        ('rfc(5321, "4", "MUST", why="x")', "rfc marker unexpected or repeated argument 'why'"),
        ("requires()", "requires marker takes one capability name"),
    ],
)
def test_invalid_markers_are_collection_errors(
    pytester: pytest.Pytester, marker: str, problem: str
) -> None:
    pytester.makepyfile(
        test_bad=f"""
        import pytest

        @pytest.mark.{marker}
        def test_x():
            pass
        """
    )
    under_xdist = ["-n", "2"] if "MUST" in marker else []  # once is enough: it is slow
    for args in ([], under_xdist) if under_xdist else ([],):
        result = _run(pytester, *args)
        # pytest stops with INTERRUPTED; xdist reports the error and TESTS_FAILED.
        assert result.ret in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.TESTS_FAILED)
        result.stdout.fnmatch_lines(
            [
                "*ERROR collecting test_bad.py*",
                "*invalid conformance markers:*",
                f"*test_x: {problem}*",
            ]
        )
        assert "INTERNALERROR" not in result.stdout.str()


def test_basis_reaches_results_json_junit_and_allure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=WITH_BASIS)
    result = _run(
        pytester, "--report-dir", "out", "--junitxml", "junit.xml", "--alluredir", "allure"
    )
    assert _outcomes(result) == {"passed": 2}
    results = _by_name(_results(pytester.path / "out"))
    assert results["test_with_basis"]["basis"] == BASIS
    assert results["test_with_basis"]["level"] == "MUST"
    assert results["test_without_basis"]["basis"] is None
    xml = (pytester.path / "junit.xml").read_text()
    assert xml.count(f'<property name="basis" value="{BASIS}"') == 1
    allure = [json.loads(p.read_text()) for p in (pytester.path / "allure").glob("*-result.json")]
    (with_basis,) = [r for r in allure if r["name"] == "test_with_basis"]
    assert {"name": "basis", "value": BASIS} in with_basis["labels"]
    assert {"name": "level", "value": "MUST"} in with_basis["labels"]
    assert with_basis["description"].endswith(f"Graded MUST, basis: {BASIS}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conformance-timeout", "0"], "the timeout must be a number above 0"),
        (["--conformance-timeout", "soon"], "'soon' is not a number of seconds"),
        (["--target", "smtp:/x"], "has no scheme"),
        (["--target", "pop9://x"], "unknown scheme 'pop9'"),
        (["--profile", "missing.toml"], "profile missing.toml: file not found"),
        (["--pcap"], "--pcap needs --report-dir DIR"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    result = _run(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


def test_delivery_and_readback_follow_the_profile(
    pytester: pytest.Pytester, scripted_server: Start
) -> None:
    server = scripted_server(Script())
    pytester.makefile(
        ".toml",
        profile=f"""
        [targets]
        smtp = "smtp://127.0.0.1:{server.port}"
        [delivery]
        allowed = false
        readback = "none"
        """,
    )
    pytester.makepyfile(
        test_p='''
        import pytest

        @pytest.mark.delivers
        @pytest.mark.rfc(5321, "4.1.1.4", "MUST")
        def test_delivers(smtp):
            """delivers"""

        @pytest.mark.rfc(5321, "4.1.1.4", "MUST")
        def test_readback(readback):
            """reads back"""

        @pytest.mark.rfc(5321, "4.1.1.4", "MUST")
        def test_accounts(accounts):
            """needs two accounts"""
        '''
    )
    result = _run(pytester, "--profile", "profile.toml", "-rs")
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines(
        [
            "*the profile does not allow delivering mail*",
            "*the profile has no way to read delivered mail back*",
            "*the profile names 0 account(s); tests need two*",
        ]
    )


def test_delivery_with_readback_on_the_embedded_store(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_d='''
        import pytest

        @pytest.mark.delivers
        @pytest.mark.rfc(5321, "4.1.1.4", "MUST")
        def test_delivered(smtp, accounts, readback):
            """delivered mail can be read back"""
            smtp.establish()
            assert smtp.mail(accounts[0].address).code == 250
            assert smtp.rcpt(accounts[1].address).code == 250
            assert smtp.data(b"Subject: t\\r\\n\\r\\nmarker-42\\r\\n").code == 250
            assert b"marker-42" in readback.wait_for(accounts[1].address, b"marker-42")

        @pytest.mark.rfc(5321, "4.1.1.4", "MUST")
        def test_not_delivered(accounts, readback):
            """nothing arrives"""
            readback.wait_for(accounts[0].address, b"never-sent", timeout=0.2)
        '''
    )
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*no message containing b'never-sent' arrived for alice@example.test within 0.2 s*"]
    )


def test_smtp_connect_records_several_sessions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_c='''
        import pytest

        @pytest.mark.rfc(5321, "4.1.1.10", "MUST")
        def test_two(smtp_connect):
            """QUIT closes"""
            first, second = smtp_connect(), smtp_connect()
            assert first.quit().code == 221 and first.expect_closed(5)
            assert second.noop().code == 250
            assert False, "show me the transcript"
        '''
    )
    result = _run(pytester)
    result.stdout.fnmatch_lines(["*--- smtp#1*", "*C: QUIT\\r\\n", "*--- smtp#2*", "*C: NOOP*"])


def test_several_targets_parametrize_the_tests(
    pytester: pytest.Pytester, scripted_server: Start
) -> None:
    one, two = scripted_server(Script()), scripted_server(Script())
    pytester.makepyfile(
        test_t='''
        import pytest

        @pytest.mark.rfc(5321, "4.1.1.9", "MUST")
        def test_noop(smtp):
            """NOOP"""
            assert smtp.noop().code == 250
        '''
    )
    targets = [f"smtp://127.0.0.1:{server.port}" for server in (one, two)]
    result = _run(pytester, "--target", targets[0], "--target", targets[1], "--report-dir", "o")
    result.assert_outcomes(passed=2)
    document = _results(pytester.path / "o")
    assert sorted(r["target"] for r in document["results"]) == sorted(targets)
    assert document["run"]["targets"] == targets


def test_xdist_keeps_verdicts_transcripts_and_pcaps(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
        "--report-dir",
        "out",
        "--pcap",
        "--junitxml",
        "junit.xml",
        "-rA",
    )
    assert _outcomes(result) == {"passed": 1, "failed": 1, "skipped": 1, "warned": 2}
    result.stdout.fnmatch_lines(["*WARNED test_suite.py::test_should_fail*"])
    document = _results(pytester.path / "out")
    assert document["summary"]["warned"] == 2
    assert all(r["transcript"] for r in document["results"] if r["outcome"] != "skipped")
    pcaps = sorted(p.name for p in (pytester.path / "out" / "pcap").iterdir())
    assert "test_suite.py_test_must_pass.pcap" in pcaps and len(pcaps) == 4
    assert (pytester.path / "junit.xml").read_text().count('name="transcript"') == 4


def test_allure_gets_the_transcript(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)
    _run(pytester, "--alluredir", "allure", "-k", "must_pass")
    attachments = list((pytester.path / "allure").glob("*-attachment.txt"))
    assert len(attachments) == 1
    assert "C: EHLO conformance.test\\r\\n" in attachments[0].read_text()
    results = [p.read_text() for p in (pytester.path / "allure").glob("*-result.json")]
    assert any('"name": "transcript"' in text for text in results)


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_pcap_option_writes_files_tshark_reads(pytester: pytest.Pytester) -> None:
    import subprocess

    pytester.makepyfile(test_suite=SUITE)
    _run(pytester, "--report-dir", "out", "--pcap", "-k", "must_pass")
    document = _results(pytester.path / "out")
    port = document["results"][0]["target"].rpartition(":")[2]
    pcap = pytester.path / "out" / "pcap" / "test_suite.py_test_must_pass.pcap"
    output = subprocess.run(
        ["tshark", "-r", str(pcap), "-d", f"tcp.port=={port},smtp", "-Y", "smtp"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "C: EHLO conformance.test" in output and "S: 250" in output


def test_plain_tests_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain=textwrap.dedent(
            """
            def test_ok():
                pass

            def test_fails():
                assert False
            """
        )
    )
    result = _run(pytester, "--report-dir", "o")
    result.assert_outcomes(passed=1, failed=1)
    assert _results(pytester.path / "o")["summary"]["total"] == 2


def test_results_name_the_login_of_each_test(pytester: pytest.Pytester) -> None:
    """results.json says whose account a test's sessions used: the user, never the password
    (here the POP3 tests log in as the embedded servers' first account)."""
    pytester.makepyfile(
        test_l='''
        import pytest

        @pytest.mark.rfc(1939, "4", "MUST")
        def test_logged_in(pop3_login):
            """a POP3 login"""
            assert pop3_login().stat().ok

        @pytest.mark.rfc(5321, "4.1.1.10", "MUST")
        def test_smtp_without_login(smtp):
            """no login on the plain SMTP port"""
            assert smtp.quit().code == 221
        '''
    )
    result = _run(pytester, "--report-dir", str(pytester.path / "r"))
    result.assert_outcomes(passed=2)
    document = _results(pytester.path / "r")
    by_name = _by_name(document)
    assert by_name["test_logged_in"]["user"] == "alice"
    assert by_name["test_smtp_without_login"]["user"] is None
    assert list(document["run"]["logins"].values()) == ["alice"]
    assert "alice-password" not in json.dumps(document["run"])
