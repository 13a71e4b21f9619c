"""Misbehaving IMAP servers said as wire rules (see ``wire_script``) for the IMAP4rev2,
IDLE, authentication, limits and bad-input tests: each breaks one rule of RFC 9051,
3501, 2177, 4959 or 2683 (or one hardening practice), and names the suite tests (below
suites/imap/) that must fail on it.
"""

from __future__ import annotations

from wire_script import Rule, Script, one_rule

from reference_impl.imap._framing import FramingLimits

__all__ = ["CONFIGURED", "SCRIPTS"]

REV2 = "test_rfc9051_rev2.py"
IDLE = "test_rfc2177_idle.py"
AUTH = "test_rfc3501_auth.py"
LIMITS = "test_rfc2683_limits.py"
BAD_INPUT = "test_imap_bad_input.py"

_COMPLETION = rb"(?m)^([^*+ ]\S*)"  # a tagged completion's tag
REFUSAL_TO_OK = ((_COMPLETION + rb" (?:NO|BAD)\b", rb"\1 OK"),)
OK_TO_NO = ((_COMPLETION + rb" OK", rb"\1 NO"),)
BAD_TO_NO = ((_COMPLETION + rb" BAD", rb"\1 NO"),)


def _line_removed(pattern: bytes) -> tuple[tuple[bytes, bytes], ...]:
    return ((rb"(?m)^" + pattern + rb"[^\r\n]*\r\n", b""),)


def _run_instead(command: str, tag: bytes) -> Script:
    """The line never reaches the core as sent: a NOOP with its tag does (so it is OK'd)."""
    return one_rule(command, send=tag + b" NOOP\r\n")


def _literal_asked_for(command: str) -> Script:
    """A ``+`` for a literal no server should ask for; the core never sees the line."""
    return one_rule(command, send=b"", reply=b"+ go ahead\r\n")


_REV2_SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "enabled-without-imap4rev2": (
        one_rule(r"\S+ ENABLE IMAP4rev2", rewrite=((rb"\* ENABLED IMAP4rev2", b"* ENABLED"),)),
        (f"{REV2}::test_enable_imap4rev2_answers_enabled_imap4rev2",),
    ),
    "enabled-unknown-extension": (
        one_rule(
            r"\S+ ENABLE XCONFORMANCE",
            rewrite=((rb"\* ENABLED", b"* ENABLED XCONFORMANCE-UNKNOWN"),),
        ),
        (f"{REV2}::test_enable_ignores_an_unknown_extension",),
    ),
    "rev2-search-answers-search": (
        one_rule(
            r"\S+ SEARCH SUBJECT m-1",
            rewrite=((rb'\* ESEARCH \(TAG "[^"]*"\) ALL ([0-9:,]+)', rb"* SEARCH \1"),),
        ),
        (f"{REV2}::test_search_answers_with_esearch_all",),
    ),
    "rev2-empty-search-without-esearch": (
        one_rule(r"\S+ SEARCH SUBJECT no-such", rewrite=_line_removed(rb"\* ESEARCH")),
        (f"{REV2}::test_search_without_a_match_still_sends_esearch",),
    ),
    "uid-esearch-without-uid": (
        one_rule(r"\S+ UID SEARCH ALL", rewrite=((rb"\) UID ALL", b") ALL"),)),
        (f"{REV2}::test_uid_search_esearch_carries_the_uid_indicator",),
    ),
    "rev1-search-answers-esearch": (
        one_rule(r"\S+ SEARCH ALL", rewrite=((rb"(?m)^\* SEARCH 1 2 3", b"* ESEARCH ALL 1:3"),)),
        (f"{REV2}::test_rev1_search_answers_with_an_untagged_search",),
    ),
    "rev2-select-without-list": (
        one_rule(r"\S+ SELECT ", rewrite=_line_removed(rb"\* LIST ")),
        (f"{REV2}::test_select_sends_a_list_response_with_the_name",),
    ),
    "reselect-without-closed": (
        one_rule(r"\S+ SELECT ", rewrite=_line_removed(rb"\* OK \[CLOSED\]")),
        (f"{REV2}::test_select_while_selected_sends_closed",),
    ),
    "status-deleted-zero": (
        one_rule(r"\S+ STATUS .*DELETED", rewrite=((rb"DELETED \d+", b"DELETED 0"),)),
        (f"{REV2}::test_status_deleted_counts_deleted_messages",),
    ),
    "status-size-too-small": (
        one_rule(r"\S+ STATUS .*SIZE", rewrite=((rb"SIZE \d+", b"SIZE 1"),)),
        (f"{REV2}::test_status_size_is_at_least_the_sum_of_message_sizes",),
    ),
    "unselect-unknown": (
        one_rule(r"\S+ UNSELECT", rewrite=((_COMPLETION + rb" OK[^\r\n]*", rb"\1 BAD unknown"),)),
        (f"{REV2}::test_unselect_is_part_of_imap4rev2",),
    ),
    "search-saves-another-set": (
        one_rule(r"\S+ SEARCH RETURN \(SAVE\) SUBJECT m-1", edit=((rb"m-1", b"m-0"),)),
        (f"{REV2}::test_search_save_sets_the_result_variable",),
    ),
    "search-without-save-saves": (
        one_rule(r"\S+ SEARCH SUBJECT m-2", edit=((rb"SEARCH ", b"SEARCH RETURN (SAVE) "),)),
        (f"{REV2}::test_search_without_save_leaves_the_result_variable",),
    ),
    "rev2-recent-flag": (
        one_rule(r"\S+ FETCH 1 \(FLAGS\)", rewrite=((rb"FLAGS \(", rb"FLAGS (\\Recent "),)),
        (f"{REV2}::test_rev2_session_sees_no_recent_flag",),
    ),
    "list-subscribed-lists-all": (
        one_rule(r"\S+ LIST \(SUBSCRIBED\) ", edit=((rb"\(SUBSCRIBED\) ", b""),)),
        (f"{REV2}::test_list_subscribed_lists_exactly_the_subscribed_names",),
    ),
    "namespace-without-data": (
        one_rule(r"\S+ NAMESPACE", rewrite=_line_removed(rb"\* NAMESPACE")),
        (f"{REV2}::test_namespace_is_part_of_imap4rev2",),
    ),
}

