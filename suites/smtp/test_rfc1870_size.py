"""RFC 1870: SMTP Service Extension for Message Size Declaration."""

from __future__ import annotations

import re

import pytest

from conformance import Account, Mailbox, Readback, SmtpSession

from ._extensions import (
    assert_delivered_intact,
    build_message,
    expect,
    mail_ready,
    new_marker,
    said,
)

pytestmark = pytest.mark.requires("SIZE")

# Sending a message above the limit costs time; limits above this are not tried.
_LARGEST_LIMIT_TRIED = 40 * 1024 * 1024


def _fixed_maximum(smtp: SmtpSession) -> int:
    """The advertised fixed maximum message size; skip when none is in force."""
    value = smtp.extensions.get("SIZE", "")
    if not value.isdigit() or int(value) == 0:
        pytest.skip(f"target advertises no fixed maximum message size (SIZE {value!r})")
    return int(value)


@pytest.mark.rfc(
    1870,
    "3",
    "MUST",
    basis=(
        "§3 defines the SIZE keyword's parameter as size-param ::= [1*DIGIT] in ABNF. RFC"
        " 1870 (1995) predates RFC 2119 and states its rules as definitions."
    ),
)
def test_ehlo_size_parameter_is_a_number(smtp: SmtpSession) -> None:
    """one optional parameter is allowed with this EHLO keyword value, a decimal number
    indicating the fixed maximum message size in bytes that the server will accept.  The
    syntax of the parameter is as follows, using the augmented BNF notation of [2]: ...
    size-param ::= [1*DIGIT]"""
    mail_ready(smtp, "SIZE")
    value = smtp.extensions["SIZE"]
    assert re.fullmatch(r"[0-9]*", value), (
        f"sent EHLO; expected 'SIZE' or 'SIZE <digits>'; got 'SIZE {value}'"
    )


@pytest.mark.rfc(
    1870,
    "4",
    "MUST",
    basis=(
        "§4 says a server supporting SIZE 'will accept the extended version of the MAIL "
        "command'. RFC 1870 (1995) predates RFC 2119 and states its rules as definitions."
    ),
)
def test_mail_with_size_accepted(smtp: SmtpSession, sender: Mailbox) -> None:
    """A server that supports the Message Size Declaration extension will accept the
    extended version of the MAIL command described below."""
    mail_ready(smtp, "SIZE")
    reply = smtp.mail(sender.address, "SIZE=1000")
    assert reply.code == 250, expect(
        reply, sent=f"MAIL FROM:<{sender.address}> SIZE=1000", expected="250"
    )


@pytest.mark.rfc(
    1870,
    "6.1",
    "MUST",
    basis=(
        "§6.1 defines 552 as the server's response to a declared size above its fixed "
        "maximum; size-value allows up to 20 digits (§3). RFC 1870 (1995) predates RFC "
        "2119 and states its rules as definitions."
    ),
)
@pytest.mark.parametrize("excess", ["one-octet-over", "twenty-digits"])
def test_declared_size_over_maximum_552(smtp: SmtpSession, sender: Mailbox, excess: str) -> None:
    """If the indicated size is larger than the server's fixed maximum message size, the
    server responds with code "552 message size exceeds fixed maximium message size"."""
    mail_ready(smtp, "SIZE")
    maximum = _fixed_maximum(smtp)
    size = maximum + 1 if excess == "one-octet-over" else 10**20 - 1
    reply = smtp.mail(sender.address, f"SIZE={size}")
    assert reply.code == 552, expect(
        reply, sent=f"MAIL FROM SIZE={size} (advertised maximum {maximum})", expected="552"
    )


@pytest.mark.rfc(1870, "6", "MUST")
@pytest.mark.delivers
def test_size_parameter_does_not_end_data(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """NOTE: Servers MUST NOT use the SIZE parameter to determine end of content in the
    DATA command.

    The message is declared far smaller than it is; it still ends only at <CRLF>.<CRLF>:
    one reply for it, NOOP answered next, and (if accepted) stored whole.
    """
    mail_ready(smtp, "SIZE")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    body = b"".join(b"NOOP line %d of a body longer than declared\r\n" % i for i in range(20))
    content = build_message(sender, recipient, marker, body=body)
    reply = smtp.mail(sender.address, "SIZE=10")
    assert reply.code == 250, expect(reply, sent="MAIL FROM SIZE=10", expected="250")
    reply = smtp.rcpt(recipient.address)
    assert reply.code == 250, expect(reply, sent="RCPT TO", expected="250")
    final = smtp.data(content)
    # Any reply before NOOP is sent answers the rest of the message read as commands.
    surplus = smtp.unasked_reply(timeout=0.2)
    noop = surplus if surplus is not None else smtp.noop()
    assert final.severity in (2, 4, 5) and surplus is None and noop.code == 250, (
        f"sent SIZE=10 and a {len(content)}-octet message ended by <CRLF>.<CRLF>, then "
        f"NOOP; expected one reply for the message and 250 for NOOP; got {said(final)} "
        f"then {said(noop)}{' before NOOP was sent' if surplus is not None else ''}"
    )
    if final.code == 250:
        assert_delivered_intact(readback.wait_for(recipient.address, marker), content)


@pytest.mark.rfc(
    1870,
    "4",
    "MUST",
    basis=(
        "§4 says a message larger than the advertised limit 'will be rejected with a "
        "permanent failure (552) reply code'. RFC 1870 (1995) predates RFC 2119 and "
        "states its rules as definitions."
    ),
)
def test_message_over_maximum_refused_552(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If a numeric parameter follows the SIZE keyword value of the EHLO response, it
    indicates the size of the largest message that the server is willing to accept.  Any
    attempt by a client to transfer a message which is larger than this limit will be
    rejected with a permanent failure (552) reply code."""
    mail_ready(smtp, "SIZE")
    maximum = _fixed_maximum(smtp)
    if maximum > _LARGEST_LIMIT_TRIED:
        pytest.skip(f"advertised maximum {maximum} is too large to exceed quickly")
    line = b"x" * 998 + b"\r\n"
    content = b"Subject: oversized\r\n\r\n" + line * (maximum // len(line) + 1)
    reply = smtp.mail(accounts[0].address)
    assert reply.code == 250, expect(reply, sent="MAIL FROM (no SIZE)", expected="250")
    reply = smtp.rcpt(accounts[1].address)
    assert reply.code == 250, expect(reply, sent="RCPT TO", expected="250")
    final = smtp.data(content)
    assert final.code == 552, expect(
        final,
        sent=f"a {len(content)}-octet message (advertised maximum {maximum})",
        expected="552",
    )
