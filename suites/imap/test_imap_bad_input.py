"""Bad input a server must refuse: NUL, CR and 8-bit octets
where the grammar has none, a quoted string without its end,
invalid modified UTF-7 mailbox names, a flood of unparsable lines.

Every probe is one raw line on a fresh connection; the answer is read up to its tagged
completion, an untagged BAD or a BYE (``_probes``), and a close without BYE fails."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession
from conformance._imap_session import quoted_string

from ._imap import expect_refused, mailbox
from ._probes import answer_or_bye, refused_by, shown_all

GRAMMAR = (
    "§9 is the grammar every command must match; a line outside it is a protocol-level "
    "error, answered BAD (§7.1.3)"
)


def _refused(session: ImapSession, data: bytes, tag: bytes, sent: str) -> None:
    answer = answer_or_bye(session, data, tag, sent)
    assert refused_by(answer, tag), f"sent {sent}: expected BAD, got {shown_all(answer)}"


@pytest.mark.rfc(3501, "4.3.1", "MUST", basis=GRAMMAR + ": QUOTED-CHAR is built from CHAR, %x01-7F")
def test_nul_in_a_quoted_string_gets_bad(imap: ImapSession) -> None:
    """A "binary string" is any string with NUL characters.

    Sent before login: LOGIN "us<NUL>er" "pw".
    """
    _refused(imap, b'N1 LOGIN "us\x00er" "pw"\r\n', b"N1", "LOGIN with a NUL in a quoted string")


@pytest.mark.requires("IMAP4rev1")
@pytest.mark.rfc(3501, "9", "MUST", basis=GRAMMAR + ": ATOM-CHAR is built from CHAR, %x01-7F")
def test_8bit_octet_in_an_atom_gets_bad(imap_login: Callable[[], ImapSession]) -> None:
    """ATOM-CHAR = <any CHAR except atom-specials>

    Sent after login: SELECT INB<0xFF>OX (not UTF-8 either, which IMAP4rev2 would allow).
    """
    _refused(imap_login(), b"E1 SELECT INB\xffOX\r\n", b"E1", "SELECT INB<0xFF>OX")


@pytest.mark.parametrize(
    "line",
    [b'Q1 LOGIN "a\rb" "pw"\r\n', b'Q1 LOGIN "abc pw\r\n'],
    ids=["CR-inside", "no-closing-quote"],
)
@pytest.mark.rfc(3501, "4.3", "MUST", basis=GRAMMAR + ": a quoted string ends at a '\"'")
def test_broken_quoted_string_gets_bad(imap: ImapSession, line: bytes) -> None:
    """The quoted string form is an alternative that avoids the overhead of processing a
    literal at the cost of limitations of characters which may be used.

    Sent before login: a CR inside the quotes, or no closing quote before the line ends.
    """
    _refused(imap, line, b"Q1", f"{line!r}")


@pytest.mark.parametrize(
    "name",
    ["&", "&Jjo", "&Jjo!", "&U,BTFw-&ZeVnLIqe-", "&AGEAYgBj-"],
    ids=["lone-shift", "unterminated", "bad-octet", "superfluous-shift", "encoded-ascii"],
)
@pytest.mark.requires("IMAP4rev1")
@pytest.mark.rfc(3501, "5.1.3", "SHOULD")
def test_create_with_invalid_modified_utf7_is_refused(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, name: str
) -> None:
    """Server implementations SHOULD verify that any mailbox name with an embedded "&"
    character, used as an argument to CREATE, is: in the correctly modified UTF-7 syntax,
    has no superfluous shifts, and has no encoding in modified BASE64 of any printing
    US-ASCII character which can represent itself."""
    full = f"{imap_mailbox}-{name}"
    completed = imap_login().command("CREATE", mailbox(full))
    expect_refused(completed, f"CREATE {quoted_string(full)!r}")


@pytest.mark.rfc(
    3501,
    "7.1.3",
    "MUST",
    basis=GRAMMAR + "; a server that gives up on such a client says BYE before it closes "
    "(§7.1.5), so BYE is an answer too",
)
def test_each_unparsable_line_gets_bad_or_the_session_ends_with_bye(
    imap_login: Callable[[], ImapSession],
) -> None:
    """The BAD response indicates an error message from the server.

    25 lines that are no command, one after the other: each gets BAD until, if ever,
    the server ends the session with a BYE.
    """
    session = imap_login()
    for n in range(25):
        tag = b"G%d" % n
        answer = answer_or_bye(session, tag + b' )("\x01\r\n', tag, f"unparsable line {n + 1}")
        if answer[-1].status == b"BYE":
            return
        assert answer[-1].status == b"BAD", f"unparsable line {n + 1}: got {shown_all(answer)}"
