"""RFC 3207: SMTP Service Extension for Secure SMTP over Transport Layer Security."""

from __future__ import annotations

import uuid

import pytest

from conformance import Account, Mailbox, Readback, Security, SmtpSession

from ._extensions import build_message, expect, new_marker, said, secure

pytestmark = pytest.mark.requires("STARTTLS")


def _plain_ehlo(smtp: SmtpSession, name: str = "conformance.test") -> None:
    if smtp.tls_active:
        pytest.skip("the connection is already protected by TLS (smtps target)")
    reply = smtp.ehlo(name)
    assert reply.code == 250, expect(reply, sent=f"EHLO {name}", expected="250")
    if "STARTTLS" not in smtp.extensions:
        pytest.skip("target does not advertise STARTTLS on this connection")


@pytest.mark.rfc(
    3207,
    "4",
    "MUST",
    basis=(
        "§4 defines the replies to STARTTLS: 220 to start TLS, 501 for a parameter, 454 "
        "for a temporary failure (the test skips); a server advertising STARTTLS that "
        "gets a correct STARTTLS has only 220 left."
    ),
)
def test_starttls_answered_with_220(smtp: SmtpSession) -> None:
    """After the client gives the STARTTLS command, the server responds with one of the
    following reply codes: ... 220 Ready to start TLS 501 Syntax error (no parameters allowed)
    454 TLS not available due to temporary reason

    A correct STARTTLS (no parameter) to a server advertising it gets 220 and a TLS
    handshake; 454 is a temporary refusal and makes the test skip.
    """
    _plain_ehlo(smtp)
    reply = smtp.starttls()
    if reply.code == 454:
        pytest.skip(f"target answered 454 (TLS temporarily unavailable): {reply}")
    assert reply.code == 220, expect(reply, sent="STARTTLS", expected="220 and a TLS handshake")
    assert smtp.tls_active


@pytest.mark.rfc(
    3207,
    "4",
    "MUST",
    basis=(
        "§4 defines STARTTLS as taking no parameters and lists '501 Syntax error (no "
        "parameters allowed)' as the reply for one."
    ),
)
def test_starttls_with_parameter_refused_501(smtp: SmtpSession) -> None:
    """The format for the STARTTLS command is: ... STARTTLS ... with no parameters.

    The reply list of §4 names "501 Syntax error (no parameters allowed)" for a STARTTLS
    with a parameter.
    """
    _plain_ehlo(smtp)
    reply = smtp.command("STARTTLS now")
    assert reply.code == 501, expect(reply, sent="STARTTLS now", expected="501")


@pytest.mark.rfc(3207, "4.2", "MUST")
def test_starttls_not_advertised_after_handshake(smtp: SmtpSession) -> None:
    """A server MUST NOT return the STARTTLS extension in response to an EHLO command
    received after a TLS handshake has completed."""
    _plain_ehlo(smtp)
    secure(smtp)
    assert "STARTTLS" not in smtp.extensions, (
        f"sent EHLO after the TLS handshake; expected no STARTTLS keyword; "
        f"got the keywords {sorted(smtp.extensions)}"
    )


@pytest.mark.rfc(3207, "4.2", "MUST")
def test_second_starttls_refused(smtp: SmtpSession) -> None:
    """Both the client and the server MUST know if there is a TLS session active.

    A server that knows TLS is active cannot accept a second STARTTLS: the command is
    refused (4xx or 5xx) instead of answered with 220.
    """
    _plain_ehlo(smtp)
    secure(smtp)
    reply = smtp.command("STARTTLS")
    assert reply.severity in (4, 5), expect(
        reply, sent="STARTTLS inside the TLS session", expected="a 4xx or 5xx refusal"
    )


@pytest.mark.rfc(3207, "4.2", "MUST")
def test_pipelined_command_after_starttls_not_executed(smtp: SmtpSession) -> None:
    """The server MUST discard any knowledge obtained from the client, such as the
    argument to the EHLO command, which was not obtained from the TLS negotiation itself.

    Octets sent in clear text after STARTTLS are such knowledge: a NOOP pipelined in the
    same write as STARTTLS must not be answered inside the TLS session (CVE-2011-0411,
    plaintext command injection).  After the handshake the first reply must be the one
    to our EHLO and QUIT must then get 221.
    """
    _plain_ehlo(smtp)
    reply = smtp.starttls(trailing=b"NOOP\r\n")
    if reply.code == 454:
        pytest.skip(f"target answered 454 (TLS temporarily unavailable): {reply}")
    assert not smtp.plaintext_after_starttls, (
        "sent STARTTLS\\r\\nNOOP\\r\\n in one write; expected only the 220 before the "
        f"handshake; the target also sent {smtp.plaintext_after_starttls!r} in clear text"
    )
    assert reply.code == 220
    ehlo = smtp.ehlo()
    quit_reply = smtp.quit()
    assert quit_reply.code == 221, (
        "sent STARTTLS\\r\\nNOOP\\r\\n in one write, then EHLO and QUIT inside TLS; "
        "expected replies to EHLO (250) and QUIT (221) only; got "
        f"{said(ehlo)} then {said(quit_reply)}: the injected NOOP was answered inside TLS"
    )


