"""RFC 6531: SMTP Extension for Internationalized Email."""

from __future__ import annotations

import re

import pytest

from conformance import Account, Readback, SmtpSession

from ._extensions import (
    assert_delivered_intact,
    build_message,
    expect,
    mail_ready,
    new_marker,
    send_message,
)

pytestmark = pytest.mark.requires("SMTPUTF8")

_UTF8_SENDER = "jürgen.müller@bücher.example"
_UTF8_LOCAL_PART = "dörte"
# RFC 5890 LDH labels (A-labels are LDH labels beginning with "xn--").
_LDH_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?|\[[^\]]+\]"
)


def _domain_of(account: Account) -> str:
    return account.address.rpartition("@")[2]


@pytest.mark.rfc(6531, "3.1", "MUST")
def test_ehlo_keyword_has_no_parameter(smtp: SmtpSession) -> None:
    """No parameter values are defined for this EHLO keyword value.  In order to permit
    future (although unanticipated) extensions, the EHLO response MUST NOT contain any
    parameters for this keyword."""
    mail_ready(smtp, "SMTPUTF8")
    value = smtp.extensions["SMTPUTF8"]
    assert value == "", f"sent EHLO; expected 'SMTPUTF8' alone; got 'SMTPUTF8 {value}'"


@pytest.mark.rfc(6531, "3.1", "MUST")
def test_8bitmime_announced_too(smtp: SmtpSession) -> None:
    """Servers offering this extension MUST provide support for, and announce, the
    8BITMIME extension [RFC6152]."""
    mail_ready(smtp, "SMTPUTF8")
    assert "8BITMIME" in smtp.extensions, (
        f"sent EHLO; expected 8BITMIME next to SMTPUTF8; got {sorted(smtp.extensions)}"
    )


@pytest.mark.rfc(6531, "3.7.1", "MUST")
def test_ehlo_domain_is_ascii(smtp: SmtpSession) -> None:
    """If the SMTPUTF8-aware SMTP server provides domain names in the EHLO response, they
    MUST be in the form of LDH labels or A-labels."""
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.ehlo()
    first = reply.lines[0].split(b" ", 1)[0].decode("utf-8", "replace") if reply.lines else ""
    assert _LDH_DOMAIN.fullmatch(first), expect(
        reply, sent="EHLO", expected="an LDH/A-label domain first on the 250 line"
    )


@pytest.mark.rfc(6531, "3.2", "MUST")
def test_utf8_reverse_path_accepted(smtp: SmtpSession) -> None:
    """An SMTP server that announces the SMTPUTF8 extension MUST be prepared to accept a
    UTF-8 string [RFC3629] in any position in which RFC 5321 specifies that a <mailbox>
    can appear."""
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(_UTF8_SENDER, "SMTPUTF8")
    assert reply.code == 250, expect(
        reply, sent=f"MAIL FROM:<{_UTF8_SENDER}> SMTPUTF8", expected="250"
    )


