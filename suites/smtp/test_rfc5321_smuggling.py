"""RFC 5321 §2.3.8, §4.1.1.4: only <CRLF>.<CRLF> ends mail data (SMTP smuggling).

Each test ends the first message's text with a look-alike terminator built from bare CR,
bare LF or NUL, follows it with a complete second transaction, and ends the data with a
real <CRLF>.<CRLF> (see ``_smuggling``).  A conforming server sees one message (accepted
with the second transaction as text, or refused) and answers it once; a server that takes
the look-alike for the end of data also runs the smuggled MAIL, RCPT and DATA, and its
replies to them arrive where the reply to our QUIT should be.

These tests deliver mail: they run with ``--deliver-to ADDRESS`` or a profile that
allows delivery, and read the mail back where the profile can.  The last test probes the
same weakness in a command line (a bare CR inside it), and delivers nothing.
"""

from __future__ import annotations

import pytest

from conformance import MailRoute, SmtpSession, TargetClosedConnection

from ._rfc5321 import ready
from ._smuggling import Probe, assert_one_message, run_probe


def _smuggle(smtp: SmtpSession, route: MailRoute, probe: Probe) -> None:
    assert_one_message(run_probe(smtp, route, probe), route)


@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_bare_lf_period_lf_does_not_end_data(smtp: SmtpSession, mail_route: MailRoute) -> None:
    """In particular, the sequence "<LF>.<LF>" (bare line feeds, without carriage returns)
    MUST NOT be treated as equivalent to <CRLF>.<CRLF> as the end of mail data
    indication."""
    _smuggle(smtp, mail_route, Probe(fake_end=b"\n.\n"))


@pytest.mark.parametrize(
    "fake_end",
    [b"\r.\r", b"\r\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n.\r"],
    ids=["CR.CR", "CRLF.LF", "LF.CRLF", "CR.CRLF", "CRLF.CR"],
)
@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_look_alike_terminator_does_not_end_data(
    smtp: SmtpSession, mail_route: MailRoute, fake_end: bytes
) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator."""
    _smuggle(smtp, mail_route, Probe(fake_end=fake_end))


# The rest of the look-alikes public scanners send (smtpsmug, SMTP-Smuggling-Tools): a CR
# and an LF split around the period, and an extra CR before a CRLF, which a server that
# drops stray CRs turns into <CRLF>.<CRLF>.
@pytest.mark.parametrize(
    "fake_end",
    [b"\r.\n", b"\n.\r", b"\n.\r\r\n", b"\r\n.\r\r\n", b"\r\r\n.\r\r\n"],
    ids=["CR.LF", "LF.CR", "LF.CRCRLF", "CRLF.CRCRLF", "CRCRLF.CRCRLF"],
)
@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_stray_cr_around_period_does_not_end_data(
    smtp: SmtpSession, mail_route: MailRoute, fake_end: bytes
) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator."""
    _smuggle(smtp, mail_route, Probe(fake_end=fake_end))


@pytest.mark.parametrize(
    "fake_end", [b"\r\n\x00.\r\n", b"\r\n.\x00\r\n"], ids=["NUL-before-period", "NUL-after-period"]
)
@pytest.mark.rfc(
    5321,
    "4.1.1.4",
    "MUST",
    basis=(
        "The sentence defines the end of mail data as exactly <CRLF>.<CRLF>; a server that "
        "ignores a NUL beside the period ends the data early and runs the rest as commands, "
        "the smuggling that the MUST NOTs of §2.3.8 and §4.1.1.4 forbid for CR and LF."
    ),
)
def test_nul_beside_period_does_not_end_data(
    smtp: SmtpSession, mail_route: MailRoute, fake_end: bytes
) -> None:
    """The mail data are terminated by a line containing only a period, that is, the
    character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator
    of the previous line (see Section 4.5.2).

    A line holding a NUL and a period is not that line: it is data (a NUL is one of "the
    128 ASCII character codes" mail data may contain).
    """
    _smuggle(smtp, mail_route, Probe(fake_end=fake_end))


# The variant left after the fixes of CVE-2023-51766: a server that reads a message in an
# "LF mode" when its first lines end in a bare LF.  Every probe above sends CRLF-ended
# header lines, so such a server passes them all.
@pytest.mark.parametrize(
    "fake_end", [b"\n.\n", b"\n.\r\n", b"\r\n.\n"], ids=["LF.LF", "LF.CRLF", "CRLF.LF"]
)
@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_bare_lf_header_lines_do_not_make_lf_end_data(
    smtp: SmtpSession, mail_route: MailRoute, fake_end: bytes
) -> None:
    """The custom of accepting lines ending only in <LF>, as a concession to
    non-conforming behavior on the part of some UNIX systems, has proven to cause more
    interoperability problems than it solves, and SMTP server systems MUST NOT do this,
    even in the name of improved robustness."""
    _smuggle(smtp, mail_route, Probe(fake_end=fake_end, header_line_end=b"\n"))


# Catalogue S-14: the same smuggling one level up, in a command line.  Dovecot's command
# parser tests list "RSET<CR>QUIT<CRLF>" as one invalid line.
@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_bare_cr_does_not_end_a_command(smtp: SmtpSession) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator.

    "RSET<CR>QUIT<CRLF>" is one line: it earns one reply (or a refusal and a close), and
    the QUIT inside it is not run, so a NOOP sent after that reply gets 250, not 221.
    """
    ready(smtp)
    smtp.send_raw(b"RSET\rQUIT\r\n", replies=1)
    first = smtp.read_reply()
    try:
        smtp.send_raw(b"NOOP\r\n", replies=1)
        after = smtp.read_reply()
    except TargetClosedConnection:
        assert first.code >= 400, (
            f"sent 'RSET<CR>QUIT<CRLF>' (one line), got {first}, and the connection then "
            "closed: the target took the bare CR for a line end and ran the QUIT"
        )
        return
    assert after.code == 250, (
        f"sent 'RSET<CR>QUIT<CRLF>' (one line), got {first}, then NOOP; expected 250 to "
        f"NOOP, got {after}: the target took the bare CR for a line end and ran the QUIT"
    )
