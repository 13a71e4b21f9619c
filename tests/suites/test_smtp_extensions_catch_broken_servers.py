"""The SMTP extension suites can fail: each runs against a reference server broken in
exactly the rule it checks, and must report a failure there (and pass unbroken).

Every case starts ``EmbeddedServers`` with a broken core from ``broken_smtp_extensions``
(or a changed configuration) and runs the named suite tests against it in a separate
pytest process, as a user would (see ``variant_runner``).
"""

from __future__ import annotations

import broken_smtp_extensions as broken
import pytest
from variant_runner import Variant, VariantRuns, runs_fixture

from reference_impl.smtp import ServerConnection

STARTTLS = "test_rfc3207_starttls.py"
AUTH = "test_rfc4954_auth.py"
SIZE = "test_rfc1870_size.py"
PIPELINING = "test_rfc2920_pipelining.py"
CODES = "test_rfc2034_enhancedstatuscodes.py"
EIGHT_BIT = "test_rfc6152_8bitmime.py"
UTF8 = "test_rfc6531_smtputf8.py"
CHUNKING = "test_rfc3030_chunking.py"
DSN = "test_rfc3461_dsn.py"


def _case(
    *,
    name: str,
    tests: tuple[str, ...],
    factory: type[ServerConnection] | None = None,
    config: dict[str, object] | None = None,
) -> Variant:
    """A broken server (a core ``factory``, or a ``config`` change) and the tests that
    must fail against it."""
    servers: dict[str, object] = {"connection_factory": factory} if factory else {}
    return Variant(name=name, suite="smtp", tests=tests, servers={**servers, **(config or {})})


