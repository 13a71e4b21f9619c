"""RFC 6152: SMTP Service Extension for 8-bit MIME Transport."""

from __future__ import annotations

import pytest

from conformance import Account, Mailbox, Readback, SmtpSession

from ._extensions import (
    assert_delivered_intact,
    build_message,
    expect,
    mail_ready,
    new_marker,
    send_message,
)

pytestmark = pytest.mark.requires("8BITMIME")

# Every octet with the high bit set, in lines well under 1000 octets (RFC 6152 §3).
_EIGHT_BIT_BODY = b"".join(
    bytes(range(start, start + 32)) + b"\r\n" for start in range(128, 256, 32)
)


@pytest.mark.rfc(
    6152,
    "2",
    "MUST",
    basis=(
        "The extension is defined (§2 item 3) with no parameter to 8BITMIME. RFC 6152 "
        "keeps the text of RFC 1652 (1994), older than RFC 2119, with lower-case 'must'."
    ),
)
def test_ehlo_keyword_has_no_parameter(smtp: SmtpSession) -> None:
    """no parameter is used with the 8BITMIME EHLO keyword;"""
    mail_ready(smtp, "8BITMIME")
    value = smtp.extensions["8BITMIME"]
    assert value == "", f"sent EHLO; expected '8BITMIME' alone; got '8BITMIME {value}'"


@pytest.mark.rfc(
    6152,
    "3",
    "MUST",
    basis=(
        "§3: advertising 8BITMIME indicates the server 'supports the extended MAIL "
        "command', whose BODY values 7BIT and 8BITMIME §2 defines. RFC 6152 keeps the "
        "text of RFC 1652 (1994), older than RFC 2119, with lower-case 'must'."
    ),
)
@pytest.mark.parametrize("body", ["8BITMIME", "7BIT"])
def test_body_parameter_accepted(smtp: SmtpSession, sender: Mailbox, body: str) -> None:
    """If the server SMTP responds with code 250 to the EHLO command, and the response
    includes the EHLO keyword value 8BITMIME, then the server SMTP is indicating that it
    supports the extended MAIL command and will accept MIME messages containing arbitrary
    octet-aligned material."""
    mail_ready(smtp, "8BITMIME")
    reply = smtp.mail(sender.address, f"BODY={body}")
    assert reply.code == 250, expect(
        reply, sent=f"MAIL FROM:<{sender.address}> BODY={body}", expected="250"
    )


@pytest.mark.rfc(
    6152,
    "3",
    "MUST",
    basis=(
        "§3: the server 'must deliver or relay the content in such a way as to preserve "
        "all bits in each octet'. RFC 6152 keeps the text of RFC 1652 (1994), older than "
        "RFC 2119, with lower-case 'must'."
    ),
)
@pytest.mark.delivers
def test_eight_bit_octets_preserved(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """Once a server SMTP supporting the 8bit-MIMEtransport service extension accepts a
    content body containing octets with the high-order (8th) bit set, the server SMTP
    must deliver or relay the content in such a way as to preserve all bits in each
    octet."""
    mail_ready(smtp, "8BITMIME")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(
        sender,
        recipient,
        marker,
        body=b"Octets 0x80-0xFF follow.\r\n" + _EIGHT_BIT_BODY + marker + b"\r\n",
        extra_headers=[
            b"Content-Type: application/octet-stream",
            b"Content-Transfer-Encoding: 8bit",
        ],
    )
    final = send_message(smtp, sender, recipient, content, mail_parameters="BODY=8BITMIME")
    assert final.code == 250, expect(
        final, sent="an 8bit message after MAIL BODY=8BITMIME", expected="250"
    )
    assert_delivered_intact(readback.wait_for(recipient.address, marker), content)