_IDLE_AND_AUTH_SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "idle-without-continuation": (
        one_rule(r"\S+ IDLE\r", rewrite=_line_removed(rb"\+")),
        (f"{IDLE}::test_idle_is_answered_with_a_continuation_request",),
    ),
    "idle-done-refused": (
        one_rule(r"DONE\r", rewrite=OK_TO_NO),
        (f"{IDLE}::test_done_ends_idle_with_its_tagged_ok",),
    ),
    "idle-holds-exists-back": (
        one_rule(r"\S+ IDLE\r", rewrite=_line_removed(rb"\* \d+ EXISTS")),
        (f"{IDLE}::test_idle_pushes_exists_for_a_message_appended_by_another_session",),
    ),
    "initial-response-refused": (
        one_rule(r"\S+ AUTHENTICATE PLAIN \S", rewrite=OK_TO_NO),
        (f"{AUTH}::test_authenticate_plain_with_an_initial_response",),
    ),
    "sasl-response-refused": (
        one_rule(r"[A-Za-z0-9+/]+=*\r\n", rewrite=OK_TO_NO),
        (f"{AUTH}::test_authenticate_plain_answers_the_challenge",),
    ),
    "sasl-cancel-no": (
        one_rule(r"\*\r\n", rewrite=BAD_TO_NO),
        (f"{AUTH}::test_cancelled_authenticate_gets_bad",),
    ),
    "sasl-garbage-accepted": (
        one_rule(r"%%%not-base64", rewrite=REFUSAL_TO_OK),
        (f"{AUTH}::test_undecodable_authenticate_response_is_refused",),
    ),
    "sasl-invalid-base64-no": (
        one_rule(r"AAA=BBB", rewrite=BAD_TO_NO),
        (f"{AUTH}::test_invalid_base64_response_gets_bad",),
    ),
    "starttls-still-advertised": (
        one_rule(
            r"\S+ CAPABILITY",
            rewrite=((rb"(?m)^(\* CAPABILITY [^\r\n]*)\r\n", rb"\1 STARTTLS\r\n"),),
        ),
        (f"{AUTH}::test_capability_after_starttls_no_longer_offers_starttls",),
    ),
    "starttls-after-login": (
        one_rule(r"\S+ STARTTLS", rewrite=REFUSAL_TO_OK),
        (f"{AUTH}::test_starttls_refused_once_authenticated",),
    ),
}

