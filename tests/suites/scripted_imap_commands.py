"""Misbehaving IMAP servers for the suite's tests of flags, STORE, tags, states, UIDs
and mailboxes (suites/imap/test_rfc3501_{flags,tags,uids,hierarchy,sessions}.py), said
as wire rules (see ``wire_script``): each breaks one rule of RFC 3501 (or 4315, 6851,
3348) and names the tests that must fail on it.

Client lines start with a tag, so rules match ``\\S+ COMMAND``; a rule's rewrite applies
to everything the core answers to the matching line.
"""

from __future__ import annotations

from scripted_imap import REFUSAL_TO_OK, _line_removed
from wire_script import Rule, Script, one_rule

__all__ = ["SCRIPTS"]

FLAGS = "test_rfc3501_flags.py"
TAGS = "test_rfc3501_tags.py"
READ_ONLY = "test_rfc3501_read_only.py"

# \Recent taken out of a FLAGS list, leaving the list well formed.
_RECENT_REMOVED = ((rb" \\Recent\b", b""), (rb"\\Recent ?", b""))
# \Recent put into a FLAGS list.
_RECENT_ADDED = (
    (rb"FLAGS \(\)", rb"FLAGS (\\Recent)"),
    (rb"FLAGS \((?!\\Recent)", rb"FLAGS (\\Recent "),
)


OK_TO_BAD = ((rb"(?m)^([^*+ ]\S*) OK", rb"\1 BAD"),)


def _refusal_ok(command: str) -> Script:
    return one_rule(command, rewrite=REFUSAL_TO_OK)


