"""The POP3 and IMAP client suites' tests fail for a deliberately broken client
(broken_mail_clients.py) exactly where it breaks a rule: the test of that check, and
the test of what it kept where it keeps the byte-stuffing; every other test it meets
passes or is skipped (not exercised)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reference_impl._judge import JudgeServer
from suites.clients import _mailbox_adapters as adapters
from suites.clients import test_imap_clients, test_pop3_clients
from suites.clients._mailbox_judged import JUDGINGS

sys.path.insert(0, str(Path(__file__).parent))
import broken_mail_clients as broken

pytestmark = pytest.mark.xdist_group("judge-pop3-imap")

SUITES = {"pop3": test_pop3_clients, "imap": test_imap_clients}
KEPT_TEST = "test_what_it_kept_is_the_message_served"
CASES = [
    # (broken client, protocol, scenario, the suite tests it fails)
    ("pop3-bare-lf", "pop3", "baseline", {"test_crlf_line_ends"}),
    ("pop3-pass-before-user", "pop3", "baseline", {"test_command_state"}),
    ("pop3-stls-pipelined", "pop3", "baseline", {"test_waits_for_the_stls_handshake"}),
    ("pop3-no-greeting-wait", "pop3", "slow-greeting", {"test_waits_for_the_greeting"}),
    ("pop3-dele-without-quit", "pop3", "baseline", {"test_quit_to_commit_deletes"}),
    (
        "pop3-keeps-without-uidl",
        "pop3",
        "keep-on-server",
        {"test_uidl_when_keeping_mail_on_the_server"},
    ),
    ("pop3-no-unstuffing", "pop3", "baseline", {KEPT_TEST}),
    (
        "pop3-takes-injected",
        "pop3",
        "stls-injection",
        {"test_plaintext_injected_after_stls_is_discarded"},
    ),
    ("imap-reused-tags", "imap", "baseline", {"test_unique_tags"}),
    ("imap-literal-without-wait", "imap", "baseline", {"test_literal_waits_for_the_continuation"}),
    ("imap-command-during-idle", "imap", "baseline", {"test_no_command_while_idling"}),
    ("imap-no-greeting-wait", "imap", "slow-greeting", {"test_waits_for_the_greeting"}),
    (
        "imap-takes-injected",
        "imap",
        "starttls-injection",
        {"test_plaintext_injected_after_starttls_is_discarded"},
    ),
    ("imap-login-after-preauth", "imap", "preauth", {"test_no_login_after_preauth"}),
    (
        "imap-plaintext-after-preauth",
        "imap",
        "preauth-without-tls",
        {"test_closes_on_a_plaintext_preauth"},
    ),
    ("imap-ignores-expunge", "imap", "expunge-elsewhere", {"test_expunge_is_recorded"}),
]


def broken_adapter(name: str) -> Callable[[JudgeServer, Path, bool], adapters.Ran]:
    def run(server: JudgeServer, tmp: Path, tls: bool) -> adapters.Ran:
        kept = broken.run(name, server.host, server.port, str(server.ca_file))
        return adapters.Ran(0, kept if isinstance(kept, bytes) else None)

    return run


def failed_tests(protocol: str, client: str, scenario: str) -> set[str]:
    """The suite tests that fail for ``client`` under ``scenario`` (a skip is no failure;
    any other exception is raised)."""
    judging = JUDGINGS[protocol]
    graded = {check.name for check in judging.checks_of(judging.scenario(scenario))}
    suite = SUITES[protocol]
    tests = [test for test, check in suite.CHECK_OF.items() if check in graded]
    failed = set()
    for test in [*tests, KEPT_TEST]:
        try:
            getattr(suite, test)(client, scenario)
        except AssertionError:
            failed.add(test)
        except pytest.skip.Exception:
            pass
    return failed


@pytest.mark.parametrize(("name", "protocol", "scenario", "fails"), CASES)
def test_a_broken_client_fails_exactly_its_tests(
    name: str, protocol: str, scenario: str, fails: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = f"broken-{name}"
    mailbox = adapters.MailboxClient(
        protocol=protocol,
        run=broken_adapter(name),
        needs=sys.executable,
        scenarios={scenario: JUDGINGS[protocol].scenario(scenario).needs_tls},
    )
    monkeypatch.setitem(adapters.MAILBOX_CLIENTS, client, mailbox)
    assert failed_tests(protocol, client, scenario) == fails
