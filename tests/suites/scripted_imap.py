"""Misbehaving IMAP servers said as wire rules (see ``wire_script``): each breaks one
rule of RFC 3501, 4315 or 2683, and names the suite tests (below suites/imap/) that
must fail on it.

Client lines start with a tag, so rules match ``\\S+ COMMAND``; a rule's rewrite applies
to everything the core answers to the matching line (untagged data and completion).
"""

from __future__ import annotations

from wire_script import GREETING, Rule, Script, one_rule

__all__ = ["SCRIPTS"]

COMMANDS = "test_rfc3501_commands.py"
STATES = "test_rfc3501_states.py"
SELECT = "test_rfc3501_select.py"
FETCH = "test_rfc3501_fetch.py"
EXPUNGE = "test_rfc3501_expunge_search.py"
MAILBOXES = "test_rfc3501_mailboxes.py"
LITERALS = "test_rfc3501_literals.py"
SEQUENCES = "test_rfc3501_sequences.py"
MORE = "test_rfc3501_more.py"
EXTENSIONS = "test_extensions.py"
FORMS = "test_rfc3501_fetch_forms.py"

# A refusal turned into success: "tag NO ..." / "tag BAD ..." -> "tag OK ...".
REFUSAL_TO_OK = ((rb"(?m)^([^*+ ]\S*) (?:NO|BAD)\b", rb"\1 OK"),)


def _line_removed(pattern: bytes) -> tuple[tuple[bytes, bytes], ...]:
    """Every response line matching ``pattern`` (at its start) left out."""
    return ((rb"(?m)^" + pattern + rb"[^\r\n]*\r\n", b""),)


