"""Misbehaving IMAP servers for the suite's tests of tags, states, flags, STORE, UIDs,
sessions, APPEND/COPY/MOVE and the mailbox hierarchy (suites/imap/test_rfc3501_{tags,
read_only,flags,uids,sessions,copy_move,hierarchy}.py), said as wire rules (see
``wire_script``): each breaks one rule of RFC 3501 (or 4315, 6851, 3348) and names the
tests that must fail on it.

Client lines start with a tag, so rules match ``\\S+ COMMAND``; a rule's rewrite applies
to everything the core answers to the matching line.
"""

from __future__ import annotations

from scripted_imap import REFUSAL_TO_OK, _line_removed
from wire_script import Rule, Script, one_rule

__all__ = ["BASELINES", "SCRIPTS"]

FLAGS = "test_rfc3501_flags.py"
TAGS = "test_rfc3501_tags.py"
READ_ONLY = "test_rfc3501_read_only.py"
UIDS = "test_rfc3501_uids.py"
SESSIONS = "test_rfc3501_sessions.py"
COPY = "test_rfc3501_copy_move.py"
HIERARCHY = "test_rfc3501_hierarchy.py"

# \Recent taken out of a FLAGS list, leaving the list well formed.
_RECENT_REMOVED = ((rb" \\Recent\b", b""), (rb"\\Recent ?", b""))
# \Recent put into a FLAGS list.
_RECENT_ADDED = (
    (rb"FLAGS \(\)", rb"FLAGS (\\Recent)"),
    (rb"FLAGS \((?!\\Recent)", rb"FLAGS (\\Recent "),
)


