"""Each deliberately broken POP3 or IMAP client (broken_mail_clients.py) fails exactly the
judge's check for the rule it breaks, and passes every other check it exercised."""

from __future__ import annotations

import socket
import struct
import sys
from pathlib import Path

import pytest

from reference_impl._judge import Judge, JudgeServer, Outcome, grade
from reference_impl._scenarios import judging_of

sys.path.insert(0, str(Path(__file__).parent))
import broken_mail_clients as broken

pytestmark = pytest.mark.xdist_group("judge-pop3-imap")

CASES = [
    # (client, protocol, scenario, {check: outcome})
    ("pop3-bare-lf", "pop3", "baseline", {"crlf-line-ends": "failed"}),
    ("pop3-pass-before-user", "pop3", "baseline", {"command-state": "failed"}),
    ("pop3-no-greeting-wait", "pop3", "slow-greeting", {"waits-for-greeting": "warned"}),
    ("imap-no-greeting-wait", "imap", "slow-greeting", {"waits-for-greeting": "warned"}),
    ("pop3-stls-pipelined", "pop3", "baseline", {"stls-then-wait": "failed"}),
    ("pop3-takes-injected", "pop3", "stls-injection", {"injected-plaintext-discarded": "failed"}),
    ("pop3-dele-without-quit", "pop3", "baseline", {"quit-commits-deletes": "warned"}),
    ("pop3-keeps-without-uidl", "pop3", "keep-on-server", {"uidl-when-keeping": "warned"}),
    ("imap-reused-tags", "imap", "baseline", {"unique-tags": "warned"}),
    ("imap-literal-without-wait", "imap", "baseline", {"literal-waits-for-continuation": "failed"}),
    ("imap-command-during-idle", "imap", "baseline", {"idle-then-done": "failed"}),
    (
        "imap-login-despite-disabled",
        "imap",
        "starttls-refused",
        {"no-login-when-disabled": "failed"},
    ),
    (
        "imap-takes-injected",
        "imap",
        "starttls-injection",
        {"injected-plaintext-discarded": "failed"},
    ),
    ("imap-login-after-preauth", "imap", "preauth", {"no-login-after-preauth": "failed"}),
    (
        "imap-plaintext-after-preauth",
        "imap",
        "preauth-without-tls",
        {"closes-on-plaintext-preauth": "failed"},
    ),
    ("imap-ignores-expunge", "imap", "expunge-elsewhere", {"expunge-recorded": "failed"}),
]


def judged(client: str, protocol: str, scenario: str) -> tuple[Judge, object]:
    judging = judging_of(f"reference_impl.{protocol}._scenarios")
    judge = Judge(judging, [judging.scenario(scenario)])
    with JudgeServer(protocol, judge) as server:
        result = broken.run(client, server.host, server.port, str(server.ca_file))
        assert judge.wait_closed(1, timeout=10)
    return judge, result


@pytest.mark.parametrize(("client", "protocol", "scenario", "expected"), CASES)
def test_a_broken_client_fails_exactly_its_check(
    client: str, protocol: str, scenario: str, expected: dict[str, str]
) -> None:
    judge, _ = judged(client, protocol, scenario)
    verdicts = grade(judge)
    found = {
        v.check.name: v.outcome.value
        for v in verdicts
        if v.outcome not in (Outcome.PASSED, Outcome.SKIPPED)
    }
    assert found == expected, "\n".join(f"{v.check.name}: {v.reason}" for v in verdicts)
    (broke,) = [v for v in verdicts if v.check.name in expected]
    assert (broke.transcript and broke.defects) or broke.check.inspect is not None


def test_not_unstuffing_is_seen_only_in_what_the_client_kept() -> None:
    """The judge cannot see a client keep "..": the adapter compares what it retrieved
    (RFC 1939 §3), and the judge's own checks all pass."""
    judge, kept = judged("pop3-no-unstuffing", "pop3", "baseline")
    assert {v.outcome for v in grade(judge)} <= {Outcome.PASSED, Outcome.SKIPPED}
    served = judge.judging.messages[0]
    assert isinstance(kept, bytes) and kept != served
    assert kept.replace(b"\r\n..", b"\r\n.") == served


def test_a_failed_handshake_ends_the_session() -> None:
    """A client that resets the connection in the TLS handshake (as fetchmail does when
    plaintext is injected before it): the session is over for the judge, and for the
    connection limits, at once."""
    judge = Judge(judging_of("reference_impl.pop3._scenarios"))
    with JudgeServer("pop3", judge) as server:
        wire = broken.Wire(server.host, server.port)
        wire.line()
        wire.send(b"STLS\r\n")
        wire.line()
        wire.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        wire.close()  # a reset, not a FIN
        assert judge.wait_closed(1, timeout=10)
    assert "TLS handshake failed" in judge.records[0].transcript
