"""Verdicts that once were wrong: a conforming server accused, a broken one approved.

Each case runs suite tests against a reference server changed in one way
(``verdict_variants``) and checks every verdict: a conforming variant must not fail, a
broken one must not pass.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import verdict_variants as v
from variant_runner import Variant, run_variant

# Outcome sets: what each test of a case may end as.
NOT_FAILED = frozenset({"passed", "skipped", "warned"})
NOT_PASSED = frozenset({"failed", "error"})
PASSED = frozenset({"passed"})
FAILED = frozenset({"failed"})
ERROR = frozenset({"error"})

VRFY = "test_rfc5321_vrfy_expn_help.py"
TRACE = "test_rfc5321_trace.py"
UTF8 = "test_rfc6531_smtputf8.py"
SMUGGLING = "test_rfc5321_smuggling.py"


@dataclass(frozen=True, kw_only=True)
class Case:
    name: str
    expected: Mapping[str, frozenset[str]]  # test (file.py::name) -> allowed outcomes
    servers: Mapping[str, Any] = field(default_factory=dict)
    service: str = "smtp"

    def variant(self) -> Variant:
        return Variant(
            name=self.name,
            suite="smtp",
            tests=tuple(self.expected),
            servers=self.servers,
            service=self.service,
        )


CASES = [
    Case(
        # RFC 8314 §3.3: a 465 service may demand AUTH; the profile's account logs in.
        name="smtps_requires_auth",
        servers={"require_auth": True},
        service="smtps",
        expected={
            "test_rfc5321_mail_rcpt_data.py::test_mail_is_accepted_with_250": PASSED,
            "test_rfc5321_mail_rcpt_data.py::test_rcpt_is_accepted_with_250": PASSED,
            "test_rfc5321_mail_rcpt_data.py::test_data_gets_354": PASSED,
        },
    ),
    Case(
        name="expn_disabled_252",
        servers={"connection_factory": v.ExpnDisabled252},
        expected={
            f"{VRFY}::test_disabled_command_answers_252": PASSED,
            f"{VRFY}::test_expn_supported_is_advertised": NOT_FAILED,
        },
    ),
    Case(
        name="expn_disabled_550",
        servers={"connection_factory": v.ExpnDisabled550},
        expected={
            f"{VRFY}::test_disabled_command_answers_252[EXPN]": FAILED,
            f"{VRFY}::test_disabled_command_answers_252[VRFY]": PASSED,
            f"{VRFY}::test_expn_supported_is_advertised": NOT_FAILED,
        },
    ),
    Case(
        name="vrfy_always_550",
        servers={"connection_factory": v.VrfyAlways550},
        expected={f"{VRFY}::test_disabled_command_answers_252[VRFY]": FAILED},
    ),
    Case(
        name="garbage_to_queries",
        servers={"connection_factory": v.GarbageToQueries},
        expected={
            f"{VRFY}::test_vrfy_unknown_user_is_not_250": NOT_PASSED,
            f"{VRFY}::test_expn_unknown_list_is_not_250": NOT_PASSED,
            "test_rfc5321_command_order.py::test_non_mail_commands_before_ehlo": NOT_PASSED,
            "test_rfc5321_errors.py::test_required_command_is_implemented[VRFY]": NOT_PASSED,
        },
    ),
    Case(
        name="garbage_to_mail_under_tls",
        servers={"connection_factory": v.GarbageToMailUnderTls},
        expected={
            "test_rfc3207_starttls.py::test_ehlo_argument_forgotten_after_handshake": NOT_PASSED
        },
    ),
    Case(
        # RFC 3207 §4: a server requiring TLS answers 530 to RSET before STARTTLS.
        name="tls_required_530",
        servers={"require_tls": True, "tls_available": True},
        expected={"test_rfc5321_command_order.py::test_non_mail_commands_before_ehlo": NOT_FAILED},
    ),
    Case(
        name="size_value_not_checked",
        servers={"connection_factory": v.SizeValueNotChecked},
        expected={"test_rfc1870_size.py": NOT_FAILED},
    ),
    Case(
        name="silent_after_message",
        servers={"connection_factory": v.SilentAfterMessage},
        expected={
            f"{SMUGGLING}::test_bare_lf_period_lf_does_not_end_data": NOT_PASSED,
            f"{SMUGGLING}::test_look_alike_terminator_does_not_end_data": NOT_PASSED,
        },
    ),
    Case(
        name="lmtp_hop_above",
        servers={"connection_factory": v.LmtpHopAbove},
        expected={TRACE: NOT_FAILED, f"{UTF8}::test_trace_with_clause_is_utf8smtp": PASSED},
    ),
    Case(
        name="only_lmtp_hop_field",
        servers={"connection_factory": v.OnlyLmtpHopField},
        expected={f"{TRACE}::test_received_field_is_prepended": FAILED},
    ),
    Case(
        name="utf8_bounced_downstream",
        servers={"connection_factory": v.Utf8BouncedDownstream},
        expected={f"{UTF8}::test_utf8_message_delivered_intact": ERROR},
    ),
]


def _runs_of(test: str, outcomes: Mapping[str, str]) -> dict[str, str]:
    """The runs of ``test`` (a file, a test, or one parametrized instance)."""
    prefix = test if "::" in test else test + "::"
    return {
        key: outcome
        for key, outcome in outcomes.items()
        if key == test or key.startswith(prefix) or key.startswith(test + "[")
    }


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_verdict(case: Case, tmp_path: Path) -> None:
    outcomes = run_variant(case.variant(), tmp_path)
    for test, allowed in case.expected.items():
        runs = _runs_of(test, outcomes)
        assert runs, f"{test} did not run against {case.name}: {outcomes}"
        wrong = {key: outcome for key, outcome in runs.items() if outcome not in allowed}
        assert not wrong, f"{case.name}: expected {test} {sorted(allowed)}, got {wrong}"


def test_smtps_run_names_its_login_not_its_password(tmp_path: Path) -> None:
    """results.json says which account the smtps sessions used, never its password."""
    case = CASES[0]
    run_variant(case.variant(), tmp_path)
    text = (tmp_path / "report" / "results.json").read_text(encoding="utf-8")
    document = json.loads(text)
    (url,) = [url for url in document["run"]["logins"] if url.startswith("smtps://")]
    assert document["run"]["logins"][url] == "alice"
    smtps = [r for r in document["results"] if str(r["target"]).startswith("smtps://")]
    assert smtps and all(r["user"] == "alice" for r in smtps)
    password = (tmp_path / "p.toml").read_text().split('password = "')[1].split('"')[0]
    assert password not in text
