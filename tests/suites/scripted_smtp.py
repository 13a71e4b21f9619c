"""Misbehaving SMTP servers said as wire rules (see ``wire_script``): each breaks one
RFC 5321 rule, and names the suite tests (below suites/smtp/) that must fail on it."""

from __future__ import annotations

from wire_script import GREETING, Rule, Script

__all__ = ["BASELINES", "SCRIPTS"]

RSET_NOOP_QUIT = "test_rfc5321_rset_noop_quit.py"
GREETING_REPLIES = "test_rfc5321_greeting_replies.py"
ERRORS = "test_rfc5321_errors.py"
EHLO_HELO = "test_rfc5321_ehlo_helo.py"
ORDER = "test_rfc5321_command_order.py"
VRFY = "test_rfc5321_vrfy_expn_help.py"


def _one(
    command: str,
    *,
    send: bytes | None = None,
    reply: bytes | None = None,
    rewrite: tuple[tuple[bytes, bytes], ...] = (),
    skip: int = 0,
) -> Script:
    return Script((Rule(command, send=send, reply=reply, rewrite=rewrite, skip=skip),))


def _refuse(command: str, reply: bytes = b"502 5.5.1 not implemented\r\n") -> Script:
    """``command`` never reaches the core: the client gets ``reply``."""
    return Script((Rule(command, send=b"", reply=reply),))


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
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
        _one(GREETING, reply=b"421 4.3.2 mx.example.test busy\r\n"),
        (f"{GREETING_REPLIES}::test_greeting_is_220_or_554",),
    ),
    "greeting-without-domain": (
        _one(GREETING, rewrite=((rb"\A220 \S+", b"220 *"),)),
        (f"{GREETING_REPLIES}::test_greeting_names_the_server",),
    ),
    "noop-reply-bare-lf": (
        _one(r"NOOP\r?\n", reply=b"250 2.0.0 OK\n"),
        (f"{GREETING_REPLIES}::test_replies_end_lines_with_crlf",),
    ),
    "noop-reply-code-650": (
        _one(r"NOOP\r?\n", reply=b"650 2.0.0 OK\r\n"),
        (f"{GREETING_REPLIES}::test_reply_codes_are_three_digits_2_to_5",),
    ),
    "help-reply-line-600-octets": (
        _one(r"HELP", reply=b"214 " + b"x" * 600 + b"\r\n"),
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
        _one(r"DATA now", send=b"DATA\r\n"),
        (f"{ERRORS}::test_argument_to_data_gets_501",),
    ),
    "mail-without-path-accepted": (
        _refuse(r"MAIL FROM:\r?\n", b"250 2.1.0 OK\r\n"),
        (f"{ERRORS}::test_mail_without_path_gets_501",),
    ),
    "bare-lf-ends-command": (
        _one(r"NOOP\n", send=b"NOOP\r\n"),
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
        _one(r"EHLO", rewrite=((rb"\A250-\S+", b"250-*"),)),
        (f"{EHLO_HELO}::test_ehlo_reply_starts_with_server_domain",),
    ),
    "ehlo-line-not-a-keyword": (
        _one(r"EHLO", rewrite=((rb"\A(250-[^\r\n]*\r\n)", rb"\g<1>250-_NOT A KEYWORD\r\n"),)),
        (f"{EHLO_HELO}::test_ehlo_reply_lines_are_keywords",),
    ),
    "second-ehlo-keeps-transaction": (
        _one(r"EHLO", skip=1, send=b"NOOP\r\n", reply=b"250 mx.example.test\r\n"),
        (f"{EHLO_HELO}::test_second_ehlo_resets_the_transaction",),
    ),
    "ehlo-without-domain-accepted": (
        _refuse(r"EHLO\r?\n", b"250 mx.example.test\r\n"),
        (f"{EHLO_HELO}::test_unacceptable_ehlo_gets_failure_reply",),
    ),
    "ehlo-without-domain-resets": (
        _one(r"EHLO\r?\n", send=b"RSET\r\n", reply=b"501 5.5.4 domain required\r\n"),
        (f"{EHLO_HELO}::test_unacceptable_ehlo_keeps_the_state",),
    ),
    "data-without-recipient-354": (
        _one(r"DATA", rewrite=((rb"\A(503|554)[^\r\n]*", b"354 go ahead"),)),
        (
            f"{ORDER}::test_data_without_rcpt_is_refused",
            f"{ORDER}::test_data_after_all_rcpt_rejected_is_refused",
        ),
    ),
    "refused-data-resets": (
        _one(r"DATA", send=b"RSET\r\n", reply=b"503 5.5.1 need RCPT first\r\n"),
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
        _one(r"(VRFY|EXPN|HELP)", send=b"RSET\r\n", reply=b"252 2.5.2 cannot verify\r\n"),
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
}

# Conforming scripts for the tests that the reference never takes down the path they check
# (it answers VRFY with 252, does not implement EXPN, advertises none of VRFY, EXPN, HELP).
BASELINES: dict[str, Script] = {
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
