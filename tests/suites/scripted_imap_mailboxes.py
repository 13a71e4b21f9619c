"""Misbehaving IMAP servers (wire rules, see ``wire_script``) for the mailbox extensions:
SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154), STATUS=SIZE (RFC 8438), APPENDLIMIT
(RFC 7889), and for QRESYNC (RFC 7162 §3.2) and SORT (RFC 5256).  Each names the suite
tests that must fail on it."""

from __future__ import annotations

from wire_script import Script, one_rule

__all__ = ["SCRIPTS"]

EXTENSIONS = "test_mailbox_extensions.py"
QRESYNC = "test_rfc7162_qresync.py"
SORT = "test_rfc5256_sort.py"
USES = rb"\\(?:Archive|Junk|Drafts|Trash|Sent|XConformanceNoSuchUse)"

SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "special-use-selection-ignored": (
        # The selection option dropped: every mailbox matching the pattern is listed.
        one_rule(r"\S+ LIST \(SPECIAL-USE\) ", edit=((rb"\(SPECIAL-USE\) ", b""),)),
        (f"{EXTENSIONS}::test_special_use_selection_lists_only_mailboxes_with_a_use",),
    ),
    "special-use-not-returned": (
        one_rule(r"\S+ LIST .* RETURN \(SPECIAL-USE\)", rewrite=((b" ?" + USES, b""),)),
        (f"{EXTENSIONS}::test_special_use_return_option_shows_the_use",),
    ),
    "create-use-ignored": (
        # The USE parameter dropped and the mailbox made without it, answered OK.
        one_rule(r"\S+ CREATE \S+ \(USE ", edit=((rb" \(USE \([^)]*\)\)", b""),)),
        (f"{EXTENSIONS}::test_create_with_a_use_it_cannot_set_creates_nothing",),
    ),
    "status-size-too-small": (
        one_rule(r"\S+ STATUS \S+ \(SIZE\)", rewrite=((rb"SIZE \d+", b"SIZE 1"),)),
        (f"{EXTENSIONS}::test_status_size_covers_every_message",),
    ),
    "list-status-without-appendlimit": (
        one_rule(r"\S+ LIST .*APPENDLIMIT", rewrite=((rb"(?m)^\* STATUS [^\r\n]*\r\n", b""),)),
        (f"{EXTENSIONS}::test_list_status_answers_appendlimit",),
    ),
    "closed-left-out": (
        one_rule(r"\S+ EXAMINE ", rewrite=((rb"(?m)^\* OK \[CLOSED\][^\r\n]*\r\n", b""),)),
        (f"{QRESYNC}::test_select_while_selected_returns_closed",),
    ),
    "qresync-parameter-ignored": (
        one_rule(r"\S+ SELECT \S+ \(QRESYNC \(1 1\)\)", edit=((rb" \(QRESYNC \(1 1\)\)", b""),)),
        (f"{QRESYNC}::test_qresync_parameter_without_enable_is_bad",),
    ),
    "expunge-not-vanished": (
        one_rule(r"\S+ EXPUNGE\r", rewrite=((rb"\* VANISHED [^\r\n]*", b"* 2 EXPUNGE"),)),
        (f"{QRESYNC}::test_expunge_is_reported_as_vanished_once_enabled",),
    ),
    "expunge-without-highestmodseq": (
        one_rule(r"\S+ EXPUNGE\r", rewrite=((rb"\[HIGHESTMODSEQ \d+\] ", b""),)),
        (f"{QRESYNC}::test_expunge_with_qresync_returns_highestmodseq",),
    ),
    "vanished-after-fetch": (
        one_rule(
            r"\S+ UID FETCH .*VANISHED\)",
            rewrite=(
                (
                    rb"(\* VANISHED \(EARLIER\)[^\r\n]*\r\n)((?:\* \d+ FETCH[^\r\n]*\r\n)+)",
                    rb"\2\1",
                ),
            ),
        ),
        (f"{QRESYNC}::test_uid_fetch_vanished_comes_before_fetch",),
    ),
    "vanished-without-changedsince-served": (
        one_rule(
            r"\S+ UID FETCH .*\(VANISHED\)",
            edit=((rb"\(VANISHED\)", b"(CHANGEDSINCE 1 VANISHED)"),),
        ),
        (f"{QRESYNC}::test_vanished_modifier_without_changedsince_is_bad",),
    ),
    "sort-by-raw-subject": (
        one_rule(r"\S+ SORT \(SUBJECT\)", rewrite=((rb"\* SORT 2 1 3\r", b"* SORT 3 2 1\r"),)),
        (f"{SORT}::test_subject_sorts_by_the_base_subject",),
    ),
    "sort-date-ignores-zones": (
        one_rule(r"\S+ SORT \(DATE\)", rewrite=((rb"\* SORT 2 1\r", b"* SORT 1 2\r"),)),
        (f"{SORT}::test_date_sorts_by_the_sent_date_in_utc",),
    ),
    "sort-reverses-ties": (
        one_rule(r"\S+ SORT \(REVERSE ", rewrite=((rb"\* SORT 1 2 3\r", b"* SORT 3 2 1\r"),)),
        (f"{SORT}::test_equal_messages_keep_their_mailbox_order",),
    ),
    "uid-sort-numbers": (
        one_rule(r"\S+ UID SORT ", edit=((rb" UID SORT ", b" SORT "),)),
        (f"{SORT}::test_uid_sort_returns_uids",),
    ),
}
