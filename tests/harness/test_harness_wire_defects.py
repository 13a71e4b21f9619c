"""Every defect a core records on the wire reaches the reports with the test, whether the
test asserted on it or not: results.json, the JUnit properties."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Script, ScriptedServer

from conformance import Pop2Session, Pop3Session, Transcript, parse_target
from conformance._transcript import MAX_DEFECTS
from reference_impl._defects import Defect
from reference_impl.smtp import ReplyDefectKind

Start = Callable[[Script], ScriptedServer]

# The test asserts only on the code: the bare LF and the escape are nobody's assertion.
NOOP_PASSES = '''
import pytest

@pytest.mark.rfc(5321, "4.1.1.9", "MUST")
def test_noop(smtp):
    """This command does not affect any parameters or previously entered commands."""
    assert smtp.noop().code == 250
'''


def _sloppy_noop(line: bytes) -> bytes:
    # RFC 5321 §2.3.8 (LF alone ends nothing) and §4.2 (text is HT and printable ASCII).
    return b"250 ok \x1b[31mred\n" if line.startswith(b"NOOP") else b"250 ok\r\n"


def _run_against(pytester: pytest.Pytester, server: ScriptedServer, *extra: str) -> dict[str, Any]:
    pytester.makepyfile(test_suite=NOOP_PASSES)
    target = f"smtp://127.0.0.1:{server.port}"
    # xdist workers hand their reports over serialized: run those in a subprocess.
    run = pytester.runpytest_subprocess if extra else pytester.runpytest
    args = ("--target", target, "--report-dir", "out", "--junitxml", "j.xml", *extra)
    result = run("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    document: dict[str, Any] = json.loads((pytester.path / "out" / "results.json").read_text())
    (only,) = document["results"]
    return dict(only)


@pytest.mark.parametrize("workers", [(), ("-n", "1")], ids=["in-process", "xdist"])
def test_defects_nobody_asserted_on_are_in_results_json(
    pytester: pytest.Pytester, scripted_server: Start, workers: tuple[str, ...]
) -> None:
    result = _run_against(pytester, scripted_server(Script(reply=_sloppy_noop)), *workers)
    kinds = [defect["kind"] for defect in result["defects"]]
    assert kinds == ["BARE_LF", "BAD_TEXT"]
    bare_lf = result["defects"][0]
    assert bare_lf["session"] == "smtp#1"
    assert bare_lf["rule"] == ReplyDefectKind.BARE_LF.value
    assert bare_lf["level"] == "MUST" and bare_lf["line"] == 1
    assert result["defects_left_out"] == 0


def test_defect_evidence_is_escaped_in_every_report(
    pytester: pytest.Pytester, scripted_server: Start
) -> None:
    result = _run_against(pytester, scripted_server(Script(reply=_sloppy_noop)))
    assert "\\x1b" in result["defects"][1]["detail"]
    raw_json = (pytester.path / "out" / "results.json").read_text()
    junit = (pytester.path / "j.xml").read_text()
    assert "\x1b" not in raw_json and "\\u001b" not in raw_json
    assert 'name="defect"' in junit and "BARE_LF" in junit and "\x1b" not in junit


def test_a_conforming_target_leaves_no_defects(
    pytester: pytest.Pytester, scripted_server: Start
) -> None:
    result = _run_against(pytester, scripted_server(Script()))
    assert result["defects"] == [] and result["defects_left_out"] == 0


def test_defects_per_test_are_bounded() -> None:
    transcript = Transcript()
    defect = Defect(kind=ReplyDefectKind.NO_TEXT, line=1, detail="b'250'")
    for _ in range(MAX_DEFECTS + 7):
        transcript.defect("smtp#1", defect)
    assert len(transcript.defects) == MAX_DEFECTS and transcript.defects_left_out == 7


def test_pop3_and_pop2_sessions_record_their_defects(scripted_server: Start) -> None:
    pop3 = scripted_server(Script(greeting=b"+OK ready\r\n", reply=lambda line: b"+ok\r\n"))
    pop2 = scripted_server(
        Script(greeting=b"+ POP2 fake.test\r\n", reply=lambda line: b"#1 " + b"x" * 600 + b"\r\n")
    )
    transcript = Transcript()
    with Pop3Session.connect(
        parse_target(f"pop3://127.0.0.1:{pop3.port}"), transcript=transcript
    ) as session:
        session.command("NOOP")
    with Pop2Session.connect(
        parse_target(f"pop2://127.0.0.1:{pop2.port}"), transcript=transcript
    ) as session:
        session.helo("alice", "pw")
    seen = [(defect.session, defect.kind) for defect in transcript.defects]
    assert seen == [("pop3#1", "STATUS_CASE"), ("pop2#1", "LINE_TOO_LONG")]
