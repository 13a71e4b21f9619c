"""RFC 6531: SMTP Extension for Internationalized Email."""

from __future__ import annotations

import re

import pytest

from conformance import Account, HarnessError, Mailbox, Readback, SmtpSession

from ._extensions import (
    EHLO_NAME,
    assert_delivered_intact,
    build_message,
    expect,
    mail_ready,
    new_marker,
    send_message,
)
from ._trace import target_received

pytestmark = pytest.mark.requires("SMTPUTF8")

_UTF8_SENDER = "jürgen.müller@bücher.example"
_UTF8_LOCAL_PART = "dörte"
# RFC 5890 LDH labels (A-labels are LDH labels beginning with "xn--").
_LDH_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?|\[[^\]]+\]"
)


# RFC 5321 §4.3.2's replies to RCPT, less the syntax refusals (500, 501, 553, 555) and
# 503 (the MAIL before it was accepted).
_RCPT_NOT_A_SYNTAX_ERROR = frozenset({250, 251, 450, 451, 452, 455, 550, 551, 552})


# RFC 3464 §2.3: the per-recipient fields that say what became of the message.
_DSN_FIELDS = re.compile(rb"(?im)^(?:Action|Status|Diagnostic-Code|Remote-MTA):[^\r\n]*")


def _read_back(readback: Readback, sender: Mailbox, recipient: Mailbox, marker: bytes) -> bytes:
    """The message as stored for ``recipient``; an error of the delivery path if it never
    arrives.

    RFC 6531 §3.2: a client (here: the target, handing the message on) that meets a server
    without SMTPUTF8 "SHOULD reject the message ... by accepting the message and then
    generating and transmitting a non-delivery notification".  An LMTP delivery agent
    without SMTPUTF8 after the target makes it do exactly that, so a message that never
    arrives is not evidence against the target: the test cannot be graded, and says what
    the sender's mailbox holds (the notification, when one arrived).
    """
    delivered = readback.poll(recipient.address, marker)
    if delivered is not None:
        return delivered
    bounce = readback.find(sender.address, marker)
    evidence = (
        "a non-delivery notification arrived for the sender: "
        + repr(b"; ".join(_DSN_FIELDS.findall(bounce))[:400] or bounce[:400])
        if bounce is not None
        else f"no notification arrived for {sender.address} either"
    )
    raise HarnessError(
        f"{readback.missing(recipient.address, marker)}: the target accepted it with 250 and "
        "a later hop may have refused SMTPUTF8 mail (RFC 6531 §3.2 allows the bounce), so "
        f"the delivery path, not the target, is in question; {evidence}"
    )


def _domain_of(account: Mailbox) -> str:
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
    smtp: SmtpSession, sender: Mailbox, mail_domain: str
) -> None:
    """An SMTP server that announces the SMTPUTF8 extension MUST be prepared to accept a
    UTF-8 string [RFC3629] in any position in which RFC 5321 specifies that a <mailbox>
    can appear.

    The recipient need not exist (550 is fine); it must not be refused as malformed.
    """
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(sender.address, "SMTPUTF8")
    assert reply.code == 250, expect(reply, sent="MAIL FROM SMTPUTF8", expected="250")
    recipient = f"{_UTF8_LOCAL_PART}@{mail_domain}"
    reply = smtp.rcpt(recipient)
    assert reply.code in _RCPT_NOT_A_SYNTAX_ERROR, expect(
        reply,
        sent=f"RCPT TO:<{recipient}> after MAIL SMTPUTF8",
        expected="250, 251 or a mailbox refusal (450-452, 455, 550-552), "
        "not a syntax error (500/501/553/555)",
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
    smtp: SmtpSession, sender: Mailbox, mail_domain: str
) -> None:
    """When messages are rejected because the RCPT command requires an ASCII address, the
    reply-code 553 is returned with the meaning "mailbox name not allowed"."""
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(sender.address)
    assert reply.code == 250, expect(reply, sent="MAIL FROM (no SMTPUTF8)", expected="250")
    recipient = f"{_UTF8_LOCAL_PART}@{mail_domain}"
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

    Graded only when the server refuses the address as non-ASCII (550, or a 5yz with
    status X.6.7): no sentence requires the refusal itself.
    """
    mail_ready(smtp, "SMTPUTF8")
    reply = smtp.mail(_UTF8_SENDER)
    # As for RCPT above: the sentence says which code a refusal for a non-ASCII address
    # carries (the RFC names its status X.6.7); it does not require the refusal.
    status = reply.enhanced_code or ""
    if reply.code != 550 and not (reply.severity == 5 and status.endswith(".6.7")):
        pytest.skip(
            f"MAIL FROM:<{_UTF8_SENDER}> without SMTPUTF8 got {reply}: not a refusal for a "
            "non-ASCII address (status X.6.7), so the 550 rule is not exercised"
        )
    assert reply.code == 550, expect(
        reply, sent=f"MAIL FROM:<{_UTF8_SENDER}> without SMTPUTF8", expected="550"
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
    assert_delivered_intact(_read_back(readback, sender, recipient, marker), content)


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

    Those are UTF8SMTP, UTF8SMTPA, UTF8SMTPS and UTF8SMTPSA (§4.3).  The extension is used
    by the SMTPUTF8 parameter of MAIL; the message itself is ASCII, so hops after the
    target that lack SMTPUTF8 need not bounce it (§3.2) and the field can be read back.
    """
    mail_ready(smtp, "SMTPUTF8")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(sender, recipient, marker)
    final = send_message(smtp, sender, recipient, content, mail_parameters="SMTPUTF8 BODY=8BITMIME")
    assert final.code == 250, expect(final, sent="a message with SMTPUTF8", expected="250")
    prefix = assert_delivered_intact(_read_back(readback, sender, recipient, marker), content)
    field = target_received(prefix, EHLO_NAME) or ""
    used = re.search(r"(?i)\swith\s+([A-Za-z0-9]+)", field)
    assert used and re.fullmatch(r"(?i)UTF8SMTPS?A?", used.group(1)), (
        "sent a message with MAIL ... SMTPUTF8; expected the target's Received field "
        f"'with UTF8SMTP[S][A]'; its Received field is {field!r} (all added: {prefix!r})"
    )
