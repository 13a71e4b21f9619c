"""A long ``--listen`` run holds a bounded number of session records: each session is
graded as it closes, and the verdicts are those of grading every record at the end."""

from __future__ import annotations

import socket
import time
from typing import Any

from reference_impl._judge import Judge, JudgeServer, SessionRecord, grade, grade_records
from reference_impl.smtp._scenarios import JUDGING

SESSIONS = 2000
# Two scenarios without a paced greeting, so each session is a few round trips.
SCENARIOS = [JUDGING.scenario("mail-5xx"), JUDGING.scenario("too-many-recipients")]


def _session(host: str, port: int, number: int) -> None:
    """A short session; every 97th closes without QUIT, every 89th sends a bare LF."""
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.recv(1024)
        if number % 89 == 0:
            sock.sendall(b"NOOP\nNOOP\r\n")
            sock.recv(1024)
        if number % 97 != 0:
            sock.sendall(b"QUIT\r\n")
            sock.recv(1024)


def _comparable(verdicts: list[Any]) -> list[tuple[object, ...]]:
    return [
        (v.scenario.name, v.check.name, v.outcome, v.reason, v.sessions, v.transcript, v.defects)
        for v in verdicts
    ]


def test_a_long_listen_run_keeps_a_bounded_number_of_records() -> None:
    judge = Judge(JUDGING, SCENARIOS)
    seen: list[SessionRecord] = []  # the test's own copies, to grade at the end
    observe = judge.observe

    def observed(core: Any, peer: str) -> SessionRecord:
        record = observe(core, peer)
        seen.append(record)
        return record

    judge.observe = observed  # type: ignore[method-assign]
    most_held = 0
    deadline = time.monotonic() + 120  # a guard, not a timing
    with JudgeServer("smtp", judge) as server:
        for number in range(1, SESSIONS + 1):
            assert time.monotonic() < deadline, f"only {number} sessions in 120 s"
            _session(server.host, server.port, number)
            if number % 100 == 0:
                most_held = max(most_held, len(judge.records))
        assert judge.wait_closed(SESSIONS, timeout=30)
    assert most_held <= Judge.KEPT_RECORDS + 2  # the first ones, and one or two closing
    assert len(judge.records) == Judge.KEPT_RECORDS
    by_check = {(v.scenario.name, v.check.name): v for v in grade(judge)}
    assert by_check[("mail-5xx", "quit-at-end")].outcome == "failed"
    assert by_check[("mail-5xx", "crlf-line-ends")].sessions == SESSIONS // 2
    seen.sort(key=lambda record: record.sequence)
    assert _comparable(grade(judge)) == _comparable(grade_records(JUDGING, SCENARIOS, seen))
