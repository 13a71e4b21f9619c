"""The SMTP extension suites can fail: each runs against a reference server broken in
exactly the rule it checks, and must report a failure there (and pass unbroken).

Every case starts ``EmbeddedServers`` with a broken core from ``broken_smtp_extensions``
and runs the named suite tests in a separate pytest process against it, as a user would
(``--profile`` with ``--strict-should`` so a broken SHOULD also counts as failed), then
reads the verdicts from results.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import broken_smtp_extensions as broken
import pytest

import suites.smtp
from reference_impl._embedded import EmbeddedServers
from reference_impl.smtp import ServerConnection

SUITE = Path(suites.smtp.__file__).parent
STARTTLS = "test_rfc3207_starttls.py"
AUTH = "test_rfc4954_auth.py"
SIZE = "test_rfc1870_size.py"
PIPELINING = "test_rfc2920_pipelining.py"
CODES = "test_rfc2034_enhancedstatuscodes.py"
EIGHT_BIT = "test_rfc6152_8bitmime.py"
UTF8 = "test_rfc6531_smtputf8.py"
CHUNKING = "test_rfc3030_chunking.py"
DSN = "test_rfc3461_dsn.py"


@dataclass(frozen=True, kw_only=True)
class BrokenCase:
    """A broken server and the suite tests (``file::test``) that must fail against it."""

    name: str
    tests: tuple[str, ...]
    factory: Callable[..., ServerConnection] = ServerConnection
    config: dict[str, Any] = field(default_factory=dict)


CASES = [
    BrokenCase(
        name="starttls-keeps-pipelined-commands",
        factory=broken.StarttlsKeepsPipelinedCommands,
        tests=(f"{STARTTLS}::test_pipelined_command_after_starttls_not_executed",),
    ),
    BrokenCase(
        name="starttls-advertised-after-tls",
        factory=broken.StarttlsAdvertisedAfterTls,
        tests=(f"{STARTTLS}::test_starttls_not_advertised_after_handshake",),
    ),
    BrokenCase(
        name="starttls-keeps-session",
        factory=broken.StarttlsKeepsSession,
        tests=(
            f"{STARTTLS}::test_mail_transaction_forgotten_after_handshake",
            f"{STARTTLS}::test_ehlo_argument_forgotten_after_handshake",
        ),
    ),
    BrokenCase(
        name="starttls-parameter-ignored",
        factory=broken.StarttlsParameterIgnored,
        tests=(f"{STARTTLS}::test_starttls_with_parameter_refused_501",),
    ),
    BrokenCase(
        name="auth-cancel-not-501",
        factory=broken.AuthCancelNot501,
        tests=(f"{AUTH}::test_cancel_with_star_501",),
    ),
    BrokenCase(
        name="auth-repeatable",
        factory=broken.AuthRepeatable,
        tests=(f"{AUTH}::test_auth_after_success_503",),
    ),
    BrokenCase(
        name="auth-in-transaction",
        factory=broken.AuthInTransaction,
        tests=(f"{AUTH}::test_auth_during_transaction_503",),
    ),
    BrokenCase(
        name="auth-unknown-mechanism-535",
        factory=broken.AuthUnknownMechanism535,
        tests=(f"{AUTH}::test_unknown_mechanism_504",),
    ),
    BrokenCase(
        name="auth-equals-ignored",
        factory=broken.AuthEqualsIgnored,
        tests=(f"{AUTH}::test_equals_sign_is_an_empty_initial_response",),
    ),
    BrokenCase(
        name="auth-base64-lenient",
        factory=broken.AuthBase64Lenient,
        tests=(
            f"{AUTH}::test_undecodable_response_501",
            f"{AUTH}::test_pad_inside_base64_rejected_501",
        ),
    ),
    BrokenCase(
        name="auth-wrong-password-accepted",
        factory=broken.AuthWrongPasswordAccepted,
        tests=(
            f"{AUTH}::test_wrong_password_535",
            f"{AUTH}::test_plain_wrong_password_not_authenticated",
            f"{AUTH}::test_cram_md5_wrong_digest_refused",
        ),
    ),
    BrokenCase(
        name="auth-parameter-refused",
        factory=broken.AuthParameterRefused,
        tests=(f"{AUTH}::test_mail_auth_parameter_accepted_unauthenticated",),
    ),
    BrokenCase(
        name="auth-offered-without-tls",
        config={"auth_without_tls": True},
        tests=(
            f"{AUTH}::test_plaintext_mechanisms_not_offered_without_tls",
            f"{AUTH}::test_plain_refused_without_tls",
        ),
    ),
    BrokenCase(
        name="size-parameter-ignored",
        factory=broken.SizeParameterIgnored,
        tests=(
            f"{SIZE}::test_declared_size_over_maximum_552",
            f"{SIZE}::test_malformed_size_value_refused",
        ),
    ),
    BrokenCase(
        name="size-advertised-not-enforced",
        factory=broken.SizeAdvertisedNotEnforced,
        tests=(f"{SIZE}::test_message_over_maximum_refused_552",),
    ),
    BrokenCase(
        name="pipelining-flushes-on-error",
        factory=broken.PipeliningFlushesOnError,
        tests=(
            f"{PIPELINING}::test_responses_in_command_order",
            f"{PIPELINING}::test_input_kept_after_failed_command",
        ),
    ),
    BrokenCase(
        name="pipelining-holds-replies",
        factory=broken.PipeliningHoldsReplies,
        tests=(f"{PIPELINING}::test_pending_responses_sent_when_input_drained",),
    ),
    BrokenCase(
        name="enhanced-code-wrong-class",
        factory=broken.EnhancedCodeWrongClass,
        tests=(f"{CODES}::test_status_class_matches_reply_code",),
    ),
    BrokenCase(
        name="enhanced-code-leading-zero",
        factory=broken.EnhancedCodeLeadingZero,
        tests=(f"{CODES}::test_status_code_without_leading_zeros",),
    ),
    BrokenCase(
        name="enhanced-code-missing",
        factory=broken.EnhancedCodeMissing,
        tests=(f"{CODES}::test_status_code_on_every_line",),
    ),
    BrokenCase(
        name="eight-bit-stripped",
        factory=broken.EightBitStripped,
        tests=(
            f"{EIGHT_BIT}::test_eight_bit_octets_preserved",
            f"{UTF8}::test_utf8_message_delivered_intact",
        ),
    ),
    BrokenCase(
        name="body-parameter-refused",
        factory=broken.BodyParameterRefused,
        tests=(f"{EIGHT_BIT}::test_body_parameter_accepted",),
    ),
    BrokenCase(
        name="smtputf8-value-accepted",
        factory=broken.Smtputf8ValueAccepted,
        tests=(f"{UTF8}::test_smtputf8_parameter_takes_no_value",),
    ),
    BrokenCase(
        name="smtputf8-without-8bitmime",
        factory=broken.Smtputf8Without8bitmime,
        tests=(f"{UTF8}::test_8bitmime_announced_too",),
    ),
    BrokenCase(
        name="bdat-chunk-read-as-commands",
        factory=broken.BdatChunkReadAsCommands,
        tests=(
            f"{CHUNKING}::test_failed_bdat_data_discarded",
            f"{CHUNKING}::test_pipelined_chunks_after_failure_discarded",
        ),
    ),
    BrokenCase(
        name="bdat-after-last-accepted",
        factory=broken.BdatAfterLastAccepted,
        tests=(f"{CHUNKING}::test_bdat_after_last_503",),
    ),
    BrokenCase(
        name="data-after-bdat-accepted",
        factory=broken.DataAfterBdatAccepted,
        tests=(f"{CHUNKING}::test_data_after_bdat_503",),
    ),
    BrokenCase(
        name="bdat-rset-keeps-chunks",
        factory=broken.BdatRsetKeepsChunks,
        tests=(f"{CHUNKING}::test_rset_clears_sent_chunks",),
    ),
    BrokenCase(
        name="bdat-dot-unstuffed",
        factory=broken.BdatDotUnstuffed,
        tests=(f"{CHUNKING}::test_chunks_stored_byte_exact",),
    ),
    BrokenCase(
        name="dsn-ret-unchecked",
        factory=broken.DsnRetUnchecked,
        tests=(f"{DSN}::test_invalid_envid_ret_refused_501[ret-unknown-value]",),
    ),
    BrokenCase(
        name="dsn-notify-refused",
        factory=broken.DsnNotifyRefused,
        tests=(
            f"{DSN}::test_valid_notify_orcpt_do_not_change_rcpt_reply[notify-never]",
            f"{DSN}::test_valid_notify_orcpt_do_not_change_rcpt_reply[notify-and-orcpt]",
        ),
    ),
]


def _profile(servers: EmbeddedServers, path: Path) -> Path:
    accounts = "".join(
        f'[[accounts]]\nuser = "{user}"\npassword = "{password}"\naddress = "{address}"\n'
        for user, password, address in servers.users
    )
    path.write_text(
        f'[targets]\nsmtp = "smtp://{servers.host}:{servers.smtp_port}"\n'
        f'[tls]\nverify = true\nca_file = "{servers.ca_file}"\n'
        f'server_name = "{servers.server_name}"\n'
        f'[delivery]\nallowed = true\nlocal_domain = "{servers.local_domain}"\n'
        f'readback = "store:{servers.root / "store"}"\n' + accounts,
        encoding="utf-8",
    )
    return path


def _outcomes(
    tests: tuple[str, ...], workdir: Path, factory: Callable[..., ServerConnection], **config: Any
) -> dict[str, str]:
    """Run suite ``tests`` against a reference server built by ``factory``: id -> outcome."""
    with EmbeddedServers(connection_factory=factory, **config) as servers:
        profile = _profile(servers, workdir / "profile.toml")
        report_dir = workdir / "report"
        command = [sys.executable, "-bb", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += ["--strict-should", "--profile", str(profile), "--report-dir", str(report_dir)]
        command += [str(SUITE / test) for test in tests]
        run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    results_file = report_dir / "results.json"
    assert results_file.exists(), f"no results.json; pytest said:\n{run.stdout}\n{run.stderr}"
    results = json.loads(results_file.read_text(encoding="utf-8"))["results"]
    outcomes = {result["id"]: result["outcome"] for result in results}
    assert outcomes, f"no suite test selected by {tests}:\n{run.stdout}"
    return outcomes


def _broken_run(case: BrokenCase, workdir: Path) -> dict[str, str] | BaseException:
    try:
        return _outcomes(case.tests, workdir, case.factory, **case.config)
    except BaseException as exc:  # reported by the test of that case
        return exc


@pytest.fixture(scope="module")
def broken_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case against its broken server, in parallel (each run is mostly waiting)."""

    def run(case: BrokenCase) -> dict[str, str] | BaseException:
        return _broken_run(case, tmp_path_factory.mktemp(case.name))

    with ThreadPoolExecutor(max_workers=12) as pool:
        return dict(zip((case.name for case in CASES), pool.map(run, CASES), strict=True))


@pytest.fixture(scope="module")
def reference_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """All the cases' tests in one run against the unbroken reference server."""
    tests = tuple(dict.fromkeys(test for case in CASES for test in case.tests))
    return _outcomes(tests, tmp_path_factory.mktemp("reference"), ServerConnection)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_suite_fails_against_broken_server(
    case: BrokenCase, broken_verdicts: dict[str, Any]
) -> None:
    outcomes = broken_verdicts[case.name]
    if isinstance(outcomes, BaseException):
        raise outcomes
    not_failed = {test: outcome for test, outcome in outcomes.items() if outcome != "failed"}
    name = getattr(case.factory, "__name__", "ServerConnection") + f" {case.config or ''}"
    assert not not_failed, f"{name}: these tests did not fail: {not_failed}"


def test_suite_passes_against_reference_server(reference_verdicts: dict[str, str]) -> None:
    not_passed = {test: out for test, out in reference_verdicts.items() if out != "passed"}
    assert not not_passed, f"unbroken reference server: these tests did not pass: {not_passed}"
