"""RFC 5321 §4.5.3.1: the sizes every implementation must be able to receive."""

from __future__ import annotations

import pytest

from conformance import Account, Readback, SmtpSession

from ._rfc5321 import (
    begin_transaction,
    make_message,
    new_marker,
    ready,
    recipients_ready,
)


@pytest.mark.rfc(5321, "4.5.3.1.4", "MUST")
def test_512_octet_command_line_is_accepted(smtp: SmtpSession) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes
    (§4.5.3.1).  Similarly, producing a "command too long" message for a command line
    shorter than 512 characters would violate the provisions of Section 4.5.3.1.4.

    §4.5.3.1.4: "The maximum total length of a command line including the command word and
    the <CRLF> is 512 octets."  NOOP takes (and ignores) a parameter string, so a 512-octet
    NOOP line must get its 250.
    """
    ready(smtp)
    line = b"NOOP " + b"x" * (512 - len(b"NOOP \r\n"))
    reply = smtp.command(line)
    assert reply.code == 250, f"sent a {len(line) + 2}-octet NOOP line, expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.5.3.1", "MUST")
def test_64_octet_local_part_is_accepted(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes.

    §4.5.3.1.1: "The maximum total length of a user name or other local-part is 64 octets."
    The sender may be refused for policy, but not as too long (500/501).
    """
    domain = accounts[0].address.rpartition("@")[2]
    ready(smtp)
    line = f"MAIL FROM:<{'l' * 64}@{domain}>"
    reply = smtp.command(line)
    assert reply.code not in (500, 501), (
        f"sent {line!r} (64-octet local-part), expected it not refused as too long, got {reply}"
    )


@pytest.mark.rfc(5321, "4.5.3.1", "MUST")
def test_256_octet_path_is_accepted(smtp: SmtpSession) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes.

    §4.5.3.1.3: "The maximum total length of a reverse-path or forward-path is 256 octets
    (including the punctuation and element separators)."
    """
    start = ".".join(["a" * 63, "b" * 63, "c" * 63])  # labels of at most 63 octets
    domain = f"{start}.{'d' * (256 - len('<x@>') - len(start) - len('..test'))}.test"
    path = f"<x@{domain}>"
    assert len(path) == 256
    ready(smtp)
    line = f"MAIL FROM:{path}"
    reply = smtp.command(line)
    assert reply.code not in (500, 501), (
        f"sent MAIL FROM with a 256-octet path {path!r}, expected it not refused as too long, "
        f"got {reply}"
    )


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.5.3.1", "MUST")
def test_1000_octet_text_line_is_accepted(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes.

    §4.5.3.1.6: "The maximum total length of a text line including the <CRLF> is 1000
    octets (not counting the leading dot duplicated for transparency)."
    """
    marker = new_marker()
    long_line = marker + b" " + b"y" * (998 - len(marker) - 1) + b"\r\n"
    assert len(long_line) == 1000
    message = make_message(accounts[0], accounts[1], marker, body=long_line)
    recipients_ready(smtp, accounts[0], accounts[1])
    reply = smtp.data(message.data)
    assert reply.code == 250, f"sent a message with a 1000-octet line, expected 250, got {reply}"
    stored = readback.wait_for(accounts[1].address, marker)
    assert stored.endswith(message.data), (
        f"sent a 1000-octet line, expected it stored whole, got {stored[-1100:]!r}"
    )


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.5.3.1", "MUST")
def test_1000_octet_line_with_stuffed_period_is_accepted(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes.

    §4.5.3.1.6: the 1000 octets are counted "not counting the leading dot duplicated for
    transparency": a 1000-octet line starting with a period is 1001 octets on the wire.
    """
    marker = new_marker()
    long_line = b"." + marker + b" " + b"z" * (998 - len(marker) - 2) + b"\r\n"
    assert len(long_line) == 1000
    message = make_message(accounts[0], accounts[1], marker, body=long_line)
    recipients_ready(smtp, accounts[0], accounts[1])
    reply = smtp.command("DATA")
    assert reply.code == 354, f"sent MAIL, RCPT then DATA, expected 354, got {reply}"
    smtp.send(message.header + b"\r\n." + long_line + b".\r\n")
    reply = smtp.read_reply()
    assert reply.code == 250, (
        f"sent a 1000-octet line starting with a period (1001 octets stuffed), expected 250, "
        f"got {reply}"
    )
    stored = readback.wait_for(accounts[1].address, marker)
    assert stored.endswith(message.data), (
        f"sent a stuffed 1000-octet line, expected it stored unstuffed, got {stored[-1100:]!r}"
    )


def _hundred_recipients(accounts: tuple[Account, ...]) -> list[Account]:
    """100 RCPTs over the profile's two accounts (delivery may merge the duplicates)."""
    return [accounts[i % 2] for i in range(100)]


@pytest.mark.rfc(5321, "4.5.3.1.8", "MUST")
def test_100_recipients_are_buffered(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """The minimum total number of recipients that MUST be buffered is 100 recipients."""
    begin_transaction(smtp, accounts[0])
    for number, recipient in enumerate(_hundred_recipients(accounts), start=1):
        reply = smtp.rcpt(recipient.address)
        assert reply.code in (250, 251), (
            f"sent RCPT number {number} (TO:<{recipient.address}>), expected 250 for at least "
            f"100 recipients, got {reply}"
        )


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.5.3.1.8", "MUST")
def test_message_with_100_recipients_is_accepted(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The minimum total number of recipients that MUST be buffered is 100 recipients.
    Rejection of messages (for excessive recipients) with fewer than 100 RCPT commands is a
    violation of this specification."""
    marker = new_marker()
    message = make_message(accounts[0], accounts[1], marker)
    recipients_ready(smtp, accounts[0], *_hundred_recipients(accounts))
    reply = smtp.data(message.data)
    assert reply.code == 250, f"sent a message after 100 RCPT commands, expected 250, got {reply}"
    for account in accounts[:2]:
        readback.wait_for(account.address, marker)


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.5.3.1.7", "MUST")
def test_64k_message_is_accepted(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The maximum total length of a message content (including any message header section
    as well as the message body) MUST BE at least 64K octets."""
    marker = new_marker()
    header = make_message(accounts[0], accounts[1], marker).header
    line = b"0123456789" * 7 + b"abcdef\r\n"  # 78 octets
    room = 64 * 1024 - len(header) - 2
    body = line * ((room - 80) // len(line))
    body += b"x" * (room - len(body) - 2) + b"\r\n"
    message = make_message(accounts[0], accounts[1], marker, body=body)
    assert len(message.data) == 64 * 1024
    recipients_ready(smtp, accounts[0], accounts[1])
    reply = smtp.data(message.data)
    assert reply.code == 250, f"sent a 65536-octet message, expected 250, got {reply}"
    stored = readback.wait_for(accounts[1].address, marker)
    assert stored.endswith(message.data), (
        f"sent a 65536-octet message, expected it stored whole, got {len(stored)} octets "
        f"ending {stored[-200:]!r}"
    )