@pytest.mark.rfc(6531, "3.2", "MUST")
def test_utf8_forward_path_not_a_syntax_error(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """An SMTP server that announces the SMTPUTF8 extension MUST be prepared to accept a
    UTF-8 string [RFC3629] in any position in which RFC 5321 specifies that a <mailbox>
    can appear.

    The recipient need not exist (550 is fine); it must not be refused as malformed.
    """
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(accounts[0].address, "SMTPUTF8")
    assert reply.code == 250, expect(reply, sent="MAIL FROM SMTPUTF8", expected="250")
    recipient = f"{_UTF8_LOCAL_PART}@{_domain_of(accounts[1])}"
    reply = smtp.rcpt(recipient)
    assert reply.code not in (500, 501, 553, 555), expect(
        reply,
        sent=f"RCPT TO:<{recipient}> after MAIL SMTPUTF8",
        expected="250 or a mailbox refusal, not a syntax error (500/501/553/555)",
    )


@pytest.mark.rfc(6531, "3.4", "MUST")
def test_smtputf8_parameter_takes_no_value(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """If the envelope or message being sent requires the capabilities of the SMTPUTF8
    extension, the SMTPUTF8-aware SMTP client MUST supply the SMTPUTF8 parameter with the
    MAIL command.  If this parameter is provided, it MUST not accept a value."""
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(accounts[0].address, "SMTPUTF8=YES")
    assert reply.severity == 5, expect(
        reply, sent="MAIL FROM SMTPUTF8=YES", expected="a 5xx refusal (501/555)"
    )


@pytest.mark.rfc(
    6531,
    "3.5",
    "MUST",
    basis=(
        "§3.5 assigns 553 to a RCPT refused because it needs an ASCII address, stated "
        "without a keyword; a server announcing SMTPUTF8 MUST be fully compliant (§3.1 "
        "item 3)."
    ),
)
def test_utf8_recipient_without_smtputf8_553(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """When messages are rejected because the RCPT command requires an ASCII address, the
    reply-code 553 is returned with the meaning "mailbox name not allowed"."""
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(accounts[0].address)
    assert reply.code == 250, expect(reply, sent="MAIL FROM (no SMTPUTF8)", expected="250")
    recipient = f"{_UTF8_LOCAL_PART}@{_domain_of(accounts[1])}"
    reply = smtp.rcpt(recipient)
    if reply.code == 553:
        return
    # The sentence governs refusals *because* the address is not ASCII; the
    # RFC names their status X.6.7.  A refusal for another reason (an
    # unknown user: 5.1.1) or an acceptance does not exercise it.
    status = reply.enhanced_code or ""
    if reply.severity == 2 or not status.endswith(".6.7"):
        pytest.skip(
            f"RCPT TO:<{recipient}> without SMTPUTF8 got {reply}: not a refusal for a "
            "non-ASCII address (status X.6.7), so the 553 rule is not exercised"
        )
    assert reply.code == 553, expect(
        reply, sent=f"RCPT TO:<{recipient}> in a transaction without SMTPUTF8", expected="553"
    )


@pytest.mark.rfc(
    6531,
    "3.5",
    "MAY",
    basis=(
        "§3.5 names the code for a MAIL refused because it needs an ASCII address but no "
        "sentence requires the refusal, and §3.2 has a server announcing SMTPUTF8 accept "
        "UTF-8 wherever a mailbox appears: refusing is allowed, accepting is only a "
        "warning."
    ),
)
def test_utf8_sender_without_smtputf8_refused(smtp: SmtpSession) -> None:
    """When messages are rejected because the MAIL command requires an ASCII address, the
    reply-code 550 is returned with the meaning "mailbox unavailable".

    Without the SMTPUTF8 parameter a non-ASCII reverse-path is not valid RFC 5321 syntax;
    only the refusal (class 5) is checked, as deployed servers use 550 or 553 here.
    """
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(_UTF8_SENDER)
    assert reply.severity == 5, expect(
        reply, sent=f"MAIL FROM:<{_UTF8_SENDER}> without SMTPUTF8", expected="a 5xx refusal"
    )


@pytest.mark.rfc(6531, "3.1", "MUST")
@pytest.mark.delivers
def test_utf8_message_delivered_intact(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If an SMTP server includes SMTPUTF8 in its EHLO response, it MUST be fully compliant
    with this version of this specification.  The mail message body is extended as
    specified in RFC 6532 [RFC6532].

    A message with UTF-8 header fields (RFC 6532 §3) sent with SMTPUTF8 is stored octet
    for octet.
    """
    mail_ready(smtp, "SMTPUTF8")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(
        sender,
        recipient,
        marker,
        subject="Grüße aus Köln ✉".encode(),
        body="Fünf Bücher, 三本の本, ζ.\r\n".encode() + marker + b"\r\n",
        extra_headers=["Comments: Jürgen Müller <jürgen@bücher.example>".encode()],
    )
    final = send_message(smtp, sender, recipient, content, mail_parameters="SMTPUTF8 BODY=8BITMIME")
    assert final.code == 250, expect(final, sent="a UTF-8 message with SMTPUTF8", expected="250")
    assert_delivered_intact(readback.wait_for(recipient.address, marker), content)


@pytest.mark.rfc(
    6531,
    "3.7.3",
    "MUST",
    basis=(
        "§3.7.3 defines the WITH protocol value of a message sent with SMTPUTF8 as one of"
        " the §4.3 values, stated without a keyword; a server announcing SMTPUTF8 MUST be"
        " fully compliant (§3.1 item 3)."
    ),
)
@pytest.mark.delivers
def test_trace_with_clause_is_utf8smtp(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The protocol value of the 'WITH' clause when this extension is used is one of the
    SMTPUTF8 values specified in the "IANA Considerations" section of this document.

    Those are UTF8SMTP, UTF8SMTPA, UTF8SMTPS and UTF8SMTPSA (§4.3).
    """
    mail_ready(smtp, "SMTPUTF8")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(sender, recipient, marker, subject="Grüße".encode())
    final = send_message(smtp, sender, recipient, content, mail_parameters="SMTPUTF8 BODY=8BITMIME")
    assert final.code == 250, expect(final, sent="a message with SMTPUTF8", expected="250")
    prefix = assert_delivered_intact(readback.wait_for(recipient.address, marker), content)
    withs = re.findall(rb"(?i)\swith\s+([A-Za-z0-9]+)", prefix)
    assert withs and re.fullmatch(rb"(?i)UTF8SMTPS?A?", withs[0]), (
        "sent a message with MAIL ... SMTPUTF8; expected the target's Received field "
        f"'with UTF8SMTP[S][A]'; its trace fields are {prefix!r}"
    )
