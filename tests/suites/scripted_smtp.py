"""Misbehaving SMTP servers said as wire rules (see ``wire_script``): each breaks one
RFC 5321 rule, and names the suite tests (below suites/smtp/) that must fail on it."""

from __future__ import annotations

from wire_script import Rule, Script

__all__ = ["SCRIPTS"]

RSET_NOOP_QUIT = "test_rfc5321_rset_noop_quit.py"


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
}
