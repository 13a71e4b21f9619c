"""Misbehaving IMAP servers (wire rules, see ``wire_script``) for the mailbox extensions:
SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154), STATUS=SIZE (RFC 8438), APPENDLIMIT
(RFC 7889).  Each names the suite tests that must fail on it."""

from __future__ import annotations

from wire_script import Script, one_rule

__all__ = ["SCRIPTS"]

EXTENSIONS = "test_mailbox_extensions.py"
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
}
