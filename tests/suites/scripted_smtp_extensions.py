"""Misbehaving SMTP servers said as wire rules (see ``wire_script``): each breaks one
rule of an SMTP service extension, and names the suite tests (below suites/smtp/) that
must fail on it."""

from __future__ import annotations

from scripted_smtp import trace_edited
from wire_script import Script, one_rule, refused

__all__ = ["SCRIPTS"]

SIZE = "test_rfc1870_size.py"
CODES = "test_rfc2034_enhancedstatuscodes.py"
PIPELINING = "test_rfc2920_pipelining.py"
CHUNKING = "test_rfc3030_chunking.py"
STARTTLS = "test_rfc3207_starttls.py"
DSN = "test_rfc3461_dsn.py"
AUTH = "test_rfc4954_auth.py"
EIGHT_BIT = "test_rfc6152_8bitmime.py"
UTF8 = "test_rfc6531_smtputf8.py"

# A non-ASCII octet in a path (RFC 6531 §3.3 addresses), as the rules' regex sees it.
NON_ASCII_PATH = r"<[^>]*[\x80-\xff]"


def _ehlo(pattern: bytes, replacement: bytes) -> Script:
    """The EHLO reply with ``pattern`` replaced."""
    return one_rule(r"EHLO", rewrite=((pattern, replacement),))


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "size-value-not-a-number": (
        _ehlo(rb"250-SIZE \d+", b"250-SIZE big"),
        (f"{SIZE}::test_ehlo_size_parameter_is_a_number",),
    ),
    "size-parameter-refused": (
        refused(r"MAIL FROM:<\S*> SIZE=", b"552 5.3.4 message too big\r\n"),
        (f"{SIZE}::test_mail_with_size_accepted",),
    ),
    "keywords-with-a-parameter": (
        _ehlo(
            rb"250([- ])(ENHANCEDSTATUSCODES|PIPELINING|8BITMIME|SMTPUTF8)\r\n", rb"250\1\2 yes\r\n"
        ),
        (
            f"{CODES}::test_ehlo_keyword_has_no_parameter",
            f"{PIPELINING}::test_ehlo_keyword_has_no_parameter",
            f"{EIGHT_BIT}::test_ehlo_keyword_has_no_parameter",
            f"{UTF8}::test_ehlo_keyword_has_no_parameter",
        ),
    ),
    "status-codes-differ-per-line": (
        one_rule(r"NOOP", reply=b"250-2.0.0 OK\r\n250 2.0.1 OK\r\n"),
        (f"{CODES}::test_same_status_code_on_each_line[noop]",),
    ),
    "status-codes-only-after-ehlo": (
        one_rule(r"NOOP", rewrite=((rb"\A250 \d\.\d\.\d ", b"250 "),)),
        (f"{CODES}::test_status_codes_without_ehlo",),
    ),
    "mail-after-message-refused-in-group": (
        one_rule(r"MAIL", skip=1, send=b"", reply=b"503 5.5.1 one message per group\r\n"),
        (f"{PIPELINING}::test_commands_after_message_in_same_group",),
    ),
    "chunk-answered-251": (
        one_rule(r"BDAT \d+\r?\n", rewrite=((rb"\A250", b"251"),)),
        (f"{CHUNKING}::test_each_chunk_answered_250",),
    ),
    "last-empty-chunk-refused": (
        one_rule(r"BDAT 0 LAST", rewrite=((rb"\A250[^\r\n]*", b"451 4.3.0 try again"),)),
        (f"{CHUNKING}::test_bdat_zero_last_ends_message",),
    ),
    "data-refused-with-chunking": (
        refused(r"DATA\r?\n", b"502 5.5.1 use BDAT\r\n"),
        (f"{CHUNKING}::test_data_still_supported",),
    ),
    "starttls-answered-250": (
        one_rule(r"STARTTLS", rewrite=((rb"\A220", b"250"),)),
        (f"{STARTTLS}::test_starttls_answered_with_220",),
    ),
    "second-starttls-accepted": (
        one_rule(r"STARTTLS", skip=1, send=b"", reply=b"250 2.0.0 already secure\r\n"),
        (f"{STARTTLS}::test_second_starttls_refused",),
    ),
    "dsn-mail-parameters-refused": (
        refused(r"MAIL FROM:<\S*> .*(ENVID|RET)=", b"555 5.5.4 unsupported parameter\r\n"),
        (f"{DSN}::test_valid_envid_ret_do_not_change_mail_reply",),
    ),
    "dsn-bad-rcpt-parameters-accepted": (
        one_rule(r"RCPT TO:<\S*> ", rewrite=((rb"\A501[^\r\n]*", b"250 2.1.5 OK"),)),
        (f"{DSN}::test_invalid_notify_orcpt_refused_501",),
    ),
    "plain-not-offered-over-tls": (
        _ehlo(rb"(AUTH[^\r\n]*) PLAIN", rb"\1"),
        (f"{AUTH}::test_plain_offered_over_tls",),
    ),
    "auth-success-250": (
        one_rule(r"AUTH PLAIN \S", rewrite=((rb"\A235", b"250"),)),
        (f"{AUTH}::test_auth_plain_success_235",),
    ),
    "empty-challenge-without-space": (
        one_rule(r"AUTH PLAIN\r?\n", rewrite=((rb"\A334 \r\n", b"334\r\n"),)),
        (f"{AUTH}::test_empty_challenge_is_334_space",),
    ),
    "challenge-not-base64": (
        one_rule(r"AUTH (LOGIN|CRAM-MD5)\r?\n", rewrite=((rb"\A334 ([^\r\n]*)", rb"334 \1 !"),)),
        (f"{AUTH}::test_challenge_is_only_base64",),
    ),
    "initial-response-to-cram-md5-ignored": (
        one_rule(r"AUTH CRAM-MD5 \S", send=b"AUTH CRAM-MD5\r\n"),
        (f"{AUTH}::test_initial_response_to_server_first_mechanism_501",),
    ),
    "long-password-501": (
        one_rule(r"AUTH PLAIN \S{300}", rewrite=((rb"\A535", b"501"),)),
        (f"{AUTH}::test_plain_accepts_255_octet_password",),
    ),
    "cram-md5-challenge-not-a-msg-id": (
        one_rule(r"AUTH CRAM-MD5\r?\n", reply=b"334 aGVsbG8=\r\n"),
        (f"{AUTH}::test_cram_md5_challenge_is_msg_id",),
    ),
    "cram-md5-right-digest-refused": (
        # "YWxpY2Ug" is "alice " in BASE64: the CRAM-MD5 answer of the first account.
        one_rule(r"YWxpY2Ug", rewrite=((rb"\A235[^\r\n]*", b"535 5.7.8 refused"),)),
        (f"{AUTH}::test_cram_md5_correct_digest_authenticates",),
    ),
    "ehlo-domain-utf8": (
        _ehlo(rb"\A250-mx\.example\.test", "250-mx.exämple.test".encode()),
        (f"{UTF8}::test_ehlo_domain_is_ascii",),
    ),
    "utf8-sender-refused": (
        refused(r"MAIL FROM:" + NON_ASCII_PATH, b"553 5.6.7 no UTF-8 here\r\n"),
        (f"{UTF8}::test_utf8_reverse_path_accepted",),
    ),
    "utf8-sender-refused-553": (
        # Refused as non-ASCII (X.6.7) but with 553, where §3.5 names 550.
        refused(r"MAIL FROM:" + NON_ASCII_PATH + r"[^>]*>\r?\n", b"553 5.6.7 needs SMTPUTF8\r\n"),
        (f"{UTF8}::test_utf8_sender_without_smtputf8_refused",),
    ),
    "utf8-recipient-syntax-error": (
        refused(r"RCPT TO:" + NON_ASCII_PATH, b"501 5.1.3 bad address syntax\r\n"),
        (f"{UTF8}::test_utf8_forward_path_not_a_syntax_error",),
    ),
    "utf8-recipient-refused-550": (
        one_rule(r"RCPT TO:" + NON_ASCII_PATH, rewrite=((rb"\A553", b"550"),)),
        (f"{UTF8}::test_utf8_recipient_without_smtputf8_553",),
    ),
    "trace-with-esmtp-for-utf8": (
        trace_edited(rb"with UTF8SMTP\w*", b"with ESMTP"),
        (f"{UTF8}::test_trace_with_clause_is_utf8smtp",),
    ),
}
