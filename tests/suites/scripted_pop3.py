"""Misbehaving POP3 servers said as wire rules (see ``wire_script``): each breaks one
rule of RFC 1939, 2449, 2595 or 5034, and names the suite tests (below suites/pop3/)
that must fail on it."""

from __future__ import annotations

from wire_script import GREETING, Rule, Script, one_rule, refused

__all__ = ["SCRIPTS"]

GREET = "test_rfc1939_greeting.py"
STATES = "test_rfc1939_states.py"
TRANSACTION = "test_rfc1939_transaction.py"
MULTILINE = "test_rfc1939_multiline.py"
OPTIONAL = "test_rfc1939_optional.py"
UPDATE = "test_rfc1939_update.py"
LOCKING = "test_rfc1939_locking.py"
CAPA = "test_rfc2449_capa.py"
STLS = "test_rfc2595_stls.py"
AUTH = "test_rfc5034_auth.py"

OK, ERR = b"+OK\r\n", b"-ERR\r\n"
# A multi-line response's end (RFC 1939 §3), where rules add or change lines.
END = rb"\r\n\.\r\n\Z"
LONG_LINE = b"X-LONG " + b"x" * 600


def _refuse(command: str, reply: bytes = ERR) -> Script:
    return refused(command, reply)


def _err_to_ok(command: str, ok: bytes = b"+OK") -> Script:
    """What the core refuses after ``command`` is answered as if it had succeeded."""
    return one_rule(command, rewrite=((rb"\A-ERR[^\r\n]*", ok),))


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "greeting-err": (
        one_rule(GREETING, reply=b"-ERR busy\r\n"),
        (f"{GREET}::test_greeting_is_positive",),
    ),
    "greeting-600-octets": (
        one_rule(GREETING, rewrite=((rb"\r\n\Z", b" " + b"x" * 600 + b"\r\n"),)),
        (f"{GREET}::test_greeting_fits_in_512_octets",),
    ),
    "greeting-bare-lf": (
        one_rule(GREETING, rewrite=((rb"\r\n\Z", b"\n"),)),
        (f"{GREET}::test_greeting_ends_with_crlf",),
    ),
    "unknown-commands-ok": (
        _refuse(r"(XYZZY|FOOBAR|ST\r?\n|STATX|123)", OK),
        (
            f"{GREET}::test_unrecognized_command_gets_err",
            f"{STATES}::test_unknown_command_in_transaction",
            f"{CAPA}::test_pipelined_commands_answered_in_order",
        ),
    ),
    "keywords-case-sensitive": (
        _refuse(r"(?-i:quit)", b"-ERR unknown command\r\n"),
        (f"{GREET}::test_keywords_are_case_insensitive",),
    ),
    "quit-err": (one_rule(r"QUIT", reply=ERR), (f"{GREET}::test_quit_in_authorization",)),
    "quit-keeps-connection": (
        one_rule(r"QUIT", send=b"NOOP\r\n", reply=b"+OK bye\r\n"),
        (
            f"{GREET}::test_quit_in_authorization_closes",
            f"{UPDATE}::test_quit_in_transaction_closes",
        ),
    ),
    "quit-keeps-the-maildrop": (
        _refuse(r"QUIT", b"+OK bye\r\n"),
        (f"{UPDATE}::test_quit_releases_the_maildrop",),
    ),
    "login-commands-accepted-in-transaction": (
        Script(
            (
                Rule(r"USER", skip=1, send=b"", reply=OK),
                Rule(r"PASS", skip=1, send=b"", reply=OK),
                Rule(r"APOP", send=b"", reply=OK),
            )
        ),
        (f"{STATES}::test_authorization_command_refused_in_transaction",),
    ),
    "second-login-refused": (
        one_rule(r"USER", skip=1, send=b"", reply=b"-ERR [AUTH] locked out\r\n"),
        (f"{STATES}::test_new_login_after_failed_one",),
    ),
    "noop-err": (_refuse(r"NOOP"), (f"{STATES}::test_noop_in_transaction",)),
    "invalid-arguments-ok": (
        _refuse(r"(RETR|DELE|TOP 1)\r?\n|RETR one|DELE -1|TOP 1 x", OK),
        (f"{STATES}::test_invalid_arguments_get_err",),
    ),
    "stat-malformed": (
        one_rule(r"STAT", rewrite=((rb"\A\+OK \d+ \d+", b"+OK many"),)),
        (f"{TRANSACTION}::test_stat_format",),
    ),
    "stat-wrong-totals": (
        one_rule(r"STAT", rewrite=((rb"\A\+OK \d+ \d+", b"+OK 999 999"),)),
        (f"{TRANSACTION}::test_stat_matches_the_scan_listing",),
    ),
    "list-counts-from-zero": (
        # A message 0 listed last: fires whether or not the maildrop holds messages.
        one_rule(r"LIST\r?\n", rewrite=((END, b"\r\n0 100\r\n.\r\n"),)),
        (f"{TRANSACTION}::test_message_numbers_count_from_one",),
    ),
    "list-n-size-and-number-swapped": (
        one_rule(r"LIST \d", rewrite=((rb"\A\+OK (\d+) (\d+)", rb"+OK \2 \1"),)),
        (f"{TRANSACTION}::test_list_with_argument_is_one_scan_line",),
    ),
    "list-n-of-missing-ok": (
        _err_to_ok(r"LIST \d", b"+OK 1 100"),
        (
            f"{TRANSACTION}::test_list_of_nonexistent_message",
            f"{TRANSACTION}::test_dele_then_list_of_it_refused",
        ),
    ),
    "retr-of-missing-ok": (
        one_rule(r"RETR \d", rewrite=((rb"\A-ERR[^\r\n]*\r\n", b"+OK 0 octets\r\n.\r\n"),)),
        (
            f"{TRANSACTION}::test_retr_of_nonexistent_message",
            f"{TRANSACTION}::test_retr_of_deleted_refused",
        ),
    ),
    "dele-twice-ok": (_err_to_ok(r"DELE"), (f"{TRANSACTION}::test_dele_twice_refused",)),
    "dele-marks-nothing": (
        one_rule(r"DELE", send=b"NOOP\r\n", reply=b"+OK message deleted\r\n"),
        (
            f"{TRANSACTION}::test_deleted_not_in_scan_listing",
            f"{UPDATE}::test_quit_removes_deleted_messages",
            f"{OPTIONAL}::test_top_of_deleted_refused",
            f"{OPTIONAL}::test_uidl_of_deleted_refused",
        ),
    ),
    "dele-removes-all": (
        one_rule(
            r"DELE",
            send=b"".join(b"DELE %d\r\n" % n for n in range(1, 400)),
            reply=b"+OK message deleted\r\n",
        ),
        (f"{UPDATE}::test_quit_keeps_undeleted_messages",),
    ),
    "rset-unmarks-nothing": (
        one_rule(r"RSET", send=b"NOOP\r\n", reply=b"+OK\r\n"),
        (
            f"{UPDATE}::test_rset_then_quit_deletes_nothing",
            f"{TRANSACTION}::test_rset_unmarks_deleted",
        ),
    ),
    "no-byte-stuffing": (
        one_rule(r"(RETR|TOP)", rewrite=((rb"\r\n\.\.", b"\r\n."),)),
        (
            f"{MULTILINE}::test_lines_starting_with_period_are_stuffed",
            f"{MULTILINE}::test_lone_period_line_does_not_end_the_response",
            f"{MULTILINE}::test_raw_stuffing_on_the_wire",
        ),
    ),
    "transaction-commands-accepted-before-login": (
        _err_to_ok(r"(STAT|LIST|RETR|DELE|NOOP|RSET|TOP|UIDL)\b"),
        (f"{STATES}::test_transaction_command_refused_in_authorization",),
    ),
    "lower-case-status": (
        Script(
            tuple(
                Rule(command, rewrite=((rb"\A\+OK", b"+ok"), (rb"\A-ERR", b"-err")))
                for command in (GREETING, r"")
            )
        ),
        (
            f"{GREET}::test_greeting_status_is_upper_case",
            f"{GREET}::test_error_status_is_upper_case",
        ),
    ),
    "top-sends-the-whole-message": (
        one_rule(r"TOP \d+ \d+", edit=((rb"\A(TOP \d+) \d+", rb"\1 999999"),)),
        (
            f"{OPTIONAL}::test_top_zero_is_header_and_blank_line",
            f"{OPTIONAL}::test_top_sends_n_body_lines",
            f"{OPTIONAL}::test_top_stuffs_periods",
        ),
    ),
    "rfc1939-command-lines-only": (
        # RFC 1939's 40-octet arguments make a line of at most 47 octets with its CRLF.
        _refuse(r"[^\r\n]{46}", b"-ERR line too long\r\n"),
        (f"{CAPA}::test_command_of_255_octets_supported",),
    ),
    "retr-bare-lf-line": (
        one_rule(r"RETR", rewrite=((rb"\A(\+OK[^\r\n]*\r\n)", rb"\1X-Bare: lf\n"),)),
        (f"{MULTILINE}::test_retr_lines_end_with_crlf",),
    ),
    "retr-ends-lf-period": (
        one_rule(r"RETR", rewrite=((END, b"\n.\r\n"),)),
        (f"{MULTILINE}::test_response_ends_with_crlf_period_crlf",),
    ),
    "retr-adds-a-line": (
        one_rule(r"RETR", rewrite=((END, b"\r\nadded by the server\r\n.\r\n"),)),
        (
            f"{MULTILINE}::test_retr_returns_the_whole_message",
            f"{OPTIONAL}::test_top_beyond_the_body_sends_the_message",
        ),
    ),
    "retr-cuts-long-lines": (
        one_rule(r"RETR", rewrite=((rb"([^\r\n]{900})[^\r\n]+", rb"\1"),)),
        (f"{MULTILINE}::test_long_lines_are_retrieved_intact",),
    ),
    "list-status-bare-lf": (
        one_rule(r"LIST\r?\n", rewrite=((rb"\A(\+OK[^\r\n]*)\r\n", rb"\1\n"),)),
        (f"{MULTILINE}::test_scan_listing_is_terminated",),
    ),
    "uidl-overlong-ids": (
        one_rule(r"UIDL\r?\n", rewrite=((rb"\r\n(\d+) \S+", rb"\r\n\1 " + b"u" * 80),)),
        (f"{OPTIONAL}::test_uidl_syntax",),
    ),
    "uidl-ids-repeat": (
        one_rule(r"UIDL\r?\n", rewrite=((rb"\r\n(\d+) \S+", rb"\r\n\1 same"),)),
        (f"{OPTIONAL}::test_uidl_unique",),
    ),
    "uidl-n-other-id": (
        one_rule(r"UIDL \d", rewrite=((rb"\A\+OK (\d+) \S+", rb"+OK \1 other-id"),)),
        (f"{OPTIONAL}::test_uidl_with_argument_matches_listing",),
    ),
    "uidl-n-other-number": (
        one_rule(r"UIDL \d", rewrite=((rb"\A\+OK \d+", b"+OK 99999"),)),
        (f"{OPTIONAL}::test_uidl_single_line_syntax",),
    ),
    "apop-refused": (
        _refuse(r"APOP", b"-ERR [AUTH] no\r\n"),
        (f"{OPTIONAL}::test_apop_with_right_digest",),
    ),
    "apop-timestamp-fixed": (
        one_rule(GREETING, rewrite=((rb"<[^>]*>", b"<1.2@localhost>"),)),
        (f"{OPTIONAL}::test_apop_timestamp_differs_per_greeting",),
    ),
    "refused-login-keeps-the-lock": (
        one_rule(
            r"PASS \S+-wrong",
            send=b"PASS alice-password\r\n",
            reply=b"-ERR [AUTH] Authentication failed\r\n",
        ),
        (f"{LOCKING}::test_refused_login_releases_the_lock",),
    ),
    "second-session-told-logged-in": (
        one_rule(r"PASS", rewrite=((rb"\A-ERR \[IN-USE\][^\r\n]*", b"+OK maildrop locked"),)),
        (f"{LOCKING}::test_concurrent_session_cannot_remove_messages",),
    ),
    "capa-refused": (
        _refuse(r"CAPA"),
        (
            f"{CAPA}::test_capa_in_authorization",
            f"{CAPA}::test_capa_in_transaction",
            f"{CAPA}::test_capa_available",
        ),
    ),
    "capa-line-with-leading-space": (
        one_rule(r"CAPA", rewrite=((rb"\r\nTOP\r\n", b"\r\n TOP\r\n"),)),
        (f"{CAPA}::test_capability_lines_syntax",),
    ),
    "capa-line-600-octets": (
        one_rule(r"CAPA", rewrite=((rb"\r\nTOP\r\n", b"\r\nTOP\r\n" + LONG_LINE + b"\r\n"),)),
        (f"{CAPA}::test_capability_lines_fit_in_512_octets",),
    ),
    "top-advertised-refused": (_refuse(r"TOP"), (f"{CAPA}::test_top_advertised_and_available",)),
    "uidl-advertised-refused": (
        _refuse(r"UIDL"),
        (f"{CAPA}::test_uidl_advertised_and_available",),
    ),
    "response-code-unclosed": (
        one_rule(r"PASS", rewrite=((rb"\A-ERR \[AUTH\]", b"-ERR [AUTH"),)),
        (f"{CAPA}::test_response_codes_are_well_formed",),
    ),
    "stls-refused": (_refuse(r"STLS"), (f"{STLS}::test_stls_starts_tls",)),
    "stls-again-ok": (
        one_rule(r"STLS", skip=1, send=b"", reply=b"+OK Begin TLS negotiation\r\n"),
        (f"{STLS}::test_stls_refused_under_tls",),
    ),
    "stls-advertised-under-tls": (
        one_rule(
            r"CAPA",
            rewrite=((rb"(IMPLEMENTATION mail-conformance)" + END, rb"\1\r\nSTLS\r\n.\r\n"),),
        ),
        (f"{STLS}::test_stls_not_advertised_under_tls",),
    ),
    "stls-in-transaction-ok": (
        _err_to_ok(r"STLS", b"+OK Begin TLS negotiation"),
        (f"{STLS}::test_stls_refused_in_transaction",),
    ),
    "stat-before-login-ok": (
        _err_to_ok(r"STAT", b"+OK 0 0"),
        (f"{STLS}::test_stls_stays_in_authorization",),
    ),
    "auth-plain-refused": (
        _refuse(r"AUTH PLAIN \S", b"-ERR [AUTH] no\r\n"),
        (f"{AUTH}::test_auth_plain_succeeds",),
    ),
    "auth-cancel-ok": (_err_to_ok(r"\*\r?\n"), (f"{AUTH}::test_cancel_with_star",)),
    "auth-challenge-not-empty": (
        one_rule(r"AUTH PLAIN\r?\n", rewrite=((rb"\A\+ \r\n", b"+ Y2hhbGxlbmdl\r\n"),)),
        (f"{AUTH}::test_empty_challenge_is_plus_space",),
    ),
    "auth-bad-base64-ok": (
        _err_to_ok(r"(!!!not-base64!!!|=AAA|AAA=BBB)"),
        (f"{AUTH}::test_bad_base64_refused",),
    ),
    "auth-unknown-mechanism-challenged": (
        _refuse(r"AUTH X-NO-SUCH", b"+ \r\n"),
        (f"{AUTH}::test_unknown_mechanism_refused",),
    ),
    "auth-twice-ok": (
        one_rule(r"AUTH PLAIN \S", skip=1, send=b"", reply=b"+OK logged in\r\n"),
        (f"{AUTH}::test_auth_after_success_refused",),
    ),
    "failed-auth-locks-out": (
        one_rule(r"AUTH PLAIN \S", skip=1, send=b"", reply=b"-ERR [AUTH] locked out\r\n"),
        (f"{AUTH}::test_failed_auth_leaves_no_trace",),
    ),
}