def _edit(command: str, *edits: tuple[bytes, bytes]) -> Script:
    """``command`` reaches the core changed by ``edits``."""
    return one_rule(command, edit=edits)


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    # -- flags and STORE -------------------------------------------------------------------
    "keyword-not-created": (
        _edit(r"\S+ STORE 1 \+FLAGS \(NewKeyword7\)", (rb"\(NewKeyword7\)", b"()")),
        (f"{FLAGS}::test_permanentflags_star_lets_store_create_a_keyword",),
    ),
    "permanent-flag-session-only": (
        one_rule(r"\S+ FETCH 1 \(FLAGS\)", rewrite=((rb" ?\\Flagged", b""),)),
        (f"{FLAGS}::test_permanent_flag_is_seen_by_another_session",),
    ),
    "store-flags-adds": (
        _edit(r"\S+ STORE 1 FLAGS \(\\Answered\)", (rb"STORE 1 FLAGS", b"STORE 1 +FLAGS")),
        (
            f"{FLAGS}::test_store_flags_replaces_the_flags",
            f"{FLAGS}::test_store_flags_returns_the_new_value",
        ),
    ),
    "store-flags-clears-recent": (
        Script((Rule(r"\S+ FETCH 1 \(FLAGS\)", rewrite=_RECENT_REMOVED, skip=1),)),
        (f"{FLAGS}::test_store_flags_leaves_recent",),
    ),
    "store-sets-recent": (
        one_rule(r"\S+ FETCH 1 \(FLAGS\)", rewrite=_RECENT_ADDED),
        (f"{FLAGS}::test_store_cannot_set_recent",),
    ),
    "minus-flags-returns-no-fetch": (
        one_rule(r"\S+ STORE 1 -FLAGS \(", rewrite=_line_removed(rb"\* \d+ FETCH")),
        (f"{FLAGS}::test_store_minus_flags_returns_the_new_value",),
    ),
    "silent-forms-not-silent": (
        _edit(r"\S+ STORE 1 -?FLAGS\.SILENT", (rb"\.SILENT", b"")),
        (f"{FLAGS}::test_silent_store_forms_return_no_fetch",),
    ),
    "stored-flag-dropped": (
        _edit(r"\S+ STORE 1 \+FLAGS\.SILENT \(", (rb"\([^)\r\n]*\)\r\n", b"()\r\n")),
        (f"{FLAGS}::test_store_sets_each_flag",),
    ),
    "external-flag-change-unreported": (
        one_rule(r"\S+ NOOP", rewrite=_line_removed(rb"\* \d+ FETCH")),
        (f"{FLAGS}::test_flags_changed_by_another_session_are_reported",),
    ),
    "implicit-seen-unreported": (
        _edit(r"\S+ FETCH 1 \(BODY\[TEXT\]\)", (rb"BODY\[TEXT\]", b"BODY.PEEK[TEXT]")),
        (f"{FLAGS}::test_fetch_body_returns_the_seen_it_set",),
    ),
    "rfc822-text-answered-as-peek": (
        _edit(r"\S+ FETCH 1 \(RFC822\.TEXT\)", (rb"RFC822\.TEXT", b"BODY.PEEK[TEXT]")),
        (f"{FLAGS}::test_rfc822_text_is_the_body_and_sets_seen",),
    ),
    "peek-of-a-section-sets-seen": (
        _edit(r"\S+ FETCH 1 \(BODY\.PEEK\[HEADER\]", (rb"BODY\.PEEK\[", b"BODY[")),
        (f"{FLAGS}::test_body_peek_of_a_section_leaves_seen_unset",),
    ),
    # -- tags, commands in flight, syntax -----------------------------------------------------
    "reused-tag-answered-as-another": (
        Script((Rule(r"same\.tag NOOP", send=b"", reply=b"A9 OK NOOP completed\r\n", skip=1),)),
        (f"{TAGS}::test_a_tag_used_again_is_answered_again",),
    ),
    "bad-sent-untagged": (
        one_rule(r"x\.Y_9-~ XNOSUCH", rewrite=((rb"(?m)^x\.Y_9-~ BAD", b"* BAD"),)),
        (f"{TAGS}::test_bad_completion_carries_the_tag",),
    ),
    "no-tag-cut-short": (
        one_rule(r"n0\.!#\$ LOGIN", rewrite=((rb"(?m)^n0\S* NO", b"n0 NO"),)),
        (f"{TAGS}::test_no_completion_carries_the_tag",),
    ),
    "fetch-overtakes-store": (
        _edit(r"P1 STORE 1 \+FLAGS", (rb"\+FLAGS", b"-FLAGS")),
        (f"{TAGS}::test_commands_in_flight_are_carried_out_in_order",),
    ),
    "lower-case-command-unknown": (
        # (?-i:) makes the rule case-sensitive: only names with a lower-case letter.
        one_rule(r"c[12] (?-i:\S*[a-z])", send=b"", reply=b"c1 BAD unknown command\r\n"),
        (f"{TAGS}::test_command_names_are_case_insensitive",),
    ),
    "lower-case-store-unknown": (
        one_rule(r"c2 (?-i:store)", send=b"", reply=b"c2 BAD unknown command\r\n"),
        (f"{TAGS}::test_store_data_item_names_are_case_insensitive",),
    ),
    "tag-alone-ignored": (
        one_rule(r"lonely\r\n", send=b"", reply=b""),
        (f"{TAGS}::test_a_tag_alone_gets_bad",),
    ),
    "two-spaces-taken-as-one": (
        _edit(r"s1  NOOP", (rb"s1  NOOP", b"s1 NOOP")),
        (f"{TAGS}::test_two_spaces_after_the_tag_get_bad",),
    ),
    "missing-argument-ok": (
        one_rule(r"\S+ (SELECT|FETCH 1|STORE 1 \+FLAGS|COPY 1|STATUS)\r\n", rewrite=REFUSAL_TO_OK),
        (f"{TAGS}::test_missing_argument_gets_bad",),
    ),
    "login-without-password-ok": (
        one_rule(r'\S+ LOGIN "[^"]*"\r\n', rewrite=REFUSAL_TO_OK),
        (f"{TAGS}::test_login_without_password_gets_bad",),
    ),
    "sequence-number-zero-read-as-one": (
        _edit(r"\S+ FETCH 0 ", (rb"FETCH 0", b"FETCH 1")),
        (f"{TAGS}::test_sequence_number_zero_gets_bad",),
    ),
    # -- states, implicit close, EXAMINE -------------------------------------------------------
    "mailbox-commands-before-login-ok": (
        _refusal_ok(r"\S+ (DELETE|RENAME|SUBSCRIBE|UNSUBSCRIBE|LSUB|STATUS) "),
        (f"{READ_ONLY}::test_more_authenticated_commands_refused_before_login",),
    ),
    "message-commands-before-login-ok": (
        _refusal_ok(r"\S+ (FETCH|SEARCH|CHECK|EXPUNGE|CLOSE)\b"),
        (f"{READ_ONLY}::test_selected_commands_refused_before_login",),
    ),
    "uid-and-check-without-selection-ok": (
        _refusal_ok(r"\S+ (CHECK|UID)\b"),
        (f"{READ_ONLY}::test_more_selected_commands_refused_in_authenticated_state",),
    ),
    "mailbox-commands-refused-when-selected": (
        one_rule(
            r'\S+ (LIST "" "conformance-[0-9a-f]+"\r|STATUS "conformance-[0-9a-f]+" \(MESSAGES'
            r'|CREATE "[^"]*-made-while-selected")',
            rewrite=OK_TO_BAD,
        ),
        (f"{READ_ONLY}::test_authenticated_commands_valid_in_selected_state",),
    ),
    "login-accepted-when-selected": (
        Script((Rule(r"\S+ LOGIN ", rewrite=REFUSAL_TO_OK, skip=1),)),
        (f"{READ_ONLY}::test_login_refused_in_selected_state",),
    ),
    "capability-forgotten-when-selected": (
        Script((Rule(r"\S+ CAPABILITY", rewrite=_line_removed(rb"\* CAPABILITY")),)),
        (f"{READ_ONLY}::test_capability_in_selected_state",),
    ),
    "check-no": (
        one_rule(r"\S+ CHECK", rewrite=((rb"(?m)^([^*+ ]\S*) OK", rb"\1 NO"),)),
        (f"{READ_ONLY}::test_check_in_selected_state_gets_ok",),
    ),
    "select-of-inbox-closes": (
        _edit(
            r'\S+ (SELECT|EXAMINE) "INBOX"', (rb'(\S+) (?:SELECT|EXAMINE) "INBOX"', rb"\1 CLOSE")
        ),
        (f"{READ_ONLY}::test_select_of_another_mailbox_expunges_nothing",),
    ),
    "logout-closes": (
        _edit(r"\S+ LOGOUT", (rb"LOGOUT", b"CLOSE")),
        (f"{READ_ONLY}::test_logout_expunges_nothing",),
    ),
    "examine-read-write": (
        _edit(r"\S+ EXAMINE ", (rb"EXAMINE", b"SELECT")),
        (
            f"{READ_ONLY}::test_close_of_an_examined_mailbox_removes_nothing",
            f"{READ_ONLY}::test_expunge_in_an_examined_mailbox_removes_nothing",
            f"{READ_ONLY}::test_store_in_an_examined_mailbox_changes_nothing",
            f"{READ_ONLY}::test_fetch_body_in_an_examined_mailbox_leaves_seen_unset",
            f"{READ_ONLY}::test_examine_keeps_recent",
        ),
    ),
    "examine-missing-bad": (
        one_rule(r'\S+ EXAMINE "[^"]*-missing"', rewrite=((rb"(?m)^([^*+ ]\S*) NO", rb"\1 BAD"),)),
        (f"{READ_ONLY}::test_examine_of_a_missing_mailbox_gets_no",),
    ),
}
