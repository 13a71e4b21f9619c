"""Limits: a command line longer than the server takes (RFC 2683 §3.2.1.5), literals too
big to take, lists nested without bound, many commands
in one write (RFC 3501 §5.5).  Each probe is bounded: what is sent is at most
some hundred kilobytes, and a literal's octets are never sent unless asked for."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession
from conformance._errors import TargetTimeout
from conformance._imap_session import quoted_string

from ._imap import append, expect_ok, message, select, shown
from ._probes import answer_or_bye, refused_by, shown_all

PRACTICE = (
    "Hardening practice, graded as a warning only: no RFC sentence bounds it, and a "
    "server that takes it without limit can be made to exhaust its memory"
)


@pytest.mark.rfc(
    2683,
    "3.2.1.5",
    "SHOULD",
    basis="RFC 2683 is informational advice written with lower-case 'should'; graded "
    "SHOULD because a client can only recover from a line it knows was refused",
)
def test_command_line_past_the_maximum_gets_bad(imap_login: Callable[[], ImapSession]) -> None:
    """The server should send a BAD response to a command that does not end within the
    server's maximum accepted command length.

    A LIST whose pattern is 200 000 octets long: a server whose maximum is shorter
    answers BAD; one whose maximum is longer completes it.  A BYE without that BAD, or a
    close, leaves the client not knowing what became of its command.
    """
    session = imap_login()
    line = b'L1 LIST "" "' + b"A" * 200_000 + b'"\r\n'
    answer = answer_or_bye(session, line, b"L1", "a LIST line of 200 000 octets")
    assert answer[-1].status != b"BYE", (
        f"sent a LIST line of 200 000 octets: expected BAD (or its completion), got "
        f"{shown_all(answer)}"
    )


@pytest.mark.rfc(
    3501,
    "7.1.3",
    "MUST",
    basis="RFC 3501 §9 and RFC 9051 §9: a literal's count is a number below 2^32 "
    "(number64 below 2^63 in IMAP4rev2), so '{99999999999999999999}' is no literal but a "
    "syntax error; asking for its octets would have the client send them",
)
def test_literal_count_beyond_any_number_gets_bad_and_no_continuation(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """When tagged, it reports a protocol-level error in the client's command; the tag
    indicates the command that caused the error."""
    session = imap_login()
    data = b"H1 APPEND " + quoted_string(imap_mailbox) + b" {99999999999999999999}\r\n"
    answer = answer_or_bye(session, data, b"H1", "APPEND with {99999999999999999999}")
    assert refused_by(answer, b"H1"), (
        f"sent APPEND {{99999999999999999999}}: expected BAD (or BYE), got {shown_all(answer)}"
    )


@pytest.mark.rfc(9051, "7.6", "MAY", basis=PRACTICE)
def test_four_gigabyte_literal_is_refused_before_its_octets(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The client is not permitted to send the octets of the synchronizing literal unless
    the server indicates that it is expected.

    A 4 GiB APPEND: the server should refuse it (NO [TOOBIG], BAD or BYE) rather than ask
    for its octets with a '+'.
    """
    session = imap_login()
    data = b"H2 APPEND " + quoted_string(imap_mailbox) + b" {4294967296}\r\n"
    answer = answer_or_bye(session, data, b"H2", "APPEND with {4294967296}")
    assert refused_by(answer, b"H2"), f"sent APPEND {{4294967296}}: got {shown_all(answer)}"


@pytest.mark.parametrize("command", [b"FETCH 1 ", b"SEARCH "], ids=["FETCH", "SEARCH"])
@pytest.mark.rfc(3501, "4.4", "MAY", basis=PRACTICE + " (Dovecot CVE-2026-27857)")
def test_deeply_nested_parentheses_get_bad_and_the_session_goes_on(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, command: bytes
) -> None:
    """A parenthesized list can contain other parenthesized lists, using multiple levels
    of parentheses to indicate nesting.

    Here 5000 nested '(' after FETCH or SEARCH: a BAD, and the session still answers NOOP.
    """
    session = imap_login()
    append(session, imap_mailbox, message("nested"))
    select(session, imap_mailbox)
    data = b"P1 " + command + b"(" * 5000 + b"ALL" + b")" * 5000 + b"\r\n"
    answer = answer_or_bye(session, data, b"P1", f"{command.decode()}with 5000 nested '('")
    assert answer[-1].status == b"BAD", f"5000 nested '(': got {shown_all(answer)}"
    expect_ok(session.command("NOOP"), "NOOP after the nested list")


