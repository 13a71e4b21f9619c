"""RFC 3461: SMTP Service Extension for Delivery Status Notifications (the MAIL and RCPT
parameters ENVID, RET, NOTIFY and ORCPT)."""

from __future__ import annotations

import pytest

from conformance import Mailbox, SmtpSession
from reference_impl.smtp import Reply

from ._extensions import expect, mail_ready

pytestmark = pytest.mark.requires("DSN")


def _xtext(text: str) -> str:
    """RFC 3461 §4: "+" and "=" (and anything outside ! to ~) as +XX."""
    return "".join(c if "!" <= c <= "~" and c not in "+=" else f"+{ord(c):02X}" for c in text)


def _mail_with(smtp: SmtpSession, sender: Mailbox, parameters: str) -> tuple[Reply, Reply]:
    """The reply to MAIL without, then (after RSET) with ``parameters``."""
    bare = smtp.mail(sender.address)
    smtp.rset()
    return bare, smtp.mail(sender.address, parameters)


def _rcpt_with(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, parameters: str
) -> tuple[Reply, Reply]:
    """The reply to RCPT without, then in a fresh transaction with ``parameters``."""
    replies = []
    for params in ("", parameters):
        mail = smtp.mail(sender.address)
        assert mail.code == 250, expect(mail, sent="MAIL FROM", expected="250")
        replies.append(smtp.rcpt(recipient.address, params))
        smtp.rset()
    return replies[0], replies[1]


VALID_MAIL_PARAMETERS = {
    "ret-full": "RET=FULL",
    "ret-hdrs": "RET=HDRS",
    "ret-lowercase": "RET=hdrs",
    "envid": "ENVID=" + _xtext("QQ314159+1@client.example"),
    "envid-100-chars": "ENVID=" + "e" * 100,
    "ret-and-envid": "RET=FULL ENVID=abc.123",
}

INVALID_MAIL_PARAMETERS = {
    "ret-unknown-value": "RET=PARTIAL",
    "envid-bad-hexchar": "ENVID=abc+G1",
    "envid-dangling-plus": "ENVID=abc+",
    "ret-twice": "RET=FULL RET=HDRS",
    "envid-twice": "ENVID=one ENVID=two",
}


def _valid_rcpt_parameters(recipient: str) -> dict[str, str]:
    return {
        "notify-never": "NOTIFY=NEVER",
        "notify-list": "NOTIFY=SUCCESS,FAILURE,DELAY",
        "notify-lowercase": "NOTIFY=failure,delay",
        "orcpt": f"ORCPT=rfc822;{_xtext(recipient)}",
        "notify-and-orcpt": f"NOTIFY=SUCCESS ORCPT=rfc822;{_xtext(recipient)}",
    }


INVALID_RCPT_PARAMETERS = {
    "notify-never-combined": "NOTIFY=NEVER,SUCCESS",
    "notify-unknown-value": "NOTIFY=SOMETIMES",
    "orcpt-without-type": "ORCPT=bob@example.test",
    "notify-twice": "NOTIFY=SUCCESS NOTIFY=FAILURE",
    "orcpt-twice": "ORCPT=rfc822;a@example.test ORCPT=rfc822;b@example.test",
}


@pytest.mark.rfc(3461, "5.1", "MUST")
@pytest.mark.parametrize("case", list(VALID_MAIL_PARAMETERS))
def test_valid_envid_ret_do_not_change_mail_reply(
    smtp: SmtpSession, sender: Mailbox, case: str
) -> None:
    """If an SMTP client issues a MAIL command containing a valid ENVID parameter and
    associated esmtp-value and/or a valid RET parameter and associated esmtp-value, a
    conforming SMTP server MUST return the same reply-code as it would to the same MAIL
    command without the ENVID and/or RET parameters."""
    mail_ready(smtp, "DSN")
    parameters = VALID_MAIL_PARAMETERS[case]
    bare, extended = _mail_with(smtp, sender, parameters)
    assert extended.code == bare.code, expect(
        extended,
        sent=f"MAIL FROM:<{sender.address}> {parameters}",
        expected=f"{bare.code}, the reply to the same MAIL without it",
    )


@pytest.mark.rfc(3461, "5.1", "MUST")
@pytest.mark.parametrize("case", list(INVALID_MAIL_PARAMETERS))
def test_invalid_envid_ret_refused_501(smtp: SmtpSession, sender: Mailbox, case: str) -> None:
    """However, if the associated esmtp-value is not valid (i.e., contains illegal
    characters), or if there is more than one ENVID or RET parameter in a particular MAIL
    command, the server MUST issue the reply-code 501 with an appropriate message (e.g.,
    "syntax error in parameter")."""
    mail_ready(smtp, "DSN")
    parameters = INVALID_MAIL_PARAMETERS[case]
    reply = smtp.mail(sender.address, parameters)
    assert reply.code == 501, expect(
        reply, sent=f"MAIL FROM:<{sender.address}> {parameters}", expected="501"
    )


@pytest.mark.rfc(3461, "5.1", "MUST")
@pytest.mark.parametrize(
    "case", ["notify-never", "notify-list", "notify-lowercase", "orcpt", "notify-and-orcpt"]
)
def test_valid_notify_orcpt_do_not_change_rcpt_reply(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, case: str
) -> None:
    """If an SMTP client issues a RCPT command containing any valid NOTIFY and/or ORCPT
    parameters, a conforming SMTP server MUST return the same response as it would to the
    same RCPT command without those NOTIFY and/or ORCPT parameters."""
    mail_ready(smtp, "DSN")
    parameters = _valid_rcpt_parameters(recipient.address)[case]
    bare, extended = _rcpt_with(smtp, sender, recipient, parameters)
    assert extended.code == bare.code, expect(
        extended,
        sent=f"RCPT TO:<{recipient.address}> {parameters}",
        expected=f"{bare.code}, the reply to the same RCPT without it",
    )


@pytest.mark.rfc(3461, "5.1", "SHOULD")
@pytest.mark.parametrize("case", list(INVALID_RCPT_PARAMETERS))
def test_invalid_notify_orcpt_refused_501(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, case: str
) -> None:
    """However, if any of the associated esmtp-values are not valid, or if there is more
    than one of any of these parameters in a particular RCPT command, the server SHOULD
    issue the response "501 syntax error in parameter"."""
    mail_ready(smtp, "DSN")
    parameters = INVALID_RCPT_PARAMETERS[case]
    mail = smtp.mail(sender.address)
    assert mail.code == 250, expect(mail, sent="MAIL FROM", expected="250")
    reply = smtp.rcpt(recipient.address, parameters)
    assert reply.code == 501, expect(
        reply, sent=f"RCPT TO:<{recipient.address}> {parameters}", expected="501"
    )
