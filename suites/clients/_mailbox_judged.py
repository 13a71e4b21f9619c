"""Runs each POP3 or IMAP client (``_mailbox_adapters``) under one scenario the first
time a check of that run is asked for, and keeps the verdicts and what the client
retrieved, which the check tests read (``test_pop3_clients``, ``test_imap_clients``)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_impl._judge import Judge, JudgeServer, Verdict, grade
from reference_impl._scenarios import Judging, judging_of
from suites.clients._judged import assert_verdict, case
from suites.clients._mailbox_adapters import MAILBOX_CLIENTS, Ran

__all__ = ["JUDGINGS", "assert_holds", "assert_kept_as_served", "cases", "run_of"]

JUDGINGS: dict[str, Judging] = {
    "pop3": judging_of("reference_impl.pop3._scenarios"),
    "imap": judging_of("reference_impl.imap._scenarios"),
}


@dataclass(frozen=True)
class Run:
    """One client's session under one scenario: the judge's verdicts by check, what the
    client saw, and the message the judge served."""

    verdicts: dict[str, Verdict]
    ran: Ran
    served: bytes


# (client, scenario) -> its run; per test process (each xdist worker runs the clients
# of its own groups).
_RUNS: dict[tuple[str, str], Run] = {}
_BROKEN: dict[tuple[str, str], str] = {}  # runs that could not be graded, and why


def cases(
    protocol: str,
    check: str,
    known: dict[tuple[str, str], str] | None = None,
    *,
    sometimes: dict[tuple[str, str], str] | None = None,
) -> list[object]:
    """(client, scenario) parameters of ``protocol``'s clients under every scenario
    ``check`` is graded under (``check`` empty: every scenario), one xdist group per
    client; ``known`` marks the findings kept in docs/client-findings.md as expected
    failures, ``sometimes`` those a client shows in some runs only."""
    judging = JUDGINGS[protocol]
    found = []
    for client, mailbox in MAILBOX_CLIENTS.items():
        if mailbox.protocol != protocol:
            continue
        for name in mailbox.scenarios:
            graded = {c.name for c in judging.checks_of(judging.scenario(name))}
            if check and check not in graded:
                continue
            if (client, name) in (sometimes or {}):
                found.append(case(client, name, (sometimes or {})[(client, name)], strict=False))
            else:
                found.append(case(client, name, (known or {}).get((client, name))))
    return found


def run_of(client: str, scenario: str) -> Run:
    """``client``'s run under ``scenario``, run the first time it is asked for."""
    mailbox = MAILBOX_CLIENTS[client]
    if mailbox.missing:
        pytest.skip(mailbox.missing)
    if (client, scenario) in _BROKEN:
        raise RuntimeError(_BROKEN[(client, scenario)])
    if (client, scenario) not in _RUNS:
        judging = JUDGINGS[mailbox.protocol]
        judge = Judge(judging, [judging.scenario(scenario)])
        server = JudgeServer(mailbox.protocol, judge)
        with tempfile.TemporaryDirectory() as scratch, server:
            ran = mailbox.run(server, Path(scratch), mailbox.scenarios[scenario])
            closed = judge.wait_closed(judge.opened, timeout=20)
        if not closed:
            _BROKEN[(client, scenario)] = (
                f"{client} under {scenario}: the session did not end in 20 s"
            )
            raise RuntimeError(_BROKEN[(client, scenario)])
        verdicts = {v.check.name: v for v in grade(judge)}
        _RUNS[(client, scenario)] = Run(verdicts, ran, judging.messages[0])
    return _RUNS[(client, scenario)]


def assert_holds(check: str, client: str, scenario: str) -> None:
    """Pass, skip (not exercised), or fail with the reason and the transcript."""
    run = run_of(client, scenario)
    said = run.ran.output.strip()
    note = f"\n(the client, exit {run.ran.status}: {said[-1500:]!r})" if said else ""
    assert_verdict(run.verdicts[check], client, note)


def assert_kept_as_served(client: str, scenario: str) -> None:
    """What the client kept ends with the message served (fetchmail adds its own
    Received: field first); skip when it kept nothing."""
    run = run_of(client, scenario)
    if run.ran.retrieved is None:
        pytest.skip(f"{client} under {scenario} kept nothing (exit {run.ran.status})")
    said = run.ran.output.strip()[-1500:]
    assert run.ran.retrieved.endswith(run.served), (
        f"{client} under {scenario} kept, at its end:\n{run.ran.retrieved[-600:]!r}\n"
        f"(the client, exit {run.ran.status}: {said!r})"
    )