@pytest.mark.rfc(
    3501,
    "2.2.2",
    "MUST",
    basis="§5.5 lets a client send commands without waiting (MAY); §2.2.2 defines that "
    "each command in progress is completed by a response with its tag",
)
def test_pipelined_commands_are_each_completed(imap_login: Callable[[], ImapSession]) -> None:
    """Thus, if more than one command is in progress, the tag in a server completion
    response identifies the command to which the response applies.

    500 NOOPs sent back to back, nothing read in between: each gets its OK.
    """
    session = imap_login()
    count = 500
    for n in range(count):  # sent back to back, nothing read in between
        session.send_raw(b"Q%d NOOP\r\n" % n, expect_tag=b"Q%d" % n)
    for n in range(count):
        completed = session.completion(b"Q%d" % n)
        assert completed.response.status == b"OK", (
            f"{count} NOOPs in one write: Q{n} got {shown(completed.response)}"
        )


@pytest.mark.requires("LITERAL-")
@pytest.mark.rfc(7888, "5", "MUST")
def test_non_synchronizing_literal_over_4096_gets_bad_toobig_under_literal_minus(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If responding to an APPEND command, the tagged BAD response MUST contain the
    TOOBIG response code [RFC4469].

    APPEND with a 5000-octet non-synchronizing literal to a server advertising LITERAL-
    (which allows them up to 4096 octets): a tagged BAD [TOOBIG], or a BYE (RFC 7888
    §4's other choice).
    """
    session = imap_login()
    data = b"T1 APPEND " + quoted_string(imap_mailbox) + b" {5000+}\r\n" + b"x" * 5000 + b"\r\n"
    answer = answer_or_bye(session, data, b"T1", "APPEND with a {5000+} literal")
    last = answer[-1]
    toobig = last.tag == b"T1" and last.status == b"BAD" and last.code.upper() == b"TOOBIG"
    assert toobig or last.status == b"BYE", (
        f"APPEND {{5000+}} under LITERAL-: expected BAD [TOOBIG] (or BYE), got {shown_all(answer)}"
    )


@pytest.mark.rfc(9051, "6.3.9", "MAY", basis=PRACTICE + " (a matcher that backtracks)")
def test_list_pattern_of_many_wildcards_is_answered(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The character "*" is a wildcard and matches zero or more characters at this
    position.

    LIST with a pattern of 24 wildcards that matches no name: a matcher that tries every
    way to share the name out among them takes longer than anyone waits.
    """
    session = imap_login()
    pattern = imap_mailbox[: len("conformance-")] + "%*" * 12 + "Z"
    tag = session.start("LIST", b'""', quoted_string(pattern))
    try:
        completed = session.completion(tag, timeout=session.timeout * 0.95)
    except TargetTimeout:
        raise AssertionError(
            f'LIST "" {pattern!r}: no answer within {session.timeout * 0.95:.0f} s'
        ) from None
    expect_ok(completed, f"LIST with the pattern {pattern!r}")


@pytest.mark.rfc(9051, "4.3", "MAY", basis=PRACTICE + " (before login, by anyone)")
def test_large_literal_refused_before_login(imap: ImapSession) -> None:
    """In the case of synchronizing literals transmitted from client to server, the client
    MUST wait to receive a command continuation request (described later in this
    document) before sending the octet data (and the remainder of the command).

    Before login, LOGIN with a 10 MiB user name: a literal no login needs, which the
    server should refuse (BAD, NO or BYE) rather than ask for with a '+'.
    """
    data = b"B1 LOGIN {10485760}\r\n"
    answer = answer_or_bye(imap, data, b"B1", "LOGIN {10485760} before login")
    assert refused_by(answer, b"B1"), f"sent LOGIN {{10485760}}: got {shown_all(answer)}"
