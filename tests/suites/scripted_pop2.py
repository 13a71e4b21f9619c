"""Misbehaving POP2 servers said as wire rules (see ``wire_script``): each
breaks one rule of RFC 937, and names the suite tests (below suites/pop2/) that must
fail on it."""

from __future__ import annotations

from wire_script import GREETING, Script, one_rule, refused

__all__ = ["SCRIPTS"]

ACKNOWLEDGE = "test_rfc937_acknowledge.py"
FOLD = "test_rfc937_fold.py"
READ_RETR = "test_rfc937_read_retr.py"
SESSION = "test_rfc937_session.py"
MISSING_FOLDER = r"FOLD no-such"


def _reply_changed(command: str, pattern: bytes, replacement: bytes, skip: int = 0) -> Script:
    return one_rule(command, rewrite=((pattern, replacement),), skip=skip)


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    "ackd-keeps-messages": (
        one_rule(r"ACKD", send=b"ACKS\r\n"),
        (
            f"{ACKNOWLEDGE}::test_read_of_a_message_marked_by_ackd_gets_zero",
            f"{ACKNOWLEDGE}::test_ackd_deletes_when_the_session_ends",
            f"{ACKNOWLEDGE}::test_ackd_deletes_when_fold_selects_a_mailbox",
        ),
    ),
    "nack-advances": (
        one_rule(r"NACK", send=b"ACKS\r\n"),
        (f"{ACKNOWLEDGE}::test_nack_keeps_the_current_message",),
    ),
    "acks-keeps-the-message": (
        one_rule(r"ACKS", send=b"NACK\r\n"),
        (f"{ACKNOWLEDGE}::test_acks_moves_to_the_next_message",),
    ),
    "acks-after-the-last-nonzero": (
        _reply_changed(r"ACKS", rb"\A=0\b", b"=1"),
        (f"{ACKNOWLEDGE}::test_acks_after_the_last_message_gets_zero",),
    ),
    "fold-of-missing-folder-nonzero": (
        _reply_changed(MISSING_FOLDER, rb"\A#0\b", b"#5"),
        (f"{FOLD}::test_fold_of_a_missing_mailbox_gets_zero",),
    ),
    "fold-of-missing-folder-keeps-inbox": (
        one_rule(MISSING_FOLDER, send=b"FOLD INBOX\r\n", reply=b"#0 messages\r\n"),
        (f"{FOLD}::test_fold_of_a_missing_mailbox_keeps_the_session",),
    ),
    "fold-keeps-the-current-message": (
        refused(r"FOLD INBOX", b"#3 messages\r\n"),
        (f"{FOLD}::test_fold_sets_the_current_message_to_one",),
    ),
    "read-without-argument-another-message": (
        _reply_changed(r"READ\r?\n", rb"\A=\d+", b"=7"),
        (f"{READ_RETR}::test_read_without_argument_is_message_one_after_helo",),
    ),
    "read-beyond-the-last-nonzero": (
        _reply_changed(r"READ", rb"\A=0\b", b"=10"),
        (f"{READ_RETR}::test_read_beyond_the_last_message_gets_zero",),
    ),
    "greeting-without-host": (
        _reply_changed(GREETING, rb"\A\+ POP2 [^\r\n]*", b"+ POP2"),
        (f"{SESSION}::test_greeting_is_plus_pop2_host",),
    ),
    "wrong-password-keeps-open": (
        refused(r"HELO \S+ \S+-wrong", b"- wrong password\r\n"),
        (f"{SESSION}::test_helo_with_a_wrong_password_gets_minus_and_close",),
    ),
    "quit-answered-minus": (
        one_rule(r"QUIT", reply=b"- bye\r\n"),
        (f"{SESSION}::test_quit_gets_plus", f"{SESSION}::test_quit_before_helo_gets_plus"),
    ),
    "quit-keeps-open": (
        refused(r"QUIT", b"+ OK bye\r\n"),
        (f"{SESSION}::test_quit_closes_the_connection",),
    ),
}
