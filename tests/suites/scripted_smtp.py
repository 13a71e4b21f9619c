"""Misbehaving SMTP servers said as wire rules (see ``wire_script``): each breaks one
RFC 5321 rule, and names the suite tests (below suites/smtp/) that must fail on it."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from wire_script import GREETING, Rule, Script, one_rule, refused

from reference_impl.smtp import MessageReceived

__all__ = ["BASELINES", "SCRIPTS", "trace_edited"]

RSET_NOOP_QUIT = "test_rfc5321_rset_noop_quit.py"
GREETING_REPLIES = "test_rfc5321_greeting_replies.py"
ERRORS = "test_rfc5321_errors.py"
EHLO_HELO = "test_rfc5321_ehlo_helo.py"
ORDER = "test_rfc5321_command_order.py"
VRFY = "test_rfc5321_vrfy_expn_help.py"
MAIL_RCPT_DATA = "test_rfc5321_mail_rcpt_data.py"
TRACE = "test_rfc5321_trace.py"
TRANSPARENCY = "test_rfc5321_transparency.py"
LIMITS = "test_rfc5321_limits.py"


def _in_data(command: str, *edit: tuple[bytes, bytes]) -> Script:
    """Lines of mail data matching ``command`` reach the core edited (so are stored so)."""
    return one_rule(command, in_data=True, edit=edit)


def trace_edited(pattern: bytes, replacement: bytes) -> Script:
    """The Received: field the core prepends is stored with ``pattern`` replaced."""

    def edit_trace(event: Any) -> Any:
        if not isinstance(event, MessageReceived):
            return event
        return dataclasses.replace(event, trace=re.sub(pattern, replacement, event.trace))

    return Script(events=edit_trace)


def _refuse(command: str, reply: bytes = b"502 5.5.1 not implemented\r\n") -> Script:
    return refused(command, reply)


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "no-dot-unstuffing": (
        # Each leading period doubled again: what the core unstuffs is still stuffed.
        _in_data(r"\.", (rb"\A\.", b"..")),
        (
            f"{TRANSPARENCY}::test_leading_period_is_removed",
            f"{TRANSPARENCY}::test_only_the_first_period_is_removed",
            f"{TRANSPARENCY}::test_stuffed_lone_period_is_content",
            f"{TRANSPARENCY}::test_stuffing_split_across_segments",
            f"{TRANSPARENCY}::test_first_data_line_with_period",
        ),
    ),
    "mixed-multiline-codes": (
        one_rule(r"EHLO", rewrite=((rb"\A(250-[^\r\n]*\r\n)250-", rb"\g<1>251-"),)),
        (f"{GREETING_REPLIES}::test_multiline_reply_uses_one_code",),
    ),
    "rcpt-before-mail-accepted": (
        one_rule(r"RCPT", rewrite=((rb"\A503[^\r\n]*", b"250 2.1.5 OK"),)),
        (
            f"{ORDER}::test_rcpt_without_mail_gets_503",
            f"{ORDER}::test_refused_mail_keeps_the_state",
            f"{ORDER}::test_refused_rcpt_keeps_the_session",
            f"{RSET_NOOP_QUIT}::test_rset_discards_the_sender",
        ),
    ),
    "no-503-for-bad-sequence": (
        one_rule(r"", rewrite=((rb"\A503 [^\r\n]*", b"250 2.0.0 OK"),)),
        (
            f"{ORDER}::test_rcpt_without_mail_gets_503",
            f"{ORDER}::test_data_without_mail_is_refused",
            f"{RSET_NOOP_QUIT}::test_rset_discards_the_sender",
        ),
    ),
    "no-received-field": (
        trace_edited(rb"(?s).+", b""),
        (
            f"{TRACE}::test_received_field_is_prepended",
            f"{TRACE}::test_received_has_from_clause",
            f"{TRACE}::test_received_ends_with_date_time",
        ),
    ),
    "rset-keeps-transaction": (
        refused(r"RSET", b"250 2.0.0 OK\r\n"),
        (
            f"{RSET_NOOP_QUIT}::test_rset_discards_the_sender",
            f"{RSET_NOOP_QUIT}::test_rset_discards_the_recipients",
        ),
    ),
    "quit-keeps-connection": (
        refused(r"QUIT", b"221 2.0.0 Bye\r\n"),
        (f"{RSET_NOOP_QUIT}::test_quit_closes_the_connection",),
    ),
    "helo-answered-like-ehlo": (
        one_rule(r"HELO", edit=((rb"\AHELO", b"EHLO"),)),
        (f"{EHLO_HELO}::test_helo_reply_is_not_extended",),
    ),
    "rset-refused": (
        _refuse(r"RSET\r?\n"),
        (
            f"{RSET_NOOP_QUIT}::test_rset_gets_250",
            f"{RSET_NOOP_QUIT}::test_rset_in_a_transaction_gets_250",
        ),
    ),
    "rset-closes": (
        Script((Rule(r"RSET", send=b"QUIT\r\n", reply=b"250 2.0.0 OK\r\n"),)),
        (f"{RSET_NOOP_QUIT}::test_rset_does_not_close",),
    ),
    "noop-refused": (_refuse(r"NOOP\r?\n"), (f"{RSET_NOOP_QUIT}::test_noop_gets_250",)),
    "noop-parameter-refused": (
        _refuse(r"NOOP ", b"501 5.5.4 no parameters allowed\r\n"),
        (f"{RSET_NOOP_QUIT}::test_noop_parameter_is_ignored",),
    ),
    "noop-resets": (
        Script((Rule(r"NOOP", send=b"RSET\r\n"),)),
        (f"{RSET_NOOP_QUIT}::test_noop_keeps_the_transaction",),
    ),
    "quit-answered-250": (
        Script((Rule(r"QUIT", rewrite=((rb"^221", b"250"),)),)),
        (
            f"{RSET_NOOP_QUIT}::test_quit_gets_221",
            f"{RSET_NOOP_QUIT}::test_quit_before_ehlo_gets_221",
            f"{RSET_NOOP_QUIT}::test_quit_in_a_transaction_gets_221",
        ),
    ),
    "closes-after-error": (
        Script((Rule(r"FOOBAR", send=b"QUIT\r\n", reply=b"500 5.5.2 unrecognized\r\n"),)),
        (f"{RSET_NOOP_QUIT}::test_no_close_after_an_error",),
    ),
    "greeting-421": (
        one_rule(GREETING, reply=b"421 4.3.2 mx.example.test busy\r\n"),
        (f"{GREETING_REPLIES}::test_greeting_is_220_or_554",),
    ),
    "greeting-without-domain": (
        one_rule(GREETING, rewrite=((rb"\A220 \S+", b"220 *"),)),
        (f"{GREETING_REPLIES}::test_greeting_names_the_server",),
    ),
    "noop-reply-bare-lf": (
        one_rule(r"NOOP\r?\n", reply=b"250 2.0.0 OK\n"),
        (f"{GREETING_REPLIES}::test_replies_end_lines_with_crlf",),
    ),
    "noop-reply-code-650": (
        one_rule(r"NOOP\r?\n", reply=b"650 2.0.0 OK\r\n"),
        (f"{GREETING_REPLIES}::test_reply_codes_are_three_digits_2_to_5",),
    ),
    "help-reply-line-600-octets": (
        one_rule(r"HELP", reply=b"214 " + b"x" * 600 + b"\r\n"),
        (f"{GREETING_REPLIES}::test_reply_lines_at_most_512_octets",),
    ),
    "unknown-command-502": (
        _refuse(r"(FOOBAR|XCONFORMANCETEST)"),
        (
            f"{ERRORS}::test_unrecognized_command_gets_500",
            f"{ERRORS}::test_unrecognized_private_command_gets_500",
        ),
    ),
    "vrfy-not-implemented": (
        _refuse(r"VRFY"),
        (
            f"{ERRORS}::test_required_command_is_implemented[VRFY]",
            f"{VRFY}::test_vrfy_accepts_an_address",
        ),
    ),
    "argument-to-rset-quit-ignored": (
        Script((Rule(r"RSET now", send=b"RSET\r\n"), Rule(r"QUIT now", send=b"QUIT\r\n"))),
        (f"{ERRORS}::test_argument_to_argumentless_command_gets_501",),
    ),
    "argument-to-data-ignored": (
        one_rule(r"DATA now", send=b"DATA\r\n"),
        (f"{ERRORS}::test_argument_to_data_gets_501",),
    ),
    "mail-without-path-accepted": (
        _refuse(r"MAIL FROM:\r?\n", b"250 2.1.0 OK\r\n"),
        (f"{ERRORS}::test_mail_without_path_gets_501",),
    ),
    "bare-lf-ends-command": (
        one_rule(r"NOOP\n", send=b"NOOP\r\n"),
        (f"{ERRORS}::test_bare_lf_does_not_end_a_command",),
    ),
    "ehlo-refused": (_refuse(r"EHLO conformance"), (f"{EHLO_HELO}::test_ehlo_is_supported",)),
    "helo-refused": (
        _refuse(r"HELO"),
        (
            f"{EHLO_HELO}::test_helo_is_supported",
            f"{ORDER}::test_mail_after_helo_is_accepted",
            f"{ERRORS}::test_required_command_is_implemented[HELO]",
        ),
    ),
    "ehlo-verb-case-sensitive": (
        _refuse(r"(?-i:eHlO)", b"500 5.5.2 unrecognized\r\n"),
        (f"{EHLO_HELO}::test_ehlo_verb_is_case_insensitive",),
    ),
    "ehlo-address-literal-refused": (
        _refuse(r"EHLO \[", b"501 5.5.4 give a domain name\r\n"),
        (
            f"{EHLO_HELO}::test_ehlo_with_address_literal_is_accepted",
            f"{EHLO_HELO}::test_ehlo_name_not_matching_ip_does_not_refuse_mail",
        ),
    ),
    "ehlo-reply-without-domain": (
        one_rule(r"EHLO", rewrite=((rb"\A250-\S+", b"250-*"),)),
        (f"{EHLO_HELO}::test_ehlo_reply_starts_with_server_domain",),
    ),
    "ehlo-line-not-a-keyword": (
        one_rule(r"EHLO", rewrite=((rb"\A(250-[^\r\n]*\r\n)", rb"\g<1>250-_NOT A KEYWORD\r\n"),)),
        (f"{EHLO_HELO}::test_ehlo_reply_lines_are_keywords",),
    ),
    "second-ehlo-keeps-transaction": (
        one_rule(r"EHLO", skip=1, send=b"NOOP\r\n", reply=b"250 mx.example.test\r\n"),
        (f"{EHLO_HELO}::test_second_ehlo_resets_the_transaction",),
    ),
    "ehlo-without-domain-accepted": (
        _refuse(r"EHLO\r?\n", b"250 mx.example.test\r\n"),
        (f"{EHLO_HELO}::test_unacceptable_ehlo_gets_failure_reply",),
    ),
    "ehlo-without-domain-resets": (
        one_rule(r"EHLO\r?\n", send=b"RSET\r\n", reply=b"501 5.5.4 domain required\r\n"),
        (f"{EHLO_HELO}::test_unacceptable_ehlo_keeps_the_state",),
    ),
    "data-without-recipient-354": (
        one_rule(r"DATA", rewrite=((rb"\A(503|554)[^\r\n]*", b"354 go ahead"),)),
        (
            f"{ORDER}::test_data_without_rcpt_is_refused",
            f"{ORDER}::test_data_after_all_rcpt_rejected_is_refused",
            "test_rfc2920_pipelining.py::test_data_refused_without_valid_recipient",
        ),
    ),
    "refused-data-resets": (
        one_rule(r"DATA", send=b"RSET\r\n", reply=b"503 5.5.1 need RCPT first\r\n"),
        (f"{ORDER}::test_refused_data_keeps_the_transaction",),
    ),
    "commands-before-ehlo-503": (
        _refuse(r"(NOOP|RSET|HELP|VRFY|EXPN)", b"503 5.5.1 say EHLO first\r\n"),
        (f"{ORDER}::test_non_mail_commands_before_ehlo",),
    ),
    "help-not-implemented": (
        _refuse(r"HELP"),
        (f"{VRFY}::test_help_without_argument",),
    ),
    "vrfy-expn-help-reset": (
        one_rule(r"(VRFY|EXPN|HELP)", send=b"RSET\r\n", reply=b"252 2.5.2 cannot verify\r\n"),
        (f"{VRFY}::test_command_keeps_the_transaction",),
    ),
    "vrfy-250-without-mailbox": (
        _refuse(r"VRFY", b"250 2.1.5 yes\r\n"),
        (
            f"{VRFY}::test_vrfy_250_includes_the_mailbox",
            f"{VRFY}::test_vrfy_250_address_in_angle_brackets",
            f"{VRFY}::test_vrfy_unknown_user_is_not_250",
        ),
    ),
    "expn-250-unadvertised": (
        _refuse(r"EXPN", b"250 2.1.5 everyone\r\n"),
        (
            f"{VRFY}::test_expn_unknown_list_is_not_250",
            f"{VRFY}::test_expn_supported_is_advertised",
            f"{VRFY}::test_expn_250_gives_mailboxes",
        ),
    ),
    "advertised-help-not-implemented": (
        Script(
            (
                Rule(r"EHLO", rewrite=((rb"250 STARTTLS", b"250-HELP\r\n250 STARTTLS"),)),
                Rule(r"HELP", send=b"", reply=b"502 5.5.1 not implemented\r\n"),
            )
        ),
        (f"{EHLO_HELO}::test_advertised_commands_are_implemented",),
    ),
    "mail-refused": (
        _refuse(r"MAIL FROM:<\S", b"550 5.7.1 not from you\r\n"),
        (f"{MAIL_RCPT_DATA}::test_mail_is_accepted_with_250",),
    ),
    "null-sender-refused": (
        _refuse(r"MAIL FROM:<>", b"550 5.7.1 no bounces here\r\n"),
        (f"{MAIL_RCPT_DATA}::test_null_reverse_path_is_accepted",),
    ),
    "mail-verb-case-sensitive": (
        _refuse(r"(?-i:mail from)", b"500 5.5.2 unrecognized\r\n"),
        (f"{MAIL_RCPT_DATA}::test_mail_verb_and_from_are_case_insensitive",),
    ),
    "rcpt-verb-case-sensitive": (
        _refuse(r"(?-i:Rcpt To)", b"500 5.5.2 unrecognized\r\n"),
        (f"{MAIL_RCPT_DATA}::test_rcpt_verb_and_to_are_case_insensitive",),
    ),
    "rcpt-refused": (
        _refuse(r"RCPT", b"550 5.1.1 no such user\r\n"),
        (
            f"{MAIL_RCPT_DATA}::test_rcpt_is_accepted_with_250",
            f"{LIMITS}::test_100_recipients_are_buffered",
        ),
    ),
    "postmaster-refused": (
        _refuse(r"RCPT TO:<Postmaster>", b"550 5.1.1 no such user\r\n"),
        (f"{MAIL_RCPT_DATA}::test_postmaster_without_domain_is_accepted",),
    ),
    "postmaster-case-sensitive": (
        _refuse(r"RCPT TO:<(?-i:pOsTmAsTeR)", b"550 5.1.1 no such user\r\n"),
        (f"{MAIL_RCPT_DATA}::test_postmaster_is_case_insensitive",),
    ),
    "data-answered-350": (
        one_rule(r"DATA\r?\n", rewrite=((rb"\A354", b"350"),)),
        (f"{MAIL_RCPT_DATA}::test_data_gets_354",),
    ),
    "subject-edited": (
        _in_data(r"Subject:", (rb"\r\n", b" (edited)\r\n")),
        (
            f"{MAIL_RCPT_DATA}::test_accepted_message_is_delivered_unchanged",
            f"{MAIL_RCPT_DATA}::test_message_reaches_every_recipient",
            f"{MAIL_RCPT_DATA}::test_two_messages_in_one_session",
        ),
    ),
    "second-data-accepted-without-rcpt": (
        one_rule(r"DATA", skip=1, send=b"", reply=b"354 go ahead\r\n"),
        (f"{MAIL_RCPT_DATA}::test_buffers_cleared_after_a_transaction",),
    ),
    "earlier-received-fields-dropped": (
        _in_data(r"(Received: from (relay2|client)|\tby relay)", (rb".*\r\n", b"")),
        (f"{TRACE}::test_existing_received_fields_are_kept",),
    ),
    "received-without-by": (
        trace_edited(rb"\tby \S+ ", b"\t"),
        (f"{TRACE}::test_received_has_by_clause",),
    ),
    "received-two-digit-year": (
        trace_edited(rb" \d\d(\d\d \d\d:)", rb" \1"),
        (f"{TRACE}::test_received_date_has_four_digit_year",),
    ),
    "received-zone-name": (
        trace_edited(rb"\+0000", b"GMT"),
        (f"{TRACE}::test_received_date_uses_numeric_offset",),
    ),
    "received-from-without-address": (
        trace_edited(rb" \(\[[^]]*\]\)", b""),
        (f"{TRACE}::test_received_from_names_ehlo_host_and_address",),
    ),
    "received-for-two-paths": (
        trace_edited(rb";\r\n", b"\r\n\tfor <alice@example.test> <bob@example.test>;\r\n"),
        (f"{TRACE}::test_received_for_clause_has_one_path",),
    ),
    "periods-inside-lines-dropped": (
        _in_data(r"a\.b", (rb"\.", b"")),
        (f"{TRANSPARENCY}::test_periods_elsewhere_are_kept",),
    ),
    "control-characters-dropped": (
        _in_data(
            r".*[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", (rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", b"")
        ),
        (f"{TRANSPARENCY}::test_control_characters_are_delivered",),
    ),
    "spaces-and-tabs-collapsed": (
        _in_data(r".*(\t|  )", (rb"[ \t]+", b" ")),
        (f"{TRANSPARENCY}::test_spaces_and_tabs_are_delivered",),
    ),
    "terminator-adds-empty-line": (
        one_rule(r"\.\r\n", send=b"\r\n.\r\n"),
        (f"{TRANSPARENCY}::test_terminator_adds_no_empty_line",),
    ),
    "long-command-line-refused": (
        _refuse(r".{500}", b"500 5.5.2 line too long\r\n"),
        (f"{LIMITS}::test_512_octet_command_line_is_accepted",),
    ),
    "long-local-part-refused": (
        _refuse(r"MAIL FROM:<l{64}@", b"501 5.1.7 local-part too long\r\n"),
        (f"{LIMITS}::test_64_octet_local_part_is_accepted",),
    ),
    "long-path-refused": (
        _refuse(r"MAIL FROM:<.{250}", b"501 5.1.7 path too long\r\n"),
        (f"{LIMITS}::test_256_octet_path_is_accepted",),
    ),
    "long-text-line-cut": (
        _in_data(r".{990}", (rb"(.{900}).*\r\n", rb"\1\r\n")),
        (
            f"{LIMITS}::test_1000_octet_text_line_is_accepted",
            f"{LIMITS}::test_1000_octet_line_with_stuffed_period_is_accepted",
        ),
    ),
    "fifty-recipients-at-most": (
        one_rule(r"RCPT", skip=50, send=b"", reply=b"452 4.5.3 too many recipients\r\n"),
        (f"{LIMITS}::test_message_with_100_recipients_is_accepted",),
    ),
    "long-message-lines-edited": (
        _in_data(r"0123456789", (rb"0123456789", b"")),
        (f"{LIMITS}::test_64k_message_is_accepted",),
    ),
}

# Conforming scripts for the tests that the reference never takes down the path they check
# (it answers VRFY with 252, does not implement EXPN, advertises none of VRFY, EXPN, HELP).
BASELINES: dict[str, Script] = {
    "received-for-two-paths": trace_edited(rb";\r\n", b"\r\n\tfor <bob@example.test>;\r\n"),
    "vrfy-250-without-mailbox": Script(
        (
            Rule(r"VRFY no-such", send=b"", reply=b"550 5.1.1 no such user\r\n"),
            Rule(r"VRFY ", send=b"", reply=b"250 2.1.5 Alice <alice@example.test>\r\n"),
        )
    ),
    "expn-250-unadvertised": Script(
        (
            Rule(r"EHLO", rewrite=((rb"250 STARTTLS", b"250-EXPN\r\n250 STARTTLS"),)),
            Rule(r"EXPN postmaster", send=b"", reply=b"250 2.1.5 <postmaster@example.test>\r\n"),
            Rule(r"EXPN ", send=b"", reply=b"550 5.1.1 no such list\r\n"),
        )
    ),
    "advertised-help-not-implemented": Script(
        (Rule(r"EHLO", rewrite=((rb"250 STARTTLS", b"250-HELP\r\n250 STARTTLS"),)),)
    ),
}