CASES = [
    _case(
        name="starttls-keeps-pipelined-commands",
        factory=broken.StarttlsKeepsPipelinedCommands,
        tests=(f"{STARTTLS}::test_pipelined_command_after_starttls_not_executed",),
    ),
    _case(
        name="starttls-advertised-after-tls",
        factory=broken.StarttlsAdvertisedAfterTls,
        tests=(f"{STARTTLS}::test_starttls_not_advertised_after_handshake",),
    ),
    _case(
        name="starttls-keeps-session",
        factory=broken.StarttlsKeepsSession,
        tests=(
            f"{STARTTLS}::test_mail_transaction_forgotten_after_handshake",
            f"{STARTTLS}::test_ehlo_argument_forgotten_after_handshake",
        ),
    ),
    _case(
        name="starttls-parameter-ignored",
        factory=broken.StarttlsParameterIgnored,
        tests=(f"{STARTTLS}::test_starttls_with_parameter_refused_501",),
    ),
    _case(
        name="auth-cancel-not-501",
        factory=broken.AuthCancelNot501,
        tests=(f"{AUTH}::test_cancel_with_star_501",),
    ),
    _case(
        name="auth-repeatable",
        factory=broken.AuthRepeatable,
        tests=(f"{AUTH}::test_auth_after_success_503",),
    ),
    _case(
        name="auth-in-transaction",
        factory=broken.AuthInTransaction,
        tests=(f"{AUTH}::test_auth_during_transaction_503",),
    ),
    _case(
        name="auth-unknown-mechanism-535",
        factory=broken.AuthUnknownMechanism535,
        tests=(f"{AUTH}::test_unknown_mechanism_504",),
    ),
    _case(
        name="auth-equals-ignored",
        factory=broken.AuthEqualsIgnored,
        tests=(f"{AUTH}::test_equals_sign_is_an_empty_initial_response",),
    ),
    _case(
        name="auth-base64-lenient",
        factory=broken.AuthBase64Lenient,
        tests=(
            f"{AUTH}::test_undecodable_response_501",
            f"{AUTH}::test_pad_inside_base64_rejected_501",
        ),
    ),
    _case(
        name="auth-wrong-password-accepted",
        factory=broken.AuthWrongPasswordAccepted,
        tests=(
            f"{AUTH}::test_wrong_password_535",
            f"{AUTH}::test_plain_wrong_password_not_authenticated",
            f"{AUTH}::test_cram_md5_wrong_digest_refused",
        ),
    ),
    _case(
        name="auth-parameter-refused",
        factory=broken.AuthParameterRefused,
        tests=(f"{AUTH}::test_mail_auth_parameter_accepted_unauthenticated",),
    ),
    _case(
        name="auth-offered-without-tls",
        config={"auth_without_tls": True},
        tests=(
            f"{AUTH}::test_plaintext_mechanisms_not_offered_without_tls",
            f"{AUTH}::test_plain_refused_without_tls",
        ),
    ),
    _case(
        name="size-parameter-ignored",
        factory=broken.SizeParameterIgnored,
        tests=(f"{SIZE}::test_declared_size_over_maximum_552",),
    ),
    _case(
        name="size-advertised-not-enforced",
        factory=broken.SizeAdvertisedNotEnforced,
        tests=(f"{SIZE}::test_message_over_maximum_refused_552",),
    ),
    _case(
        name="size-ends-data",
        factory=broken.SizeEndsData,
        tests=(f"{SIZE}::test_size_parameter_does_not_end_data",),
    ),
    _case(
        name="pipelining-flushes-on-error",
        factory=broken.PipeliningFlushesOnError,
        tests=(
            f"{PIPELINING}::test_responses_in_command_order",
            f"{PIPELINING}::test_input_kept_after_failed_command",
        ),
    ),
    _case(
        name="pipelining-holds-replies",
        factory=broken.PipeliningHoldsReplies,
        tests=(f"{PIPELINING}::test_pending_responses_sent_when_input_drained",),
    ),
    _case(
        name="enhanced-code-wrong-class",
        factory=broken.EnhancedCodeWrongClass,
        tests=(f"{CODES}::test_status_class_matches_reply_code",),
    ),
    _case(
        name="enhanced-code-leading-zero",
        factory=broken.EnhancedCodeLeadingZero,
        tests=(f"{CODES}::test_status_code_without_leading_zeros",),
    ),
    _case(
        name="enhanced-code-missing",
        factory=broken.EnhancedCodeMissing,
        tests=(f"{CODES}::test_status_code_on_every_line",),
    ),
    _case(
        name="eight-bit-stripped",
        factory=broken.EightBitStripped,
        tests=(
            f"{EIGHT_BIT}::test_eight_bit_octets_preserved",
            f"{UTF8}::test_utf8_message_delivered_intact",
        ),
    ),
    _case(
        name="body-parameter-refused",
        factory=broken.BodyParameterRefused,
        tests=(f"{EIGHT_BIT}::test_body_parameter_accepted",),
    ),
    _case(
        name="smtputf8-without-8bitmime",
        factory=broken.Smtputf8Without8bitmime,
        tests=(f"{UTF8}::test_8bitmime_announced_too",),
    ),
    _case(
        name="bdat-chunk-read-as-commands",
        factory=broken.BdatChunkReadAsCommands,
        tests=(
            f"{CHUNKING}::test_failed_bdat_data_discarded",
            f"{CHUNKING}::test_pipelined_chunks_after_failure_discarded",
        ),
    ),
    _case(
        name="bdat-after-last-accepted",
        factory=broken.BdatAfterLastAccepted,
        tests=(f"{CHUNKING}::test_bdat_after_last_503",),
    ),
    _case(
        name="data-after-bdat-accepted",
        factory=broken.DataAfterBdatAccepted,
        tests=(f"{CHUNKING}::test_data_after_bdat_503",),
    ),
    _case(
        name="bdat-rset-keeps-chunks",
        factory=broken.BdatRsetKeepsChunks,
        tests=(f"{CHUNKING}::test_rset_clears_sent_chunks",),
    ),
    _case(
        name="bdat-dot-unstuffed",
        factory=broken.BdatDotUnstuffed,
        tests=(f"{CHUNKING}::test_chunks_stored_byte_exact",),
    ),
    _case(
        name="dsn-ret-unchecked",
        factory=broken.DsnRetUnchecked,
        tests=(f"{DSN}::test_invalid_envid_ret_refused_501[ret-unknown-value]",),
    ),
    _case(
        name="dsn-notify-refused",
        factory=broken.DsnNotifyRefused,
        tests=(
            f"{DSN}::test_valid_notify_orcpt_do_not_change_rcpt_reply[notify-never]",
            f"{DSN}::test_valid_notify_orcpt_do_not_change_rcpt_reply[notify-and-orcpt]",
        ),
    ),
]


runs = runs_fixture(CASES)
# One suite run serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_smtp_extensions_catch_broken_servers")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_suite_fails_against_broken_server(case: Variant, runs: VariantRuns) -> None:
    runs.expect(case, "failed")


def test_suite_passes_against_reference_server(runs: VariantRuns) -> None:
    runs.expect(runs.reference, "passed")