def _refusal_ok(command: str) -> Script:
    return one_rule(command, rewrite=REFUSAL_TO_OK)


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    # -- greeting, tags, any-state commands -------------------------------------------------
    "greeting-tagged": (
        one_rule(GREETING, rewrite=((rb"\A\* OK", b"A1 OK"),)),
        (f"{COMMANDS}::test_greeting_is_untagged_ok_preauth_or_bye",),
    ),
    "wrong-tag-echoed": (
        one_rule(r"\S+ NOOP\r\n", rewrite=((rb"(?m)^[^*+ ]\S* OK", b"X0 OK"),)),
        (f"{COMMANDS}::test_completion_echoes_the_exact_tag",),
    ),
    "untagged-line-ignored": (
        one_rule(r"NOOP\r\n", send=b"", reply=b""),
        (f"{COMMANDS}::test_command_without_a_tag_gets_bad",),
    ),
    "unknown-command-ok": (
        _refusal_ok(r"\S+ XCONFORMANCEUNKNOWN"),
        (f"{COMMANDS}::test_unknown_command_gets_tagged_bad",),
    ),
    "extraneous-argument-ignored": (
        one_rule(r"\S+ NOOP extra", edit=((rb" extra", b""),)),
        (f"{COMMANDS}::test_extraneous_argument_gets_bad",),
    ),
    "capability-without-revision": (
        one_rule(r"\S+ CAPABILITY\r", rewrite=((rb" IMAP4rev[12]", b""),)),
        (f"{COMMANDS}::test_capability_lists_imap4rev1_once_before_ok",),
    ),
    "noop-no": (
        one_rule(r"\S+ NOOP\r", rewrite=((rb"(?m)^([^*+ ]\S*) OK", rb"\1 NO"),)),
        (f"{COMMANDS}::test_noop_gets_ok", f"{STATES}::test_noop_in_selected_state"),
    ),
    "logout-without-bye": (
        one_rule(r"\S+ LOGOUT", rewrite=_line_removed(rb"\* BYE")),
        (
            f"{COMMANDS}::test_logout_sends_bye_before_ok",
            f"{FORMS}::test_logout_from_the_selected_state",
        ),
    ),
    "logout-stays-open": (
        # The imap fixture's first command is tagged A0001.
        one_rule(r"A0001 LOGOUT", send=b"", reply=b"* BYE logging out\r\nA0001 OK done\r\n"),
        (f"{COMMANDS}::test_logout_closes_the_connection",),
    ),
    # -- states and LOGIN -------------------------------------------------------------------
    "mailbox-commands-before-login": (
        _refusal_ok(r"\S+ (SELECT|EXAMINE|LIST|CREATE) "),
        (f"{STATES}::test_authenticated_command_refused_before_login",),
    ),
    "message-commands-without-selection": (
        _refusal_ok(r"\S+ (FETCH|STORE|EXPUNGE|SEARCH|CLOSE|COPY|UID)\b"),
        (f"{STATES}::test_selected_command_refused_in_authenticated_state",),
    ),
    "wrong-password-accepted": (
        one_rule(r'\S+ LOGIN "[^"]*" "[^"]*-wrong"', edit=((rb'-wrong"', b'"'),)),
        (
            f"{STATES}::test_login_with_a_wrong_password_gets_no",
            f"{STATES}::test_still_not_authenticated_after_a_refused_login",
        ),
    ),
    "inbox-not-selectable": (
        one_rule(r'\S+ SELECT "INBOX"', rewrite=((rb"(?m)^([^*+ ]\S*) OK", rb"\1 NO"),)),
        (f"{STATES}::test_login_enters_the_authenticated_state",),
    ),
    "second-login-accepted": (
        Script((Rule(r"\S+ LOGIN ", rewrite=REFUSAL_TO_OK, skip=1),)),
        (f"{STATES}::test_login_refused_once_authenticated",),
    ),
    "failed-select-keeps-mailbox": (
        _refusal_ok(r"\S+ FETCH 1:\* FLAGS"),
        (f"{STATES}::test_failed_select_leaves_no_mailbox_selected",),
    ),
    # -- SELECT, EXAMINE, UIDs ----------------------------------------------------------------
    "select-without-data": (
        one_rule(
            r"\S+ SELECT ",
            rewrite=(
                *_line_removed(rb"\* FLAGS"),
                *_line_removed(rb"\* \d+ RECENT"),
                *_line_removed(rb"\* OK \[(?:UIDVALIDITY|UIDNEXT|PERMANENTFLAGS)"),
            ),
        ),
        (
            f"{SELECT}::test_select_sends_flags",
            f"{SELECT}::test_select_sends_recent",
            f"{SELECT}::test_select_sends_uidvalidity",
            f"{SELECT}::test_select_sends_uidnext",
            f"{SELECT}::test_select_sends_permanentflags",
        ),
    ),
    "select-exists-miscounted": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"\* \d+ EXISTS", b"* 7 EXISTS"),)),
        (f"{SELECT}::test_select_sends_exists_with_the_count",),
    ),
    "examine-read-write": (
        one_rule(r"\S+ EXAMINE ", rewrite=((rb"READ-ONLY", b"READ-WRITE"),)),
        (f"{SELECT}::test_examine_is_read_only",),
    ),
    "missing-mailbox-bad": (
        one_rule(r'\S+ SELECT "[^"]*-missing"', rewrite=((rb"(?m)^([^*+ ]\S*) NO", rb"\1 BAD"),)),
        (f"{SELECT}::test_select_of_a_missing_mailbox_gets_no",),
    ),
    "uids-descending": (
        one_rule(r"\S+ FETCH 3 \(UID\)", rewrite=((rb"UID \d+", b"UID 1"),)),
        (f"{SELECT}::test_uids_strictly_ascending",),
    ),
    "uidnext-unchanged": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"UIDNEXT \d+", b"UIDNEXT 1"),)),
        (f"{SELECT}::test_uidnext_changes_when_a_message_is_added",),
    ),
    "uid-reused-after-expunge": (
        one_rule(r"\S+ FETCH 2 \(UID\)", rewrite=((rb"UID \d+", b"UID 2"),)),
        (f"{SELECT}::test_uid_not_reused_after_expunge",),
    ),
    # -- APPEND, FETCH, STORE ---------------------------------------------------------------
    "body-altered": (
        one_rule(r"\S+ FETCH 1 \(BODY\.PEEK\[\]\)", rewrite=((rb"Tab\t", b"Tab "),)),
        (f"{FETCH}::test_append_then_fetch_body_is_byte_exact",),
    ),
    "rfc822-size-wrong": (
        one_rule(
            r"\S+ FETCH 1 \(RFC822\.SIZE",
            rewrite=((rb"RFC822\.SIZE (\d+)", rb"RFC822.SIZE \g<1>0"),),
        ),
        (f"{FETCH}::test_rfc822_size_is_the_octets_of_body",),
    ),
    "seen-not-set-by-body": (
        one_rule(r"\S+ FETCH 1 \(BODY\[\]\)", edit=((rb"\(BODY\[\]\)", b"(BODY.PEEK[])"),)),
        (f"{FETCH}::test_fetch_body_sets_seen",),
    ),
    "peek-sets-seen": (
        one_rule(r"\S+ FETCH 1 \(BODY\.PEEK\[\]\)", edit=((rb"BODY\.PEEK\[\]", b"BODY[]"),)),
        (f"{FETCH}::test_fetch_body_peek_leaves_seen_unset",),
    ),
    "partial-from-the-wrong-octet": (
        one_rule(r"\S+ FETCH 1 \(BODY\.PEEK\[\]<6\.10>\)", edit=((rb"<6\.10>", b"<5.10>"),)),
        (f"{FETCH}::test_partial_fetch_returns_the_octets_asked_for",),
    ),
    "append-flags-dropped": (
        one_rule(r'\S+ APPEND "[^"]*" \(\\Flagged', edit=((rb" \(\\Flagged \\Draft\)", b""),)),
        (f"{FETCH}::test_append_sets_the_flags_given",),
    ),
    "store-returns-no-fetch": (
        one_rule(r"\S+ STORE 1 \+FLAGS ", rewrite=_line_removed(rb"\* \d+ FETCH")),
        (f"{FETCH}::test_store_plus_flags_adds_and_returns_them",),
    ),
    "minus-flags-adds": (
        one_rule(r"\S+ STORE 1 -FLAGS ", edit=((rb"-FLAGS", b"+FLAGS"),)),
        (f"{FETCH}::test_store_minus_flags_removes_only_them",),
    ),
    "silent-not-silent": (
        one_rule(r"\S+ STORE 1 \+FLAGS\.SILENT \(\\Flagged\)", edit=((rb"\.SILENT", b""),)),
        (f"{FETCH}::test_store_silent_returns_no_fetch",),
    ),
    "uid-fetch-without-uid": (
        one_rule(r"\S+ UID FETCH \d+ \(FLAGS\)", rewrite=((rb" ?UID \d+ ?", b""),)),
        (f"{FETCH}::test_uid_fetch_includes_the_uid",),
    ),
    "uid-fetch-by-number": (
        one_rule(r"\S+ UID FETCH \d+ \(BODY", edit=((rb"UID FETCH \d+", b"FETCH 1"),)),
        (f"{FETCH}::test_uid_fetch_addresses_messages_by_uid",),
    ),
    # -- EXPUNGE, SEARCH, COPY --------------------------------------------------------------
    "expunge-unreported": (
        one_rule(r"\S+ EXPUNGE", rewrite=_line_removed(rb"\* \d+ EXPUNGE")),
        (f"{EXPUNGE}::test_expunge_reports_each_removed_message",),
    ),
    "expunge-not-renumbered": (
        one_rule(
            r"\S+ EXPUNGE",
            rewrite=((rb"\* \d+ EXPUNGE\r\n\* \d+ EXPUNGE", b"* 1 EXPUNGE\r\n* 2 EXPUNGE"),),
        ),
        (f"{EXPUNGE}::test_expunge_renumbers_the_later_messages",),
    ),
    "expunge-takes-undeleted": (
        one_rule(r"\S+ STORE 3 \+FLAGS\.SILENT \(\\Deleted\)", edit=((rb"STORE 3", b"STORE 1:3"),)),
        (f"{EXPUNGE}::test_expunge_keeps_messages_not_deleted",),
    ),
    "expunge-hidden-from-other-sessions": (
        one_rule(r"\S+ NOOP\r", rewrite=_line_removed(rb"\* \d+ EXPUNGE")),
        (f"{EXPUNGE}::test_other_session_sees_the_expunge",),
    ),
    "search-all-misses-one": (
        one_rule(r"\S+ SEARCH ALL", rewrite=((rb"\* SEARCH 1 ", b"* SEARCH "),)),
        (f"{EXPUNGE}::test_search_all_lists_every_message",),
    ),
    "search-subject-ignored": (
        one_rule(r"\S+ SEARCH SUBJECT", edit=((rb'SUBJECT "[^"]*"', b"ALL"),)),
        (f"{EXPUNGE}::test_search_subject_finds_only_the_match",),
    ),
    "search-keys-unioned": (
        one_rule(r"\S+ SEARCH FLAGGED SUBJECT", edit=((rb' SUBJECT "[^"]*"', b""),)),
        (f"{EXPUNGE}::test_search_keys_intersect",),
    ),
    "uid-search-returns-numbers": (
        one_rule(r"\S+ UID SEARCH ", edit=((rb"UID SEARCH", b"SEARCH"),)),
        (f"{EXPUNGE}::test_uid_search_returns_uids",),
    ),
    "copy-goes-elsewhere": (
        one_rule(r'\S+ COPY 2 "[^"]*-copy"', edit=((rb'-copy"', b'"'),)),
        (f"{EXPUNGE}::test_copy_adds_the_message_to_the_destination",),
    ),
    "copy-without-trycreate": (
        one_rule(r'\S+ COPY 1 "[^"]*-missing"', rewrite=((rb"\[TRYCREATE\] ", b""),)),
        (f"{EXPUNGE}::test_copy_to_a_missing_mailbox_gets_trycreate",),
    ),
    "copy-without-copyuid": (
        one_rule(r"\S+ COPY 2:3 ", rewrite=((rb"\[COPYUID [^\]]*\] ", b""),)),
        (f"{EXPUNGE}::test_copy_returns_copyuid",),
    ),
    "append-without-appenduid": (
        # APPEND is answered after the CRLF that ends the command, past its literal.
        one_rule(r"\r\n", rewrite=((rb"\[APPENDUID [^\]]*\] ", b""),)),
        (f"{EXPUNGE}::test_append_returns_appenduid",),
    ),
    # -- mailboxes ----------------------------------------------------------------------------
    "delimiter-two-characters": (
        one_rule(r'\S+ LIST "" ""', rewrite=((rb'"/"', b'"//"'),)),
        (f"{MAILBOXES}::test_list_with_an_empty_name_returns_the_delimiter",),
    ),
    "created-mailbox-not-listed": (
        one_rule(r'\S+ LIST "" "conformance-[^"*%]*"\r', rewrite=_line_removed(rb"\* LIST")),
        (f"{MAILBOXES}::test_create_makes_a_mailbox_list_shows",),
    ),
    "create-existing-ok": (
        _refusal_ok(r"\S+ CREATE "),
        (f"{MAILBOXES}::test_create_of_an_existing_mailbox_gets_no",),
    ),
    "delete-missing-ok": (
        _refusal_ok(r'\S+ DELETE "[^"]*-missing"'),
        (f"{MAILBOXES}::test_delete_of_a_missing_mailbox_gets_no",),
    ),
    "delete-inbox-ok": (
        _refusal_ok(r"\S+ DELETE INBOX"),
        (f"{MAILBOXES}::test_delete_of_inbox_gets_no",),
    ),
    "delete-keeps-mailbox": (
        one_rule(
            r'\S+ DELETE "[^"]*-doomed"',
            edit=((rb'DELETE ("[^"]*")', rb"STATUS \1 (MESSAGES)"),),
        ),
        (f"{MAILBOXES}::test_delete_removes_the_mailbox",),
    ),
    "children-gone-after-delete": (
        one_rule(r'\S+ LIST "" "[^"]*-parent/child"', rewrite=_line_removed(rb"\* LIST")),
        (f"{MAILBOXES}::test_delete_keeps_inferior_names",),
    ),
    "rename-creates-instead": (
        one_rule(r"\S+ RENAME ", edit=((rb'RENAME "[^"]*" ', b"CREATE "),)),
        (
            f"{MAILBOXES}::test_rename_moves_the_messages",
            f"{MAILBOXES}::test_rename_renames_inferior_names",
        ),
    ),
    "rename-onto-existing-ok": (
        _refusal_ok(r"\S+ RENAME "),
        (f"{MAILBOXES}::test_rename_to_an_existing_name_gets_no",),
    ),
    "list-star-one-level": (
        one_rule(
            r'\S+ LIST "" "conformance-[^"]*\*"', rewrite=_line_removed(rb"\* LIST [^\r\n]*/a/b")
        ),
        (f"{MAILBOXES}::test_list_star_matches_across_levels",),
    ),
    "list-percent-deep": (
        one_rule(r'\S+ LIST "" "[^"]*/%"', edit=((rb'/%"', b'/*"'),)),
        (f"{MAILBOXES}::test_list_percent_stops_at_the_delimiter",),
    ),
    "status-miscounts": (
        one_rule(r"\S+ STATUS ", rewrite=((rb"MESSAGES \d+", b"MESSAGES 0"),)),
        (f"{MAILBOXES}::test_status_items_count_the_mailbox",),
    ),
    # -- literals and line length -------------------------------------------------------------
    "literal-without-continuation": (
        one_rule(r"L1 LOGIN \{", rewrite=_line_removed(rb"\+")),
        (f"{LITERALS}::test_synchronizing_literal_gets_a_continuation_request",),
    ),
    "literal-altered": (
        one_rule(r"\S+ FETCH 1 \(BODY\.PEEK\[\]\)", rewrite=((rb"A0099 LOGOUT", b"A0099 LOGOFF"),)),
        (f"{LITERALS}::test_literal_octets_are_taken_as_counted",),
    ),
    "long-line-refused": (
        one_rule(r"LL1 UID FETCH", send=b"", reply=b"LL1 BAD [TOOBIG] line too long\r\n"),
        (f"{LITERALS}::test_an_8000_octet_command_line_is_accepted",),
    ),
    # -- sequence sets, CLOSE, STARTTLS ---------------------------------------------------------
    "reversed-range-one-end": (
        one_rule(r"\S+ FETCH 3:2 ", edit=((rb"3:2", b"3"),)),
        (f"{SEQUENCES}::test_a_reversed_range_means_the_same_messages",),
    ),
    "star-is-the-first": (
        one_rule(r"\S+ FETCH \* ", edit=((rb"FETCH \*", b"FETCH 1"),)),
        (f"{SEQUENCES}::test_star_is_the_last_message",),
    ),
    "uid-range-past-the-last-empty": (
        one_rule(r"\S+ UID FETCH \d+:\* ", rewrite=_line_removed(rb"\* \d+ FETCH")),
        (f"{SEQUENCES}::test_uid_range_to_star_includes_the_last_message",),
    ),
    "close-reports-expunge": (
        one_rule(r"\S+ CLOSE\r", rewrite=((rb"\A", b"* 2 EXPUNGE\r\n"),)),
        (f"{SEQUENCES}::test_close_expunges_without_expunge_responses",),
    ),
    "close-keeps-deleted": (
        one_rule(r"\S+ CLOSE\r", edit=((rb"CLOSE", b"UNSELECT"),)),
        (f"{SEQUENCES}::test_close_expunges_without_expunge_responses",),
    ),
    "starttls-refused": (
        one_rule(r"A0001 STARTTLS", send=b"", reply=b"A0001 BAD not now\r\n"),
        (f"{SEQUENCES}::test_starttls_starts_tls",),
    ),
    # -- \\Recent, sections, INBOX, APPEND, SEARCH -----------------------------------------------
    "recent-for-every-session": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"\* \d+ RECENT", b"* 1 RECENT"),)),
        (f"{MORE}::test_recent_is_seen_by_one_session_only",),
    ),
    "header-fields-all-fields": (
        one_rule(
            r"\S+ FETCH 1 \(BODY\.PEEK\[HEADER\.FIELDS", edit=((rb"\.FIELDS \([^)]*\)", b""),)
        ),
        (f"{MORE}::test_header_fields_returns_only_those_fields",),
    ),
    "text-with-header": (
        one_rule(r"\S+ FETCH 1 \(BODY\.PEEK\[TEXT\]\)", edit=((rb"\[TEXT\]", b"[]"),)),
        (f"{MORE}::test_text_section_is_the_body",),
    ),
    "inbox-case-sensitive": (
        one_rule(r"\S+ EXAMINE inBox", edit=((rb"inBox", b"inBox-nowhere"),)),
        (f"{MORE}::test_inbox_is_case_insensitive",),
    ),
    "inbox-not-listed": (
        one_rule(r'\S+ LIST "" %', rewrite=_line_removed(rb"\* LIST [^\r\n]*INBOX")),
        (f"{MORE}::test_list_includes_inbox",),
    ),
    "append-date-ignored": (
        one_rule(r'\S+ APPEND "[^"]*" "07-Feb', edit=((rb' "07-Feb-1994 [^"]*"', b""),)),
        (f"{MORE}::test_append_sets_the_internal_date_given",),
    ),
    "append-without-trycreate": (
        # Answered after the CRLF that ends the command, past its literal.
        one_rule(r"\r\n", rewrite=((rb"\[TRYCREATE\] ", b""),)),
        (f"{MORE}::test_append_to_a_missing_mailbox_gets_trycreate",),
    ),
    "search-seen-inverted": (
        one_rule(r"\S+ SEARCH SEEN", edit=((rb"SEARCH SEEN", b"SEARCH UNSEEN"),)),
        (f"{MORE}::test_search_seen_and_unseen",),
    ),
    # -- extensions, READ-WRITE, FLAGS, STATUS ------------------------------------------------
    "uid-expunge-expunges-all": (
        one_rule(r"\S+ UID EXPUNGE \d+", edit=((rb"UID EXPUNGE \d+", b"EXPUNGE"),)),
        (f"{EXTENSIONS}::test_uid_expunge_removes_only_the_uids_given",),
    ),
    "unselect-expunges": (
        one_rule(r"\S+ UNSELECT", edit=((rb"UNSELECT", b"CLOSE"),)),
        (f"{EXTENSIONS}::test_unselect_removes_nothing",),
    ),
    "move-copies": (
        one_rule(r"\S+ MOVE 2 ", edit=((rb"MOVE 2", b"COPY 2"),)),
        (f"{EXTENSIONS}::test_move_leaves_the_source_and_reaches_the_target",),
    ),
    "select-without-read-write": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"\[READ-WRITE\] ", b""),)),
        (f"{EXTENSIONS}::test_select_says_read_write",),
    ),
    "flags-without-draft": (
        one_rule(r"\S+ SELECT ", rewrite=((rb"(?m)^(\* FLAGS \([^)\r\n]*?) ?\\Draft", rb"\1"),)),
        (f"{EXTENSIONS}::test_flags_lists_the_system_flags",),
    ),
    "status-of-missing-ok": (
        _refusal_ok(r'\S+ STATUS "[^"]*-missing"'),
        (f"{EXTENSIONS}::test_status_of_a_missing_mailbox_gets_no",),
    ),
    # -- FETCH forms, empty SEARCH, LSUB -------------------------------------------------------
    "truncated-partial-not-partial": (
        one_rule(r"\S+ FETCH 1 \(BODY\.PEEK\[\]<0\.", rewrite=((rb"BODY\[\]<0>", b"BODY[]"),)),
        (f"{FORMS}::test_partial_fetch_past_the_end_is_truncated",),
    ),
    "partial-past-the-end-nil": (
        one_rule(
            r"\S+ FETCH 1 \(BODY\.PEEK\[\]<\d+\.5>\)",
            rewrite=((rb'(BODY\[\]<\d+>) (?:""|\{0\}\r\n)', rb"\1 NIL"),),
        ),
        (f"{FORMS}::test_partial_fetch_starting_past_the_end_is_empty",),
    ),
    "rfc822-answered-as-body": (
        one_rule(r"\S+ FETCH 1 \(RFC822\)", edit=((rb"\(RFC822\)", b"(BODY.PEEK[])"),)),
        (f"{FORMS}::test_rfc822_is_the_whole_message_and_sets_seen",),
    ),
    "rfc822-header-sets-seen": (
        one_rule(
            r"\S+ FETCH 1 \(RFC822\.HEADER\)",
            edit=((rb"\(RFC822\.HEADER\)", b"(RFC822.HEADER BODY[HEADER])"),),
        ),
        (f"{FORMS}::test_rfc822_header_is_the_header_without_seen",),
    ),
    "append-flags-invented": (
        one_rule(r'\S+ APPEND "[^"]*" \{', edit=((rb'(APPEND "[^"]*") \{', rb"\1 (\\Flagged) {"),)),
        (f"{FORMS}::test_message_appended_without_flags_has_none",),
    ),
    "search-without-match-finds-all": (
        one_rule(r'\S+ SEARCH SUBJECT "no-such', edit=((rb'SUBJECT "no-such-subject"', b"ALL"),)),
        (f"{FORMS}::test_search_without_a_match_returns_an_empty_search",),
    ),
    "lsub-forgets": (
        one_rule(r"\S+ LSUB ", rewrite=_line_removed(rb"\* LSUB")),
        (f"{FORMS}::test_subscribed_mailbox_is_listed_by_lsub",),
    ),
}
