"""RFC 5321 §2.3.8, §4.1.1.4: only <CRLF>.<CRLF> ends mail data (SMTP smuggling).

Each test ends the first message's text with a look-alike terminator built from bare CR
or LF, follows it with a complete second transaction, and ends the data with a real
<CRLF>.<CRLF>.  A conforming server sees one message (accepted with the second
transaction as text, or refused) and answers it once; a server that takes the look-alike
for the end of data also runs the smuggled MAIL, RCPT and DATA, and its replies to them
arrive where the reply to our QUIT should be.
"""

from __future__ import annotations

import pytest

from conformance import Account, Readback, SmtpSession

from ._rfc5321 import make_message, new_marker, recipients_ready, reply_after_quit

pytestmark = pytest.mark.delivers


def _smuggle(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback, fake_end: bytes
) -> None:
    sender, recipient = accounts[0], accounts[1]
    outer, inner = new_marker(), new_marker()
    smuggled_commands = (
        f"MAIL FROM:<{sender.address}>\r\nRCPT TO:<{recipient.address}>\r\nDATA\r\n".encode()
    )
    smuggled = make_message(sender, recipient, inner, body=b"Smuggled " + inner + b"\r\n").data
    first = make_message(sender, recipient, outer, body=b"Outer " + outer).data
    payload = first + fake_end + smuggled_commands + smuggled + b".\r\n"
    recipients_ready(smtp, sender, recipient)
    reply = smtp.send_raw_data(payload)
    sent = f"a message whose text contains {fake_end!r} followed by MAIL, RCPT, DATA"
    after = reply_after_quit(smtp)
    assert after is None or after.code == 221, (
        f"sent {sent} and ended it with <CRLF>.<CRLF> (reply: {reply}), then QUIT; expected "
        f"221 to QUIT, got {after}: the server took {fake_end!r} for the end of data and "
        "answered the smuggled commands"
    )
    if reply.code == 250:
        stored = readback.wait_for(recipient.address, outer)
        assert inner in stored and b"MAIL FROM:" in stored, (
            f"sent {sent}, got {reply}; expected the accepted message to hold the smuggled "
            f"commands as text, got {stored!r}"
        )
    # Newest first: a separate smuggled message would be found before the outer one.
    found = readback.find(recipient.address, inner)
    assert found is None or outer in found, (
        f"sent {sent}, got {reply}; expected no separate message from the smuggled "
        f"transaction, found one: {found!r}"
    )


@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_bare_lf_period_lf_does_not_end_data(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """In particular, the sequence "<LF>.<LF>" (bare line feeds, without carriage returns)
    MUST NOT be treated as equivalent to <CRLF>.<CRLF> as the end of mail data
    indication."""
    _smuggle(smtp, accounts, readback, b"\n.\n")


@pytest.mark.parametrize(
    "fake_end",
    [b"\r.\r", b"\r\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n.\r"],
    ids=["CR.CR", "CRLF.LF", "LF.CRLF", "CR.CRLF", "CRLF.CR"],
)
@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_look_alike_terminator_does_not_end_data(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback, fake_end: bytes
) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator."""
    _smuggle(smtp, accounts, readback, fake_end)
