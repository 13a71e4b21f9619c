"""RFC 5321 §3.1, §4.2, §4.3: the greeting and the form of every reply."""

from __future__ import annotations

import pytest

from conformance import SmtpSession
from reference_impl.smtp import Reply, ReplyDefectKind

from ._rfc5321 import first_word, is_domain_or_literal, ready


def _defects(reply: Reply, *kinds: ReplyDefectKind) -> list[str]:
    return [f"{d.kind.name} (line {d.line}: {d.detail})" for d in reply.defects if d.kind in kinds]


def _sample_replies(smtp: SmtpSession) -> list[tuple[str, Reply]]:
    """The greeting and the replies to a few commands every server answers."""
    assert smtp.greeting is not None
    replies = [("the greeting", smtp.greeting), ("EHLO conformance.test", ready(smtp))]
    for command in ("NOOP", "HELP", "VRFY postmaster", "RSET", "FOOBAR"):
        replies.append((command, smtp.command(command)))
    return replies


@pytest.mark.rfc(5321, "4.3.1", "MUST")
def test_greeting_is_220_or_554(smtp: SmtpSession) -> None:
    """A receiver MAY substitute text in the replies, but the meanings and actions implied
    by the code numbers and by the specific command reply sequence MUST be preserved.

    §4.3.2 lists the connection-establishment replies: S: 220, E: 554.
    """
    assert smtp.greeting is not None
    assert smtp.greeting.code in (220, 554), (
        f"connected, expected a 220 (or 554) greeting, got {smtp.greeting}"
    )


@pytest.mark.rfc(
    5321,
    "4.3.1",
    "MUST",
    basis=(
        "The §4.2 Greeting ABNF puts the server's Domain or address-literal right after "
        "'220 ', and §4.3.1 restates it for every greeting; syntax stated as ABNF, "
        "without a keyword."
    ),
)
def test_greeting_names_the_server(smtp: SmtpSession) -> None:
    """Note: all the greeting-type replies have the official name (the fully-qualified
    primary domain name) of the server host as the first word following the reply code.

    §4.2: Greeting = "220 " (Domain / address-literal) [ SP textstring ] CRLF.
    """
    greeting = smtp.greeting
    assert greeting is not None
    if greeting.code != 220:
        pytest.skip(f"the target refused the session: {greeting}")
    word = first_word(greeting)
    assert is_domain_or_literal(word), (
        f"connected, expected '220 <domain or address literal> ...', got {greeting} "
        f"(first word {word!r})"
    )


@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_replies_end_lines_with_crlf(smtp: SmtpSession) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator."""
    for sent, reply in _sample_replies(smtp):
        bad = _defects(reply, ReplyDefectKind.BARE_LF, ReplyDefectKind.BARE_CR)
        assert not bad, f"sent {sent!r}, expected lines ending in CRLF, got {reply.raw!r}: {bad}"


@pytest.mark.rfc(5321, "4.3.2", "MUST")
def test_reply_codes_are_three_digits_2_to_5(smtp: SmtpSession) -> None:
    """Unless extended using the mechanisms described in Section 2.2, SMTP servers MUST NOT
    transmit reply codes to an SMTP client that are other than three digits or that do not
    start in a digit between 2 and 5 inclusive."""
    for sent, reply in _sample_replies(smtp):
        bad = _defects(reply, ReplyDefectKind.BAD_CODE, ReplyDefectKind.BAD_SEPARATOR)
        assert not bad, f"sent {sent!r}, expected a code 200-559 and SP or '-', got {reply}: {bad}"


@pytest.mark.rfc(5321, "4.2.1", "MUST")
def test_multiline_reply_uses_one_code(smtp: SmtpSession) -> None:
    """In a multiline reply, the reply code on each of the lines MUST be the same."""
    for sent, reply in _sample_replies(smtp):
        bad = _defects(reply, ReplyDefectKind.MIXED_CODES)
        assert not bad, f"sent {sent!r}, expected one code on every line, got {reply.raw!r}"


@pytest.mark.rfc(5321, "4.2", "MUST")
def test_every_command_generates_exactly_one_reply(smtp: SmtpSession) -> None:
    """Every command MUST generate exactly one reply.

    After several commands, QUIT must be answered by the very next reply: a surplus reply
    to any earlier command would arrive in its place.
    """
    _sample_replies(smtp)
    reply = smtp.quit()
    assert reply.code == 221, (
        "sent EHLO, NOOP, HELP, VRFY, RSET, FOOBAR (one reply read each) then QUIT, "
        f"expected 221 as the next reply, got {reply}"
    )


@pytest.mark.rfc(5321, "4.5.3.1.5", "SHOULD")
def test_reply_lines_at_most_512_octets(smtp: SmtpSession) -> None:
    """Objects larger than these sizes SHOULD be avoided when possible (§4.5.3.1).  The
    maximum total length of a reply line including the reply code and the <CRLF> is 512
    octets (§4.5.3.1.5)."""
    for sent, reply in _sample_replies(smtp):
        bad = _defects(reply, ReplyDefectKind.LINE_TOO_LONG)
        assert not bad, f"sent {sent!r}, expected reply lines of at most 512 octets, got {bad}"