@pytest.mark.rfc(3207, "4.2", "MUST")
def test_mail_transaction_forgotten_after_handshake(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """Upon completion of the TLS handshake, the SMTP protocol is reset to the initial
    state (the state in SMTP after a server issues a 220 service ready greeting).  The
    server MUST discard any knowledge obtained from the client, such as the argument to the
    EHLO command, which was not obtained from the TLS negotiation itself.

    A transaction opened before STARTTLS does not survive it: right after the handshake
    RCPT has no MAIL to belong to (nor an EHLO) and must not be accepted.
    """
    _plain_ehlo(smtp)
    mail = smtp.mail(sender.address)
    if mail.severity in (4, 5) and smtp.target.security is Security.STARTTLS:
        pytest.skip(f"the target requires TLS before MAIL ({mail}): no transaction to forget")
    assert mail.code == 250, expect(mail, sent="MAIL FROM", expected="250")
    reply = smtp.starttls()
    if reply.code != 220:
        pytest.skip(f"target refuses STARTTLS inside a mail transaction ({reply})")
    rcpt = smtp.rcpt(recipient.address)
    assert rcpt.severity in (4, 5), expect(
        rcpt,
        sent="MAIL FROM before STARTTLS, then RCPT TO right after the handshake",
        expected="a refusal (the pre-TLS transaction must be gone; 503)",
    )


@pytest.mark.rfc(3207, "4.2", "MUST")
@pytest.mark.delivers
def test_ehlo_argument_forgotten_after_handshake(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The server MUST discard any knowledge obtained from the client, such as the
    argument to the EHLO command, which was not obtained from the TLS negotiation itself.

    The EHLO name given before STARTTLS must not reach the message's trace fields when no
    EHLO follows the handshake (a server may instead refuse MAIL until EHLO is repeated).
    """
    if smtp.target.requires_auth:
        pytest.skip("the target requires AUTH, which needs an EHLO after the handshake")
    pre_tls_name = f"pre-tls-{uuid.uuid4().hex[:16]}.conformance.test"
    _plain_ehlo(smtp, pre_tls_name)
    reply = smtp.starttls()
    if reply.code != 220:
        pytest.skip(f"target answered STARTTLS with {reply}")
    sender, recipient = accounts[0], accounts[1]
    mail = smtp.mail(sender.address)
    if mail.severity in (4, 5):
        return  # refused without EHLO: nothing from before the handshake was kept
    assert mail.code == 250, expect(mail, sent="MAIL FROM", expected="250, or a refusal")
    rcpt = smtp.rcpt(recipient.address)
    assert rcpt.code == 250, expect(rcpt, sent="RCPT TO", expected="250")
    marker = new_marker()
    content = build_message(sender, recipient, marker)
    final = smtp.data(content)
    assert final.code == 250, expect(final, sent="DATA and the message", expected="250")
    delivered = readback.wait_for(recipient.address, marker)
    assert pre_tls_name.encode() not in delivered, (
        f"sent EHLO {pre_tls_name} before STARTTLS and no EHLO after it; expected that "
        f"name forgotten; the stored message still carries it: "
        f"{delivered[: delivered.find(b'Subject')]!r}"
    )


@pytest.mark.rfc(3207, "4", "SHOULD")
def test_commands_before_tls_refused_530_when_tls_required(
    smtp: SmtpSession, sender: Mailbox
) -> None:
    """A SMTP server that is not publicly referenced may choose to require that the
    client perform a TLS negotiation before accepting any commands.  In this case, the
    server SHOULD return the reply code: ... 530 Must issue a STARTTLS command first ...
    to every command other than NOOP, EHLO, STARTTLS, or QUIT.

    Checked only for targets given as smtp+starttls:// (declared to require TLS).
    """
    if smtp.target.security is not Security.STARTTLS:
        pytest.skip("the target is not declared to require STARTTLS (smtp+starttls://)")
    _plain_ehlo(smtp)
    reply = smtp.mail(sender.address)
    assert reply.code == 530, expect(reply, sent="MAIL FROM before STARTTLS", expected="530")
