"""RFC 5321 §2.2.1, §3.2, §4.1.1.1, §4.1.4: EHLO and HELO."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from conformance import Account, Mailbox, Readback, SmtpSession

from ._rfc5321 import (
    begin_transaction,
    first_word,
    helo_ready,
    implemented,
    is_domain_or_literal,
    make_message,
    new_marker,
    ready,
)

# §4.1.1.1: ehlo-line = ehlo-keyword *( SP ehlo-param )
_EHLO_LINE = re.compile(rb"[A-Za-z0-9][A-Za-z0-9-]*(?: [\x21-\x7e]+)*")


@pytest.mark.rfc(5321, "2.2.1", "MUST")
def test_ehlo_is_supported(smtp: SmtpSession) -> None:
    """For instance, servers MUST support the EHLO command even if they do not implement
    any specific extensions and clients SHOULD preferentially utilize EHLO rather than
    HELO."""
    reply = smtp.ehlo()
    assert reply.code == 250, f"sent 'EHLO conformance.test', expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_helo_is_supported(smtp: SmtpSession) -> None:
    """Older client SMTP systems MAY, as discussed above, use HELO (as specified in RFC
    821) instead of EHLO, and servers MUST support the HELO command and reply properly to
    it."""
    reply = helo_ready(smtp)
    assert reply.code == 250, f"sent 'HELO conformance.test', expected 250, got {reply}"


@pytest.mark.rfc(5321, "3.2", "MUST")
def test_helo_reply_is_not_extended(
    smtp: SmtpSession, smtp_connect: Callable[..., SmtpSession]
) -> None:
    """Servers MUST NOT return the extended EHLO-style response to a HELO command.

    A multi-line 250 alone is allowed (any reply may be multi-line, §4.2); what is
    refused is the EHLO keyword list, so the lines are compared with the keywords
    this server lists after EHLO in a second session.
    """
    reply = helo_ready(smtp)
    assert reply.code == 250, f"sent 'HELO conformance.test', expected 250, got {reply}"
    other = smtp_connect()
    other.ehlo()
    words = (line.split(b" ", 1)[0].decode("ascii", "replace").upper() for line in reply.lines[1:])
    listed = sorted({word for word in words if word in other.extensions})
    assert not listed, (
        f"sent 'HELO conformance.test', expected a 250 without the EHLO keyword list, "
        f"got {reply.raw!r} (EHLO keywords {listed})"
    )


@pytest.mark.rfc(
    5321,
    "2.4",
    "MUST",
    basis=(
        "EHLO is a verb: §2.4 defines verbs and argument values as not case sensitive and"
        " calls servers that require upper-case verbs 'in violation of this "
        "specification' (and of RFC 821)."
    ),
)
def test_ehlo_verb_is_case_insensitive(smtp: SmtpSession) -> None:
    """Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and extension
    name keywords) are not case sensitive, with the sole exception in this specification
    of a mailbox local-part (SMTP Extensions may explicitly specify case-sensitive
    elements)."""
    reply = smtp.command("eHlO conformance.test")
    assert reply.code == 250, f"sent 'eHlO conformance.test', expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_ehlo_with_address_literal_is_accepted(smtp: SmtpSession) -> None:
    """ehlo = "EHLO" SP ( Domain / address-literal ) CRLF (§4.1.1.1).  An SMTP server MAY
    verify that the domain name argument in the EHLO command actually corresponds to the
    IP address of the client.  However, if the verification fails, the server MUST NOT
    refuse to accept a message on that basis (§4.1.4).

    A client without a meaningful name sends an address literal (§4.1.4); the literal
    used is the loopback address the harness normally connects from.
    """
    reply = smtp.command("EHLO [127.0.0.1]")
    assert reply.code == 250, f"sent 'EHLO [127.0.0.1]', expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "4.1.1.1",
    "MUST",
    basis=(
        "The ehlo-ok-rsp ABNF is the syntax of a positive EHLO reply, and §4.1.1.1 says "
        "the server identifies itself in it; RFC 5321 states reply syntax as ABNF, "
        "without keywords."
    ),
)
def test_ehlo_reply_starts_with_server_domain(smtp: SmtpSession) -> None:
    """ehlo-ok-rsp = ( "250" SP Domain [ SP ehlo-greet ] CRLF ) / ( "250-" Domain [ SP
    ehlo-greet ] CRLF *( "250-" ehlo-line CRLF ) "250" SP ehlo-line CRLF )"""
    reply = ready(smtp)
    word = first_word(reply)
    assert is_domain_or_literal(word), (
        f"sent 'EHLO conformance.test', expected '250 <domain> ...' on the first line, "
        f"got {reply.raw!r} (first word {word!r})"
    )


@pytest.mark.rfc(
    5321,
    "4.1.1.1",
    "MUST",
    basis=(
        "§4.1.1.1 defines each line after the first as ehlo-line = ehlo-keyword *( SP "
        "ehlo-param ) in ABNF, without a keyword; a client parses extensions by it."
    ),
)
def test_ehlo_reply_lines_are_keywords(smtp: SmtpSession) -> None:
    """Each line of the response contains a keyword and, optionally, one or more
    parameters.

    §4.1.1.1: ehlo-line = ehlo-keyword *( SP ehlo-param ); ehlo-keyword = (ALPHA / DIGIT)
    *(ALPHA / DIGIT / "-"); ehlo-param = 1*(%d33-126).
    """
    reply = ready(smtp)
    bad = [line for line in reply.lines[1:] if not _EHLO_LINE.fullmatch(line)]
    assert not bad, (
        f"sent 'EHLO conformance.test', expected 'keyword *(SP param)' after the first line, "
        f"got {bad!r} in {reply.raw!r}"
    )


@pytest.mark.rfc(5321, "4.2.4", "MUST")
def test_advertised_commands_are_implemented(smtp: SmtpSession) -> None:
    """Extended SMTP systems MUST NOT list capabilities in response to EHLO for which they
    will return 502 (or 500) replies."""
    ready(smtp)
    probes = {"VRFY": "VRFY postmaster", "EXPN": "EXPN postmaster", "HELP": "HELP"}
    advertised = [keyword for keyword in probes if keyword in smtp.extensions]
    if not advertised:
        pytest.skip("the target advertises none of VRFY, EXPN, HELP")
    for keyword in advertised:
        reply = smtp.command(probes[keyword])
        assert implemented(reply), (
            f"EHLO advertised {keyword}; sent {probes[keyword]!r}, expected it implemented "
            f"(a 2yz-5yz reply other than 500/502), got {reply}"
        )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_second_ehlo_resets_the_transaction(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """If it is issued after the session begins and the EHLO command is acceptable to the
    SMTP server, the SMTP server MUST clear all buffers and reset the state exactly as if a
    RSET command had been issued.

    After the reset no recipient survives: DATA must be refused (503 or 554, §3.3).
    """
    begin_transaction(smtp, sender)
    reply = smtp.rcpt(recipient.address)
    assert reply.code in (250, 251), f"sent RCPT TO:<{recipient.address}>, got {reply}"
    ready(smtp)
    reply = smtp.mail(sender.address)
    assert reply.code == 250, (
        f"sent MAIL, RCPT, EHLO, then 'MAIL FROM:<{sender.address}>', expected 250 "
        f"(a new transaction), got {reply}"
    )
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        "sent MAIL, RCPT, EHLO, MAIL, then DATA, expected 503 or 554 (the recipient was "
        f"cleared by EHLO), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_unacceptable_ehlo_gets_failure_reply(smtp: SmtpSession) -> None:
    """If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550
    failure replies MUST be returned as appropriate."""
    reply = smtp.command("EHLO")
    assert reply.code in (500, 501, 502, 550), (
        f"sent 'EHLO' without a domain, expected 501 (or 500, 502, 550), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_unacceptable_ehlo_keeps_the_state(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """The SMTP server MUST stay in the same state after transmitting these replies that it
    was in before the EHLO was received."""
    begin_transaction(smtp, sender)
    reply = smtp.command("EHLO")
    assert reply.code in (500, 501, 502, 550), f"sent 'EHLO' without a domain, got {reply}"
    reply = smtp.rcpt(recipient.address)
    assert reply.code in (250, 251), (
        f"sent MAIL, a refused 'EHLO', then 'RCPT TO:<{recipient.address}>', expected 250 "
        f"(the transaction still open), got {reply}"
    )


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_ehlo_name_not_matching_ip_does_not_refuse_mail(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """However, if the verification fails, the server MUST NOT refuse to accept a message
    on that basis.

    The client announces 192.0.2.1 (TEST-NET-1, RFC 5737), never its real address.
    """
    sender, recipient = accounts[0], accounts[1]
    reply = smtp.establish("[192.0.2.1]")
    assert reply.code == 250, f"sent 'EHLO [192.0.2.1]', expected 250, got {reply}"
    marker = new_marker()
    message = make_message(sender, recipient, marker)
    for command in (f"MAIL FROM:<{sender.address}>", f"RCPT TO:<{recipient.address}>"):
        reply = smtp.command(command)
        assert reply.code in (250, 251), f"sent {command!r} after 'EHLO [192.0.2.1]', got {reply}"
    reply = smtp.data(message.data)
    assert reply.code == 250, (
        f"sent 'EHLO [192.0.2.1]' from another address and a message, expected 250, got {reply}"
    )
    readback.wait_for(recipient.address, marker)
