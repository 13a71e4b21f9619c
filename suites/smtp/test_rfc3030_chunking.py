"""RFC 3030: SMTP Service Extensions for Transmission of Large and Binary MIME Messages
(CHUNKING: the BDAT command)."""

from __future__ import annotations

import pytest

from conformance import Account, Bdat, Content, Mailbox, Readback, SmtpSession
from reference_impl.smtp import Reply

from ._extensions import (
    assert_delivered_intact,
    build_message,
    expect,
    mail_ready,
    new_marker,
    said,
    send_message,
    shown,
)

pytestmark = pytest.mark.requires("CHUNKING")

# A chunk whose octets would be commands if the server read them as such.
_COMMAND_LOOKALIKE = b"QUIT\r\n"


def _bdat_reply(smtp: SmtpSession, chunk: bytes, *, last: bool = False) -> Reply:
    return smtp.bdat(chunk, last=last)


def _open(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    reply = smtp.mail(sender.address)
    assert reply.code == 250, expect(reply, sent="MAIL FROM", expected="250")
    reply = smtp.rcpt(recipient.address)
    assert reply.code == 250, expect(reply, sent="RCPT TO", expected="250")


def _tricky_message(sender: Account, recipient: Account, marker: bytes) -> bytes:
    """Octets that DATA would treat specially: a lone dot line, leading dots, commands."""
    body = (
        b"A line.\r\n.\r\n..two dots stay two\r\n.leading dot stays\r\nQUIT\r\n"
        b"RSET\r\n" + marker + b"\r\n"
    )
    return build_message(sender, recipient, marker, body=body)


def _chunks(content: bytes, sizes: tuple[int, ...]) -> list[bytes]:
    """Split ``content`` at the given sizes (mid-line on purpose); the rest is last."""
    parts, start = [], 0
    for size in sizes:
        parts.append(content[start : start + size])
        start += size
    parts.append(content[start:])
    return parts


@pytest.mark.rfc(3030, "2", "MUST")
def test_each_chunk_answered_250(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """A 250 response MUST be sent to each successful BDAT data block within a mail
    transaction."""
    mail_ready(smtp, "CHUNKING")
    _open(smtp, sender, recipient)
    for number, chunk in enumerate([b"Subject: chunk", b"s\r\n\r\nbody ", b"text\r\n"], 1):
        reply = _bdat_reply(smtp, chunk)
        assert reply.code == 250, expect(
            reply, sent=f"BDAT {len(chunk)} (chunk {number}, not LAST)", expected="250"
        )
    smtp.rset()


@pytest.mark.rfc(
    3030,
    "2",
    "MUST",
    basis=(
        "§2 defines the first BDAT argument as the exact length in octets of the data "
        "that follows, so those octets are the message data as sent: no dot-stuffing, no "
        "end-of-data line; a 250 MUST answer each successful chunk."
    ),
)
@pytest.mark.delivers
def test_chunks_stored_byte_exact(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The BDAT verb takes two arguments.  The first argument indicates the length, in
    octets, of the binary data chunk.

    The octets of each chunk are message data, exactly: no dot-stuffing, no end-of-data
    line, chunk boundaries inside lines invisible in the stored message.
    """
    mail_ready(smtp, "CHUNKING")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = _tricky_message(sender, recipient, marker)
    _open(smtp, sender, recipient)
    parts = _chunks(content, (7, 150))
    for chunk in parts[:-1]:
        reply = _bdat_reply(smtp, chunk)
        assert reply.code == 250, expect(reply, sent=f"BDAT {len(chunk)}", expected="250")
    reply = _bdat_reply(smtp, parts[-1], last=True)
    assert reply.code == 250, expect(reply, sent=f"BDAT {len(parts[-1])} LAST", expected="250")
    assert_delivered_intact(readback.wait_for(recipient.address, marker), content)


@pytest.mark.rfc(3030, "2", "MUST")
@pytest.mark.delivers
def test_bdat_zero_last_ends_message(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The last BDAT command MAY have a byte-count of zero indicating there is no
    additional data to be sent.  A 250 response MUST be sent to each successful BDAT data
    block within a mail transaction.

    A server must accept that form: BDAT 0 LAST completes the message.
    """
    mail_ready(smtp, "CHUNKING")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(sender, recipient, marker)
    _open(smtp, sender, recipient)
    reply = _bdat_reply(smtp, content)
    assert reply.code == 250, expect(reply, sent=f"BDAT {len(content)}", expected="250")
    reply = _bdat_reply(smtp, b"", last=True)
    assert reply.code == 250, expect(reply, sent="BDAT 0 LAST", expected="250")
    assert_delivered_intact(readback.wait_for(recipient.address, marker), content)


@pytest.mark.rfc(3030, "2", "MUST")
@pytest.mark.delivers
def test_bdat_after_last_503(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """Any BDAT command sent after the BDAT LAST is illegal and MUST be replied to with a
    503 "Bad sequence of commands" reply code."""
    mail_ready(smtp, "CHUNKING")
    sender, recipient = accounts[0], accounts[1]
    content = build_message(sender, recipient, new_marker())
    _open(smtp, sender, recipient)
    reply = _bdat_reply(smtp, content, last=True)
    assert reply.code == 250, expect(reply, sent=f"BDAT {len(content)} LAST", expected="250")
    reply = _bdat_reply(smtp, b"more\r\n")
    assert reply.code == 503, expect(reply, sent="BDAT 6 after BDAT LAST", expected="503")


@pytest.mark.rfc(3030, "2", "MUST")
def test_data_after_bdat_503(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """DATA and BDAT commands cannot be used in the same transaction.  If a DATA statement
    is issued after a BDAT for the current transaction, a 503 "Bad sequence of commands"
    MUST be issued."""
    mail_ready(smtp, "CHUNKING")
    _open(smtp, sender, recipient)
    reply = _bdat_reply(smtp, b"Subject: x\r\n")
    assert reply.code == 250, expect(reply, sent="BDAT 12", expected="250")
    reply = smtp.command("DATA")
    if reply.code == 354:
        smtp.pipeline(Content(b""))
    assert reply.code == 503, expect(reply, sent="DATA after BDAT 12", expected="503")


@pytest.mark.rfc(3030, "2", "MUST")
@pytest.mark.delivers
def test_data_still_supported(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """Servers that offer the BDAT extension MUST continue to support the regular SMTP
    DATA command."""
    mail_ready(smtp, "CHUNKING")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(sender, recipient, marker)
    final = send_message(smtp, sender, recipient, content)
    assert final.code == 250, expect(final, sent="MAIL, RCPT, DATA, message", expected="250")
    assert_delivered_intact(readback.wait_for(recipient.address, marker), content)


@pytest.mark.rfc(3030, "2", "MUST")
def test_failed_bdat_data_discarded(smtp: SmtpSession) -> None:
    """If a failure occurs after a BDAT command is received, the receiver-SMTP MUST accept
    and discard the associated message data before sending the appropriate 5XX or 4XX
    code.

    BDAT with no transaction fails; its chunk ("QUIT\\r\\n") must be swallowed, so the
    next NOOP gets 250 and the connection stays open.
    """
    mail_ready(smtp, "CHUNKING")
    failure = smtp.pipeline(Bdat(_COMMAND_LOOKALIKE))
    assert failure and failure[0].severity in (4, 5), (
        f"sent BDAT 6 with the chunk {_COMMAND_LOOKALIKE!r} outside a transaction; "
        f"expected a 4xx/5xx refusal; got {shown(failure, smtp)}"
    )
    after = smtp.pipeline("NOOP")
    assert [reply.code for reply in after] == [250], (
        f"sent BDAT 6 with the chunk {_COMMAND_LOOKALIKE!r} outside a transaction, then NOOP; "
        f"expected the chunk discarded and 250 for NOOP; got {said(failure[0])} then "
        f"{shown(after, smtp)}"
    )


@pytest.mark.rfc(3030, "2", "MUST")
@pytest.mark.requires("PIPELINING")
def test_pipelined_chunks_after_failure_discarded(smtp: SmtpSession) -> None:
    """If the receiver-SMTP has declared support for command pipelining [PIPE], the
    receiver SMTP MUST be prepared to accept and discard additional BDAT chunks already in
    the pipeline after the failed BDAT."""
    mail_ready(smtp, "CHUNKING")
    if "PIPELINING" not in smtp.extensions:
        pytest.skip("target does not advertise PIPELINING on this connection")
    group = (Bdat(_COMMAND_LOOKALIKE), Bdat(_COMMAND_LOOKALIKE, last=True), "NOOP")
    replies = smtp.pipeline(*group, timeout=3)
    refusals = [reply.severity in (4, 5) for reply in replies[:2]]
    assert refusals == [True, True] and [reply.code for reply in replies[2:]] == [250], (
        "sent, in one write, two BDAT chunks of 'QUIT\\r\\n' outside a transaction and NOOP; "
        f"expected two refusals and 250; got {shown(replies, smtp)}"
    )


@pytest.mark.rfc(
    3030,
    "2",
    "MUST",
    basis=(
        "§2 defines RSET between chunks as clearing all segments sent, and RFC 5321 "
        "§4.1.1.5 says on RSET any stored mail data MUST be discarded."
    ),
)
@pytest.mark.delivers
def test_rset_clears_sent_chunks(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """The RSET command, when issued after the first BDAT and before the BDAT LAST, clears
    all segments sent during that transaction and resets the session."""
    mail_ready(smtp, "CHUNKING")
    sender, recipient = accounts[0], accounts[1]
    discarded = b"X-Discarded: " + new_marker() + b"\r\n"
    _open(smtp, sender, recipient)
    reply = _bdat_reply(smtp, discarded)
    assert reply.code == 250, expect(reply, sent=f"BDAT {len(discarded)}", expected="250")
    reply = smtp.rset()
    assert reply.code == 250, expect(reply, sent="RSET between chunks", expected="250")
    marker = new_marker()
    content = build_message(sender, recipient, marker)
    _open(smtp, sender, recipient)
    reply = _bdat_reply(smtp, content, last=True)
    assert reply.code == 250, expect(reply, sent=f"BDAT {len(content)} LAST", expected="250")
    delivered = readback.wait_for(recipient.address, marker)
    assert discarded not in delivered, (
        f"sent BDAT with {discarded!r}, RSET, then a new transaction; expected the first "
        f"chunk gone; the stored message contains it"
    )
    assert_delivered_intact(delivered, content)