_LIMITS_AND_INPUT_SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "huge-count-asked-for": (
        _literal_asked_for(r"H1 APPEND .*\{99999999999999999999\}"),
        (f"{LIMITS}::test_literal_count_beyond_any_number_gets_bad_and_no_continuation",),
    ),
    "four-gigabytes-asked-for": (
        _literal_asked_for(r"H2 APPEND .*\{4294967296\}"),
        (f"{LIMITS}::test_four_gigabyte_literal_is_refused_before_its_octets",),
    ),
    "large-literal-before-login-asked-for": (
        _literal_asked_for(r"B1 LOGIN \{10485760\}"),
        (f"{LIMITS}::test_large_literal_refused_before_login",),
    ),
    "nesting-unbounded": (
        _run_instead(r"P1 (FETCH 1|SEARCH) \(\(", b"P1"),
        (f"{LIMITS}::test_deeply_nested_parentheses_get_bad_and_the_session_goes_on",),
    ),
    "list-wildcards-never-answered": (
        one_rule(r'\S+ LIST "" "conformance-%\*', send=b"", reply=b""),
        (f"{LIMITS}::test_list_pattern_of_many_wildcards_is_answered",),
    ),
    "pipelined-command-refused": (
        one_rule(r"Q250 NOOP", rewrite=OK_TO_NO),
        (f"{LIMITS}::test_pipelined_commands_are_each_completed",),
    ),
    "nul-in-quoted-accepted": (
        _run_instead('N1 LOGIN "us\x00er"', b"N1"),
        (f"{BAD_INPUT}::test_nul_in_a_quoted_string_gets_bad",),
    ),
    "8bit-atom-accepted": (
        _run_instead(r"E1 SELECT INB", b"E1"),
        (f"{BAD_INPUT}::test_8bit_octet_in_an_atom_gets_bad",),
    ),
    "broken-quoted-accepted": (
        _run_instead(r'Q1 LOGIN "a', b"Q1"),
        (f"{BAD_INPUT}::test_broken_quoted_string_gets_bad",),
    ),
    "invalid-mutf7-created": (
        one_rule(r'\S+ CREATE "conformance-[0-9a-f]+-&', rewrite=REFUSAL_TO_OK),
        (f"{BAD_INPUT}::test_create_with_invalid_modified_utf7_is_refused",),
    ),
    "garbage-line-accepted": (
        _run_instead(r"G5 \)", b"G5"),
        (f"{BAD_INPUT}::test_each_unparsable_line_gets_bad_or_the_session_ends_with_bye",),
    ),
}

SCRIPTS = {**_REV2_SCRIPTS, **_IDLE_AND_AUTH_SCRIPTS, **_LIMITS_AND_INPUT_SCRIPTS}

# Misbehaviours that need the server configured otherwise: (script, EmbeddedServers
# configuration, tests).  LOGINDISABLED is advertised only by a server that refuses
# LOGIN in the clear (RFC 3501 §6.2.3), LITERAL- only by one configured for it (the
# reference advertises LITERAL+ by default; RFC 7888 §5: never both).
CONFIGURED: dict[str, tuple[Script, dict[str, object], tuple[str, ...]]] = {
    "login-accepted-while-logindisabled": (
        Script((Rule(r"\S+ LOGIN ", rewrite=((_COMPLETION + rb" NO\b[^\r\n]*", rb"\1 OK"),)),)),
        {"login_without_tls": False},
        (f"{AUTH}::test_login_refused_with_no_while_logindisabled",),
    ),
    "literal-minus-toobig-missing": (
        one_rule(r"T1 APPEND ", rewrite=((rb"BAD \[TOOBIG\]", b"BAD"),)),
        {"limits": FramingLimits(literal_minus=True)},
        (
            f"{LIMITS}::test_non_synchronizing_literal_over_4096_gets_bad_toobig_under_literal_minus",
        ),
    ),
}
