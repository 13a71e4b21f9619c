"""SMTP smuggling through the extensions: a smuggled BDAT transaction (RFC 3030), and
mail data sent before the 354 (RFC 2920).

A server that refuses mail data sent before its 354 stops a smuggled DATA transaction,
but not a smuggled BDAT one: its octets may follow the command at once (RFC 3030 §2).
That is how CVE-2023-51766 reached Exim, whose "synchronization" check stopped the DATA
form: PIPELINING and CHUNKING offered, and the look-alike end of data taken for the real
one.  The criterion is the one of ``test_rfc5321_smuggling``: one message, or none.
"""

from __future__ import annotations

import pytest

from conformance import MailRoute, SmtpSession

from ._smuggling import Probe, assert_one_message, pipeline_before_354, run_probe

_EXIM_LOOK_ALIKES = pytest.mark.parametrize(
    "fake_end", [b"\n.\n", b"\r\n.\n", b"\n.\r\n"], ids=["LF.LF", "CRLF.LF", "LF.CRLF"]
)


@_EXIM_LOOK_ALIKES
@pytest.mark.requires("PIPELINING")
@pytest.mark.requires("CHUNKING")
@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_look_alike_terminator_does_not_end_data_before_bdat(
    smtp: SmtpSession, mail_route: MailRoute, fake_end: bytes
) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator.

    The smuggled transaction ends in ``BDAT <size> LAST`` and its message, which passes a
    check for octets sent before a 354.
    """
    probe = Probe(fake_end=fake_end, smuggle_by="BDAT")
    assert_one_message(run_probe(smtp, mail_route, probe), mail_route)


@pytest.mark.parametrize("fake_end", [b"\n.\n", b"\n.\r\n"], ids=["LF.LF", "LF.CRLF"])
@pytest.mark.requires("PIPELINING")
@pytest.mark.requires("CHUNKING")
@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_bare_lf_header_lines_do_not_make_lf_end_data_before_bdat(
    smtp: SmtpSession, mail_route: MailRoute, fake_end: bytes
) -> None:
    """The custom of accepting lines ending only in <LF>, as a concession to
    non-conforming behavior on the part of some UNIX systems, has proven to cause more
    interoperability problems than it solves, and SMTP server systems MUST NOT do this,
    even in the name of improved robustness.

    The first message's header lines end in a bare LF (the "LF mode" some servers switch
    to), and the smuggled transaction ends in ``BDAT <size> LAST``.
    """
    probe = Probe(fake_end=fake_end, smuggle_by="BDAT", header_line_end=b"\n")
    assert_one_message(run_probe(smtp, mail_route, probe), mail_route)


@pytest.mark.rfc(
    2920,
    "3.1",
    "MAY",
    basis=(
        "Hardening practice, graded as a warning only: no RFC sentence asks a server to "
        "refuse mail data sent before its 354 (§3.1 binds the client, and §3.2 forbids a "
        "pipelining server to lose its input). Postfix (smtpd_forbid_unauth_pipelining) and "
        "Exim (smtp_enforce_sync) refuse it because it carries smuggled transactions."
    ),
)
def test_mail_data_before_354_not_accepted(smtp: SmtpSession, mail_route: MailRoute) -> None:
    """The EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP commands can only appear as the
    last command in a group since their success or failure produces a change of state
    which the client SMTP must accommodate.

    Sent in one write: the end of a message, then MAIL, RCPT, DATA and a second message
    without waiting for the 354.  The second message must not be accepted.
    """
    replies = pipeline_before_354(smtp, mail_route)
    codes = [reply.code for reply in replies]
    assert codes[3:] != [354, 250], (
        "sent in one write the end of a message, then MAIL, RCPT, DATA and a second "
        "message without waiting for the 354; expected the second message refused (or the "
        f"connection closed); got {[str(reply) for reply in replies]}: the target reads "
        "mail data sent before its 354, which lets a smuggled transaction through "
        f"({mail_route.how_judged})"
    )
