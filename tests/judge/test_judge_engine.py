"""The judge engine end to end: a client connects, its sessions are recorded under the
scenario it was given, and each check becomes a verdict keyed to its requirement."""

from __future__ import annotations

import smtplib
import socket

from reference_impl._judge import Judge, JudgeServer, Outcome, grade
from reference_impl._listeners import PROTOCOLS
from reference_impl._scenarios import judging_of, requirement_of_kind
from reference_impl.smtp._client_defects import ClientDefectKind

JUDGING = judging_of(str(PROTOCOLS["smtp"].judging))


def _outcomes(judge: Judge) -> dict[str, str]:
    return {v.check.name: v.outcome.value for v in grade(judge)}


def test_a_correct_client_passes_the_line_end_check() -> None:
    judge = Judge(JUDGING)
    with JudgeServer("smtp", judge) as server:
        with smtplib.SMTP(server.host, server.port, timeout=10) as client:
            client.sendmail("a@client.example", ["b@judge.example"], b"Subject: x\r\n\r\nbody\r\n")
        assert judge.wait_closed(1, timeout=10)
    assert _outcomes(judge)["crlf-line-ends"] == "passed"
    assert "from:<a@client.example>" in judge.records[0].transcript.lower()


def test_a_bare_lf_fails_the_line_end_check_with_its_key() -> None:
    judge = Judge(JUDGING)
    with JudgeServer("smtp", judge) as server:
        with socket.create_connection((server.host, server.port), timeout=10) as sock:
            sock.recv(1024)
            sock.sendall(b"EHLO client.example\nNOOP\r\n")
            sock.recv(1024)
            sock.sendall(b"QUIT\r\n")
            sock.recv(1024)
        assert judge.wait_closed(1, timeout=10)
    (verdict,) = [v for v in grade(judge) if v.check.name == "crlf-line-ends"]
    assert verdict.outcome is Outcome.FAILED
    assert (verdict.requirement.rfc, verdict.requirement.section) == (5321, "2.3.8")
    assert "BARE_LINE_END" in verdict.reason


def test_no_client_is_an_error_not_a_pass() -> None:
    judge = Judge(JUDGING)
    assert {v.outcome for v in grade(judge)} == {Outcome.ERROR}


def test_a_defect_kind_gives_its_requirement_key() -> None:
    requirement = requirement_of_kind(ClientDefectKind.DATA_BEFORE_354)
    assert (requirement.rfc, requirement.section, requirement.level) == (2920, "3.1", "MUST")