OK_TO_BAD = ((rb"(?m)^([^*+ ]\S*) OK", rb"\1 BAD"),)
OK_TO_NO = ((rb"(?m)^([^*+ ]\S*) OK", rb"\1 NO"),)


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
        one_rule(r"\S+ CHECK", rewrite=OK_TO_NO),
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
    # -- UID and sequence sets, UIDNEXT, UIDVALIDITY ------------------------------------------
    "missing-uid-fetched-as-number": (
        _edit(r"\S+ UID FETCH \d+ \(FLAGS\)", (rb"UID FETCH \d+", b"FETCH 1")),
        (f"{UIDS}::test_uid_fetch_of_a_missing_uid_gets_ok_and_no_data",),
    ),
    "missing-uid-store-no": (
        one_rule(r"\S+ UID STORE \d+ \+FLAGS", rewrite=OK_TO_NO),
        (f"{UIDS}::test_uid_store_of_a_missing_uid_gets_ok",),
    ),
    "missing-uid-copy-no": (
        one_rule(r'\S+ UID COPY \d+ "', rewrite=OK_TO_NO),
        (f"{UIDS}::test_uid_copy_of_a_missing_uid_gets_ok_and_copies_nothing",),
    ),
    "uid-range-stops-at-a-gap": (
        one_rule(r"\S+ UID FETCH \d+:\d+ \(UID\)", rewrite=_line_removed(rb"\* 2 FETCH")),
        (f"{UIDS}::test_uid_range_over_a_gap_returns_the_messages_left",),
    ),
    "reversed-uid-range-one-end": (
        _edit(r"\S+ UID FETCH \d+:\d+ \(UID\)", (rb"FETCH (\d+):\d+", rb"FETCH \1")),
        (f"{UIDS}::test_a_reversed_uid_range_means_the_same_messages",),
    ),
    "uid-star-is-the-first": (
        _edit(r"\S+ UID FETCH \* ", (rb"FETCH \*", b"FETCH 1")),
        (f"{UIDS}::test_uid_star_is_the_last_message",),
    ),
    "sequence-list-read-as-range": (
        _edit(r"\S+ FETCH 1,3 ", (rb"1,3", b"1:3")),
        (f"{UIDS}::test_a_sequence_list_names_only_its_members",),
    ),
    "store-star-is-all": (
        _edit(r"\S+ STORE \* ", (rb"STORE \*", b"STORE 1:*")),
        (f"{UIDS}::test_store_to_star_changes_only_the_last_message",),
    ),
    "store-reversed-range-one-end": (
        _edit(r"\S+ STORE 3:2 ", (rb"3:2", b"3")),
        (f"{UIDS}::test_store_over_a_reversed_range",),
    ),
    "uid-store-without-uid": (
        one_rule(r"\S+ UID STORE \d+ \+FLAGS \(", rewrite=((rb" ?UID \d+ ?", b""),)),
        (f"{UIDS}::test_uid_store_answers_with_the_uid",),
    ),
    "uid-copy-by-number": (
        _edit(r"\S+ UID COPY \d+ ", (rb"UID COPY", b"COPY")),
        (f"{UIDS}::test_uid_copy_copies_the_message_with_that_uid",),
    ),
    "copy-gets-a-low-uid": (
        one_rule(
            r"\S+ FETCH 1:\* \(UID\)", rewrite=((rb"\* 4 FETCH \(UID \d+\)", b"* 4 FETCH (UID 1)"),)
        ),
        (f"{UIDS}::test_copies_get_uids_above_the_messages_there",),
    ),
    "uidnext-drifts": (
        Script((Rule(r"\S+ STATUS ", rewrite=((rb"UIDNEXT \d+", b"UIDNEXT 99"),), skip=1),)),
        (f"{UIDS}::test_uidnext_stays_while_nothing_is_added",),
    ),
    "uidnext-stuck": (
        one_rule(r"\S+ STATUS ", rewrite=((rb"UIDNEXT \d+", b"UIDNEXT 1"),)),
        (f"{UIDS}::test_uidnext_grows_past_an_expunged_append",),
    ),
    "status-uidvalidity-differs": (
        one_rule(r"\S+ STATUS ", rewrite=((rb"UIDVALIDITY \d+", b"UIDVALIDITY 7"),)),
        (f"{UIDS}::test_status_and_select_agree_on_uidnext_and_uidvalidity",),
    ),
    # The reference restarts UIDs at 1 with a new UIDVALIDITY: keeping the old one breaks it.
    "recreated-mailbox-keeps-uidvalidity": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"UIDVALIDITY \d+", b"UIDVALIDITY 5"),)),
        (
            f"{UIDS}::test_a_recreated_mailbox_reuses_no_uid",
            f"{UIDS}::test_a_name_renamed_away_and_created_reuses_no_uid",
        ),
    ),
    "append-not-recent": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"\* \d+ RECENT", b"* 0 RECENT"),)),
        (f"{UIDS}::test_append_sets_recent",),
    ),
    # -- what one session sees of another ------------------------------------------------------
    "stale-numbers-after-expunge": (
        one_rule(r"\S+ FETCH 1:\* \(BODY\.PEEK\[HEADER\.FIELDS", rewrite=((rb"m-2", b"m-1"),)),
        (f"{SESSIONS}::test_expunge_in_another_session_renumbers_here",),
    ),
    "expunge-while-storing-or-searching": (
        one_rule(
            r"\S+ (STORE 1 \+FLAGS \(\\Flagged\)|SEARCH ALL)",
            rewrite=((rb"\A", b"* 2 EXPUNGE\r\n"),),
        ),
        (f"{SESSIONS}::test_no_expunge_while_answering_store_or_search",),
    ),
    "exists-not-reported-to-others": (
        one_rule(r"\S+ NOOP", rewrite=_line_removed(rb"\* \d+ EXISTS")),
        (f"{SESSIONS}::test_another_sessions_append_is_reported_by_exists",),
    ),
    "append-to-selected-without-exists": (
        # APPEND is answered after the CRLF that ends the command, past its literal.
        one_rule(r"\r\n", rewrite=_line_removed(rb"\* \d+ EXISTS")),
        (f"{SESSIONS}::test_append_to_the_selected_mailbox_reports_exists",),
    ),
    "recent-not-shown-to-the-first-session": (
        one_rule(r"\S+ FETCH 1 \(FLAGS\)", rewrite=_RECENT_REMOVED),
        (f"{SESSIONS}::test_message_arriving_while_selected_is_recent_there_only",),
    ),
    "status-recent-zero": (
        one_rule(r"\S+ STATUS ", rewrite=((rb"RECENT \d+", b"RECENT 0"),)),
        (
            f"{SESSIONS}::test_status_recent_counts_recent_messages",
            f"{COPY}::test_copy_sets_recent",
        ),
    ),
    "status-unknown-item-ignored": (
        _edit(r"\S+ STATUS .*XNOSUCHITEM", (rb" XNOSUCHITEM", b"")),
        (f"{SESSIONS}::test_status_with_an_unknown_item_gets_bad",),
    ),
    "other-session-expunges-misnumbered": (
        one_rule(r"\S+ NOOP", rewrite=((rb"\* 1 EXPUNGE", b"* 2 EXPUNGE"),)),
        (f"{SESSIONS}::test_expunge_in_another_session_is_reported_once_per_message",),
    ),
    # -- APPEND, COPY, MOVE ----------------------------------------------------------------------
    "append-flags-dropped-with-a-date": (
        _edit(r'\S+ APPEND "[^"]*" \(\\Answered', (rb" \(\\Answered \$Conformance\)", b"")),
        (f"{COPY}::test_append_then_fetch_keeps_octets_flags_and_date",),
    ),
    "append-creates-the-mailbox": (
        one_rule(
            r'\S+ LIST "" "[^"]*-missing"',
            rewrite=((rb"\A", b'* LIST () "/" "made-by-append-missing"\r\n'),),
        ),
        (f"{COPY}::test_append_to_a_missing_mailbox_creates_nothing",),
    ),
    "append-malformed-date-accepted": (
        _edit(r'\S+ APPEND "[^"]*" "07-Xyz', (rb"07-Xyz", b"07-Feb")),
        (f"{COPY}::test_append_with_a_malformed_date_gets_bad",),
    ),
    "copy-loses-the-internal-date": (
        one_rule(
            r"\S+ FETCH 1 \(FLAGS INTERNALDATE\)",
            rewrite=((rb'INTERNALDATE "[^"]*"', b'INTERNALDATE "01-Jan-2020 00:00:00 +0000"'),),
        ),
        (f"{COPY}::test_copy_keeps_flags_and_internal_date",),
    ),
    "copyuid-names-other-copies": (
        one_rule(r"\S+ COPY 2:3 ", rewrite=((rb"(COPYUID \d+ \S+ )[^\]]+\]", rb"\g<1>1:2]"),)),
        (f"{COPY}::test_copyuid_names_the_copies_in_the_target",),
    ),
    "uid-copy-and-move-without-copyuid": (
        one_rule(r"\S+ UID (COPY|MOVE) ", rewrite=((rb"\[COPYUID [^\]]*\] ?", b""),)),
        (f"{COPY}::test_uid_copy_returns_copyuid", f"{COPY}::test_uid_move_returns_copyuid"),
    ),
    "move-stores-deleted": (
        one_rule(r"\S+ MOVE 2 ", rewrite=((rb"\A", rb"* 2 FETCH (FLAGS (\\Deleted))\r\n"),)),
        (f"{COPY}::test_moved_message_is_not_flagged_deleted",),
    ),
    "move-without-trycreate": (
        one_rule(r'\S+ MOVE 1 "[^"]*-missing"', rewrite=((rb"\[TRYCREATE\] ", b""),)),
        (f"{COPY}::test_move_to_a_missing_mailbox_gets_trycreate",),
    ),
    "uid-move-by-number": (
        _edit(r"\S+ UID MOVE \d+ ", (rb"UID MOVE", b"MOVE")),
        (f"{COPY}::test_uid_move_moves_the_message_with_that_uid",),
    ),
    # -- the mailbox hierarchy, LIST, LSUB ---------------------------------------------------
    "superior-names-not-made": (
        one_rule(
            r'\S+ LIST "" "conformance-[0-9a-f]+\*"',
            rewrite=_line_removed(rb"\* LIST [^\r\n]*/[ax]\"?(?=\r)"),
        ),
        (
            f"{HIERARCHY}::test_create_makes_the_superior_names",
            f"{HIERARCHY}::test_rename_makes_the_superior_names",
        ),
    ),
    "trailing-delimiter-kept": (
        _edit(r'\S+ CREATE "[^"]*-dir/"', (rb'-dir/"', b'-dir/sub"')),
        (f"{HIERARCHY}::test_create_with_a_trailing_delimiter_makes_the_name_without_it",),
    ),
    "create-inbox-ok": (
        _refusal_ok(r"\S+ CREATE INBOX"),
        (f"{HIERARCHY}::test_create_inbox_gets_no",),
    ),
    "rename-of-missing-ok": (
        _refusal_ok(r'\S+ RENAME "[^"]*-missing"'),
        (f"{HIERARCHY}::test_rename_of_a_missing_mailbox_gets_no",),
    ),
    "noselect-level-deleted": (
        # The reference makes superior names real mailboxes: its level is \Noselect here.
        one_rule(
            r'\S+ LIST "" "[^"]*-level"',
            rewrite=((rb"\(\\HasChildren\)", rb"(\\Noselect \\HasChildren)"),),
        ),
        (f"{HIERARCHY}::test_delete_of_a_noselect_level_with_children_gets_no",),
    ),
    "list-drops-the-reference": (
        one_rule(
            r'\S+ LIST "conformance-[0-9a-f]+/" "%"',
            rewrite=((rb"conformance-[0-9a-f]+/kid", b"kid"),),
        ),
        (f"{HIERARCHY}::test_list_names_start_with_the_reference",),
    ),
    "list-without-match-lists-inbox": (
        one_rule(
            r'\S+ LIST "" "[^"]*-nothing-like-it', rewrite=((rb"\A", b'* LIST () "/" INBOX\r\n'),)
        ),
        (f"{HIERARCHY}::test_list_without_a_match_gets_ok_and_no_names",),
    ),
    "parent-has-no-children": (
        one_rule(
            r'\S+ LIST "" "conformance-[0-9a-f]+"\r', rewrite=((rb"HasChildren", b"HasNoChildren"),)
        ),
        (f"{HIERARCHY}::test_a_parent_is_not_marked_hasnochildren",),
    ),
    "unsubscribe-ignored": (
        _edit(r"\S+ UNSUBSCRIBE ", (rb'UNSUBSCRIBE "[^"]*"', b"NOOP")),
        (f"{HIERARCHY}::test_unsubscribe_removes_the_name_from_lsub",),
    ),
    "lsub-lists-unsubscribed": (
        one_rule(
            r'\S+ LSUB "" "[^"]*\*"',
            rewrite=((rb"\A", b'* LSUB () "/" conformance-x-unsubscribed\r\n'),),
        ),
        (f"{HIERARCHY}::test_lsub_lists_only_subscribed_names",),
    ),
    "rename-inbox-leaves-the-messages": (
        _edit(r"\S+ RENAME INBOX ", (rb"RENAME INBOX ", b"CREATE ")),
        (f"{HIERARCHY}::test_rename_of_inbox_moves_its_messages_and_keeps_inbox",),
    ),
}

# Conforming scripts that make the reference take the path a test checks, where it does
# not on its own.
BASELINES: dict[str, Script] = {
    "noselect-level-deleted": Script(
        (
            Rule(
                r'\S+ LIST "" "[^"]*-level"',
                rewrite=((rb"\(\\HasChildren\)", rb"(\\Noselect \\HasChildren)"),),
            ),
            Rule(r'\S+ DELETE "[^"]*-level"', rewrite=((rb"(?m)^([^*+ ]\S*) OK", rb"\1 NO"),)),
        )
    ),
}
