"""RFC 3501 §4.3, §7.5 and RFC 2683 §3.2.1.5: literals from the client, long lines."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapAccount, ImapSession, TargetTimeout
from reference_impl.imap import ContinuationRequested

from ._imap import append, expect_ok, fetch, select, shown


def _continuation(session: ImapSession, sent: str) -> None:
    """The server's next response is a command continuation request ("+")."""
    try:
        event = session.next_response(timeout=session.timeout / 2)
    except TargetTimeout:
        raise AssertionError(
            f"sent {sent} and waited: no command continuation request ('+') came"
        ) from None
    assert isinstance(event, ContinuationRequested), (
        f"sent {sent}: expected '+', got {shown(event.response)}"
    )


@pytest.mark.rfc(
    3501,
    "7.5",
    "MUST",
    basis=(
        "§4.3 has the client wait for the '+' before a literal's octets (MUST): a server "
        "that does not send it leaves every conforming client waiting"
    ),
)
def test_synchronizing_literal_gets_a_continuation_request(
    imap: ImapSession, imap_account: ImapAccount
) -> None:
    """The command continuation request response is indicated by a "+" token instead of a
    tag.  This form of response indicates that the server is ready to accept the
    continuation of a command from the client."""
    user = imap_account.user.encode("utf-8")
    imap.send_raw(b"L1 LOGIN {%d}\r\n" % len(user), expect_tag=b"L1")
    _continuation(imap, f"L1 LOGIN {{{len(user)}}}")
    imap.send_raw(user + b' "' + imap_account.password.encode("utf-8") + b'"\r\n')
    expect_ok(imap.completion(b"L1"), "LOGIN with the user name as a literal")


@pytest.mark.rfc(
    3501,
    "4.3",
    "MUST",
    basis="§4.3 defines a literal's octets as data, CR and LF included, counted exactly",
)
def test_literal_octets_are_taken_as_counted(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A literal is a sequence of zero or more octets (including CR and LF), prefix-quoted
    with an octet count in the form of an open brace ("{"), the number of octets, close
    brace ("}"), and CRLF."""
    session = imap_login()
    content = b"Subject: braces {5}\r\n\r\nA0099 LOGOUT\r\n{3}\r\n)\r\n"
    append(session, imap_mailbox, content)
    select(session, imap_mailbox)
    assert fetch(session, "1", "(BODY.PEEK[])")[1].get(b"BODY[]") == content


@pytest.mark.rfc(
    2683,
    "3.2.1.5",
    "SHOULD",
    basis=(
        "RFC 2683 is informational advice written with lower-case 'should'; graded SHOULD "
        "because clients that enumerate message sets depend on it"
    ),
)
def test_an_8000_octet_command_line_is_accepted(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """For its part, a server should allow for a command line of at least 8000 octets."""
    session = imap_login()
    append(session, imap_mailbox, b"Subject: long line\r\n\r\nbody\r\n")
    select(session, imap_mailbox)
    numbers = ",".join(str(n) for n in range(1, 2000))
    line = b"UID FETCH " + numbers.encode() + b" (FLAGS)"
    while len(line) < 7990:
        line = line.replace(b" (FLAGS)", b",1 (FLAGS)")
    completed = session.raw(b"LL1 " + line + b"\r\n", b"LL1")
    assert len(line) + 6 >= 8000
    expect_ok(completed, f"a UID FETCH command line of {len(line) + 6} octets")
