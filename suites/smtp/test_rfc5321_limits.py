"""RFC 5321 §4.5.3.1: the sizes every implementation must be able to receive, and the
answers past them.

Past a limit the RFC leaves the server free: its own limits may be larger (then the
over-limit case cannot be observed and the test passes on what it could check, or skips
when it could check nothing), and the reply texts of §4.5.3.1.9 are only examples.  What
is asserted there is what the RFC does require: the reply code for too many recipients
(§4.5.3.1.10), no silently dropped recipient (§4.5.3.1.8), and one reply per command or
message, so the session stays in step (§4.2, §4.1.1.4).
"""

from __future__ import annotations

import pytest

from conformance import Account, Mailbox, Readback, SmtpSession
from reference_impl.smtp import Reply

from ._rfc5321 import (
    MAIL_NOT_TOO_LONG,
    begin_transaction,
    make_message,
    new_marker,
    ready,
    recipients_ready,
)

# Past the 1000 recipients Postfix and the reference server buffer, with room for a few
# more; a server taking all of them has no limit within reach of the probe.
RECIPIENT_PROBE = 1100


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
def test_64_octet_local_part_is_accepted(
    smtp: SmtpSession, sender: Mailbox, mail_domain: str
) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes.

    §4.5.3.1.1: "The maximum total length of a user name or other local-part is 64 octets."
    The sender may be refused for policy, but not as too long (500/501).
    """
    domain = mail_domain
    ready(smtp)
    line = f"MAIL FROM:<{'l' * 64}@{domain}>"
    reply = smtp.command(line)
    assert reply.code in MAIL_NOT_TOO_LONG, (
        f"sent {line!r} (64-octet local-part), expected it accepted or refused for another "
        f"reason than its length ({', '.join(map(str, sorted(MAIL_NOT_TOO_LONG)))}), got {reply}"
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
    assert reply.code in MAIL_NOT_TOO_LONG, (
        f"sent MAIL FROM with a 256-octet path {path!r}, expected it accepted or refused for "
        f"another reason than its length ({', '.join(map(str, sorted(MAIL_NOT_TOO_LONG)))}), "
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
    smtp.send_raw(message.header + b"\r\n." + long_line + b".\r\n", replies=1)
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
def test_100_recipients_are_buffered(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """The minimum total number of recipients that MUST be buffered is 100 recipients."""
    begin_transaction(smtp, sender)
    for number in range(1, 101):  # one mailbox 100 times: delivery may merge duplicates
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


@pytest.mark.rfc(5321, "4.5.3.1", "MUST")
def test_255_octet_domain_is_accepted(smtp: SmtpSession) -> None:
    """Every implementation MUST be able to receive objects of at least these sizes.

    §4.5.3.1.2: "The maximum total length of a domain name or number is 255 octets."  A
    path holds at most 256 octets with its local-part and brackets, so the 255-octet
    domain goes in EHLO, whose argument is a Domain (§4.1.1.1).
    """
    domain = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 63])  # labels of 63 octets
    assert len(domain) == 255
    reply = smtp.ehlo(domain)
    assert reply.code == 250, (
        f"sent EHLO with a 255-octet domain {domain!r}, expected 250, got {reply}"
    )


def _long_noop(length: int) -> bytes:
    """A NOOP line (CRLF not included) of ``length`` octets with its CRLF (§4.1.1.9: the
    parameter is ignored)."""
    return b"NOOP " + b"x" * (length - len(b"NOOP \r\n"))


def _assert_next_reply_answers_noop(smtp: SmtpSession, what: str, first: Reply) -> None:
    """After ``first`` (the one reply to ``what``), a NOOP's 250 must come next; a 421
    means the server said it is closing, which answers ``what`` in an orderly way."""
    assert first.severity in (2, 4, 5), (
        f"sent {what}, expected a 2yz, 4yz or 5yz reply (taken or refused), got {first}"
    )
    if first.code == 421:
        assert smtp.expect_closed(), f"sent {what}, got {first}, but the connection stayed open"
        return
    reply = smtp.noop()
    assert reply.code == 250, (
        f"sent {what} (answered {first}) then NOOP, expected the NOOP's 250 as the next "
        f"reply, got {reply}: {what} got more than one reply"
    )


@pytest.mark.parametrize("length", [513, 1025, 65537])
@pytest.mark.rfc(5321, "4.2", "MUST")
def test_too_long_command_line_gets_one_reply(smtp: SmtpSession, length: int) -> None:
    """Every command MUST generate exactly one reply.

    Past the 512 octets of §4.5.3.1.4 a server may answer "500 Line too long"
    (§4.5.3.1.9) or accept the line, as its own limit allows; either way the line is one
    command.  A server that cuts it at its limit and reads the rest as another command
    answers twice, and the client's commands and the server's replies no longer pair.
    """
    ready(smtp)
    line = _long_noop(length)
    assert len(line) + 2 == length
    first = smtp.command(line)
    _assert_next_reply_answers_noop(smtp, f"a {length}-octet NOOP line", first)


def _domain_of(length: int) -> str:
    """A syntactically valid domain of ``length`` octets (labels of at most 63, §4.1.2)."""
    domain = (("d" * 63 + ".") * (length // 64 + 1))[:length]
    return domain[:-2] + ".e" if domain.endswith(".") else domain


@pytest.mark.parametrize("length", [256, 1000])
@pytest.mark.rfc(5321, "4.2", "MUST")
def test_too_long_domain_gets_one_reply(
    smtp: SmtpSession, accounts: tuple[Account, ...], length: int
) -> None:
    """Every command MUST generate exactly one reply.

    §4.5.3.1.2: "The maximum total length of a domain name or number is 255 octets."  Past
    it a server may answer "501 Path too long" (§4.5.3.1.9), refuse the recipient for any
    other reason, or take it; what it may not do is drop the command unanswered (or close
    without a reply) or answer it twice.  Nothing is delivered: the session ends before
    DATA.
    """
    domain = _domain_of(length)
    assert len(domain) == length
    begin_transaction(smtp, accounts[0])
    line = f"RCPT TO:<postmaster@{domain}>"
    first = smtp.command(line)
    _assert_next_reply_answers_noop(smtp, f"RCPT with a {length}-octet domain", first)


def _rcpt_until_refused(smtp: SmtpSession, address: str) -> tuple[int, Reply | None]:
    """RCPT TO ``address`` until the server refuses one or ``RECIPIENT_PROBE`` are sent:
    how many were accepted, and the refusal (None if there was none)."""
    for number in range(RECIPIENT_PROBE):
        reply = smtp.rcpt(address)
        if reply.code not in (250, 251):
            return number, reply
    return RECIPIENT_PROBE, None


@pytest.mark.rfc(5321, "4.5.3.1.10", "MUST")
def test_rcpt_past_the_recipient_limit_gets_452(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """If an SMTP server has an implementation limit on the number of RCPT commands and
    this limit is exhausted, it MUST use a response code of 452 (but the client SHOULD also
    be prepared for a 552, as noted above).

    "If the server has a configured site-policy limitation on the number of RCPT commands,
    it MAY instead use a 5yz response code."  The same recipient is named again and again
    after it was accepted once, so the first refusal is the limit: it must be 452 or a 5yz
    (which of the two limits it is cannot be told over the wire).
    """
    recipients_ready(smtp, accounts[0], accounts[1])
    accepted, refusal = _rcpt_until_refused(smtp, accounts[1].address)
    if refusal is None:
        pytest.skip(
            f"all {RECIPIENT_PROBE + 1} RCPT commands were accepted: no recipient limit within "
            "reach, so the reply past it cannot be observed"
        )
    assert refusal.code == 452 or refusal.severity == 5, (
        f"sent 'RCPT TO:<{accounts[1].address}>' {accepted + 2} times, accepted "
        f"{accepted + 1} times, then expected 452 (or a 5yz for a site policy) for the "
        f"recipient limit, got {refusal}"
    )


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.5.3.1.8", "MUST")
def test_recipients_before_the_limit_are_kept(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """A server that imposes a limit on the number of recipients MUST behave in an orderly
    fashion, such as rejecting additional addresses over its limit rather than silently
    discarding addresses previously accepted.

    The first RCPT names one account, the following ones the other until the server
    refuses one (its limit) or the probe ends; the message must then reach the first
    recipient too.  A server that refuses the message itself after its limit (a site
    policy may answer DATA with 503, §4.5.3.1.10) has dropped nothing silently.
    """
    first, other = accounts[0], accounts[1]
    marker = new_marker()
    message = make_message(first, first, marker)
    recipients_ready(smtp, first, first)
    accepted, refusal = _rcpt_until_refused(smtp, other.address)
    assert accepted > 0, f"sent 'RCPT TO:<{other.address}>', expected 250, got {refusal}"
    reply = smtp.data(message.data)
    sent = f"RCPT TO:<{first.address}>, {accepted} accepted RCPT TO:<{other.address}>"
    if reply.code != 250:
        assert reply.severity in (4, 5), (
            f"sent {sent}, then DATA and a message, expected 250 or a refusal, got {reply}"
        )
        return
    for account in (first, other):
        readback.wait_for(account.address, marker)


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_too_long_text_line_gets_one_reply_at_end_of_data(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """If the processing is successful, the receiver MUST send an OK reply.  If the
    processing fails, the receiver MUST send a failure reply.

    A text line past the 1000 octets of §4.5.3.1.6 may be refused (§4.5.3.1.9) or taken,
    but the reply comes once, for the end of mail data: a server that answers the long
    line at once and reads the rest of the message as commands answers many times.
    """
    marker = new_marker()
    long_line = marker + b" " + b"w" * (65536 - len(marker) - 3) + b"\r\n"
    message = make_message(accounts[0], accounts[1], marker, body=long_line + b"After\r\n")
    recipients_ready(smtp, accounts[0], accounts[1])
    reply = smtp.command("DATA")
    assert reply.code == 354, f"sent MAIL, RCPT then DATA, expected 354, got {reply}"
    smtp.send_raw(message.data + b".\r\n", replies=1)
    reply = smtp.read_reply()
    _assert_next_reply_answers_noop(smtp, f"a message with a {len(long_line)}-octet line", reply)
