"""RFC 5321 §4.1.1.4, §4.5.2: the end of mail data and dot-stuffing, checked by reading back.

Each test writes the stuffed octets on the wire itself (not through a client library), then
reads the delivered message back and compares it with the unstuffed content.
"""

from __future__ import annotations

import pytest

from conformance import Account, Readback, SmtpSession

from ._rfc5321 import make_message, new_marker, recipients_ready

pytestmark = pytest.mark.delivers


def _send_stuffed(
    smtp: SmtpSession,
    accounts: tuple[Account, ...],
    readback: Readback,
    *,
    wire_body: list[bytes],
    content_body: bytes,
) -> None:
    """Send a header plus ``wire_body`` pieces (each one ``send``), check the content read back.

    The last piece must end with the terminator.
    """
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    message = make_message(sender, recipient, marker, body=content_body)
    recipients_ready(smtp, sender, recipient)
    reply = smtp.command("DATA")
    assert reply.code == 354, f"sent MAIL, RCPT then DATA, expected 354, got {reply}"
    smtp.send_raw(message.header + b"\r\n", replies=0)
    for number, piece in enumerate(wire_body, 1):
        smtp.send_raw(piece, replies=int(number == len(wire_body)))  # the last ends the data
    reply = smtp.read_reply()
    wire = b"".join(wire_body)
    assert reply.code == 250, f"sent a message with body {wire!r}, expected 250, got {reply}"
    stored = readback.wait_for(recipient.address, marker)
    expected = message.data
    assert stored.endswith(expected), (
        f"sent body {wire!r}, expected the delivered message to end with {expected!r}, "
        f"got {stored!r}"
    )


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "A stuffed line loses its first period by the server's un-stuffing procedure, "
        "which §4.5.2 states as the procedure used, without a keyword (as RFC 821 did); "
        "the client stuffs by the same procedure, so any other reading changes the "
        "message."
    ),
)
def test_leading_period_is_removed(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the first character is a period and there are other characters on the line, the
    first character is deleted."""
    _send_stuffed(
        smtp,
        accounts,
        readback,
        wire_body=[b"first\r\n..hidden line\r\nlast\r\n.\r\n"],
        content_body=b"first\r\n.hidden line\r\nlast\r\n",
    )


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "Only the first period of a line is deleted by the server's un-stuffing "
        "procedure, which §4.5.2 states as the procedure used, without a keyword (as RFC "
        "821 did); the client stuffs by the same procedure, so any other reading changes "
        "the message."
    ),
)
def test_only_the_first_period_is_removed(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the first character is a period and there are other characters on the line, the
    first character is deleted."""
    _send_stuffed(
        smtp,
        accounts,
        readback,
        wire_body=[b"first\r\n...three\r\n....\r\nlast\r\n.\r\n"],
        content_body=b"first\r\n..three\r\n...\r\nlast\r\n",
    )


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "A stuffed '..' line is content, not the end of data, by the server's un-stuffing"
        " procedure, which §4.5.2 states as the procedure used, without a keyword (as RFC"
        " 821 did); the client stuffs by the same procedure, so any other reading changes"
        " the message."
    ),
)
def test_stuffed_lone_period_is_content(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the line is composed of a single period, it is treated as the end of mail
    indicator.

    A line of content holding only "." is sent as ".."; that is not a single period, so
    the data goes on, and the stored line is ".".
    """
    _send_stuffed(
        smtp,
        accounts,
        readback,
        wire_body=[b"before\r\n..\r\nafter\r\n.\r\n"],
        content_body=b"before\r\n.\r\nafter\r\n",
    )


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "Periods not at the start of a line are kept by the server's un-stuffing "
        "procedure, which §4.5.2 states as the procedure used, without a keyword (as RFC "
        "821 did); the client stuffs by the same procedure, so any other reading changes "
        "the message."
    ),
)
def test_periods_elsewhere_are_kept(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the first character is a period and there are other characters on the line, the
    first character is deleted.

    Only a period that starts a line is transparency; the others are content.
    """
    body = b"a.b\r\n .indented\r\nends with a period.\r\n\t.tab\r\n"
    _send_stuffed(smtp, accounts, readback, wire_body=[body + b".\r\n"], content_body=body)


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "TCP segments carry no meaning in SMTP (lines end only at CRLF, §2.3.8), so a "
        "line split across segments is un-stuffed by the server's un-stuffing procedure, "
        "which §4.5.2 states as the procedure used, without a keyword (as RFC 821 did); "
        "the client stuffs by the same procedure, so any other reading changes the "
        "message."
    ),
)
def test_stuffing_split_across_segments(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the first character is a period and there are other characters on the line, the
    first character is deleted.

    The stuffed period arrives in its own TCP send: unstuffing cannot depend on where the
    network splits the data.
    """
    _send_stuffed(
        smtp,
        accounts,
        readback,
        wire_body=[b"first\r\n", b".", b".split\r\n", b"last\r\n.\r\n"],
        content_body=b"first\r\n.split\r\nlast\r\n",
    )


@pytest.mark.rfc(
    5321,
    "4.1.1.4",
    "MUST",
    basis=(
        "§4.1.1.4 defines the end of mail data as the octets CRLF.CRLF; TCP segments "
        "carry no meaning in SMTP (§2.3.8), so a split terminator is still the end."
    ),
)
def test_terminator_split_across_segments(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The mail data are terminated by a line containing only a period, that is, the
    character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator
    of the previous line (see Section 4.5.2)."""
    _send_stuffed(
        smtp,
        accounts,
        readback,
        wire_body=[b"only line\r", b"\n", b".", b"\r", b"\n"],
        content_body=b"only line\r\n",
    )


@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_terminator_adds_no_empty_line(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The first <CRLF> of this terminating sequence is also the <CRLF> that ends the final
    line of the data (message text) or, if there was no mail data, ends the DATA command
    itself (the "no mail data" case does not conform to this specification since it would
    require that neither the trace header fields required by this specification nor the
    message header section required by RFC 5322 [4] be transmitted).  An extra <CRLF> MUST
    NOT be added, as that would cause an empty line to be added to the message."""
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    message = make_message(sender, recipient, marker, body=b"the last line\r\n")
    recipients_ready(smtp, sender, recipient)
    reply = smtp.data(message.data)
    assert reply.code == 250, f"sent a message, expected 250, got {reply}"
    stored = readback.wait_for(recipient.address, marker)
    ends = b"the last line\r\n"
    assert stored.endswith(ends) and not stored.endswith(b"\r\n\r\n"), (
        f"sent a body ending 'the last line<CRLF>.<CRLF>', expected the stored message to "
        f"end with {ends!r} and no empty line, got {stored[-60:]!r}"
    )


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "The first data line is un-stuffed like every other line by the server's "
        "un-stuffing procedure, which §4.5.2 states as the procedure used, without a "
        "keyword (as RFC 821 did); the client stuffs by the same procedure, so any other "
        "reading changes the message."
    ),
)
def test_first_data_line_with_period(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the first character is a period and there are other characters on the line, the
    first character is deleted.

    The first line of data follows the CRLF of the DATA command; a period starting it is
    stuffed like any other.
    """
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    recipients_ready(smtp, sender, recipient)
    reply = smtp.command("DATA")
    assert reply.code == 354, f"sent MAIL, RCPT then DATA, expected 354, got {reply}"
    smtp.send_raw(b"..first " + marker + b"\r\nsecond\r\n.\r\n", replies=1)
    reply = smtp.read_reply()
    assert reply.code == 250, f"sent data starting '..first', expected 250, got {reply}"
    stored = readback.wait_for(recipient.address, marker)
    expected = b".first " + marker + b"\r\nsecond\r\n"
    assert stored.endswith(expected), (
        f"sent '..first {marker.decode()}<CRLF>second<CRLF>.<CRLF>', expected the stored "
        f"message to end with {expected!r}, got {stored!r}"
    )
    assert not stored.endswith(b"." + expected), (
        f"sent '..first' as the first data line, expected one period removed, got {stored!r}"
    )


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "§4.5.2 says 'All characters are to be delivered', an obligation without a "
        "keyword kept from RFC 821, and requires (MUST) any transformation in storage to "
        "be reversible."
    ),
)
def test_control_characters_are_delivered(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """All characters are to be delivered to the recipient's mailbox, including spaces,
    vertical and horizontal tabs, and other control characters.

    NUL is left out (§4.1.1.4: control characters "SHOULD be avoided when possible");
    CR and LF appear only as CRLF (§2.3.8).
    """
    controls = bytes(c for c in range(1, 32) if c not in (10, 13)) + b"\x7f"
    body = b"controls:" + controls + b":end\r\n\x0b\x0c\r\n"
    _send_stuffed(smtp, accounts, readback, wire_body=[body + b".\r\n"], content_body=body)


@pytest.mark.rfc(
    5321,
    "4.5.2",
    "MUST",
    basis=(
        "Spaces and tabs are named in §4.5.2 'All characters are to be delivered', an "
        "obligation without a keyword kept from RFC 821; §4.5.2 requires (MUST) any "
        "storage transformation to be reversible."
    ),
)
def test_spaces_and_tabs_are_delivered(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """All characters are to be delivered to the recipient's mailbox, including spaces,
    vertical and horizontal tabs, and other control characters."""
    body = b"  leading spaces\r\ntrailing spaces   \r\n\ttab\t\r\n \t \r\n\r\nafter empty\r\n"
    _send_stuffed(smtp, accounts, readback, wire_body=[body + b".\r\n"], content_body=body)
