"""RFC 5321 §3.3, §4.1.4: the order of commands and what a server does when it is broken."""

from __future__ import annotations

import pytest

from conformance import Mailbox, SmtpSession

from ._rfc5321 import begin_transaction, helo_ready, ready


@pytest.mark.rfc(5321, "3.3", "MUST")
def test_rcpt_without_mail_gets_503(smtp: SmtpSession, recipient: Mailbox) -> None:
    """If a RCPT command appears without a previous MAIL command, the server MUST return a
    503 "Bad sequence of commands" response."""
    ready(smtp)
    reply = smtp.rcpt(recipient.address)
    assert reply.code == 503, (
        f"sent EHLO then 'RCPT TO:<{recipient.address}>' without MAIL, expected 503, got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_data_without_mail_is_refused(smtp: SmtpSession) -> None:
    """If the commands in a transaction are out of order to the degree that they cannot be
    processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST
    stay in the same state.

    §3.3 also allows "no valid recipients" (554) in reply to DATA.
    """
    ready(smtp)
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent EHLO then DATA without MAIL or RCPT, expected 503 or 554, got {reply}"
    )


@pytest.mark.rfc(5321, "3.3", "MAY")
def test_data_without_rcpt_is_refused(smtp: SmtpSession, sender: Mailbox) -> None:
    """If there was no MAIL, or no RCPT, command, or all such commands were rejected, the
    server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply
    in response to the DATA command.

    Either is right; accepting DATA (354) for a transaction without recipients is not.
    """
    begin_transaction(smtp, sender)
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent MAIL then DATA without RCPT, expected 503 or 554, got {reply}"
    )


@pytest.mark.rfc(5321, "3.3", "MAY")
def test_data_after_all_rcpt_rejected_is_refused(
    smtp: SmtpSession, sender: Mailbox, unknown_recipient: Mailbox
) -> None:
    """If there was no MAIL, or no RCPT, command, or all such commands were rejected, the
    server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply
    in response to the DATA command."""
    begin_transaction(smtp, sender)
    nobody = unknown_recipient.address
    reply = smtp.rcpt(nobody)
    if reply.severity == 2:
        pytest.skip(f"the target accepts unknown recipients (RCPT TO:<{nobody}>: {reply})")
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent MAIL, a rejected 'RCPT TO:<{nobody}>', then DATA, expected 503 or 554, got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_refused_data_keeps_the_transaction(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """If the commands in a transaction are out of order to the degree that they cannot be
    processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST
    stay in the same state."""
    begin_transaction(smtp, sender)
    refused = smtp.command("DATA")
    assert refused.code in (503, 554), f"sent MAIL then DATA, expected 503 or 554, got {refused}"
    reply = smtp.rcpt(recipient.address)
    assert reply.code in (250, 251), (
        f"sent MAIL, DATA (refused: {refused.code}), then 'RCPT TO:<{recipient.address}>', "
        f"expected 250 (the transaction still open), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_refused_rcpt_keeps_the_session(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """If the commands in a transaction are out of order to the degree that they cannot be
    processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST
    stay in the same state."""
    ready(smtp)
    refused = smtp.rcpt(recipient.address)
    assert refused.code == 503, f"sent RCPT without MAIL, expected 503, got {refused}"
    reply = smtp.mail(sender.address)
    assert reply.code == 250, (
        f"sent EHLO, RCPT (refused), then 'MAIL FROM:<{sender.address}>', expected 250, got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_refused_mail_keeps_the_state(smtp: SmtpSession, recipient: Mailbox) -> None:
    """If the transaction beginning command argument is not acceptable, a 501 failure reply
    MUST be returned and the SMTP server MUST stay in the same state.

    No transaction was opened, so a RCPT that follows is still out of sequence (§3.3).
    """
    ready(smtp)
    refused = smtp.command("MAIL FROM:")
    assert refused.severity in (4, 5), f"sent 'MAIL FROM:' without a path, got {refused}"
    reply = smtp.rcpt(recipient.address)
    assert reply.code == 503, (
        f"sent a refused 'MAIL FROM:' then 'RCPT TO:<{recipient.address}>', expected 503 "
        f"(no transaction open), got {reply}"
    )


# §4.3.2's replies to each command, less 503: what "processed normally" may answer.  530
# may refuse RSET until STARTTLS (RFC 3207 §4 exempts only NOOP, EHLO, STARTTLS and
# QUIT) and HELP, VRFY and EXPN until AUTH (RFC 4954 §6); HELP and EXPN are optional
# (§4.5.1), so 500 / 502 are normal for them, and for VRFY they are graded by §4.5.1.
_NORMAL_REPLIES = {
    "NOOP": frozenset({250}),
    "RSET": frozenset({250, 530}),
    "HELP": frozenset({211, 214, 500, 502, 504, 530}),
    "VRFY": frozenset({250, 251, 252, 500, 501, 502, 504, 530, 550, 551, 553}),
    "EXPN": frozenset({250, 252, 500, 501, 502, 504, 530, 550}),
}


def _codes(codes: frozenset[int]) -> str:
    return ", ".join(str(code) for code in sorted(codes))


@pytest.mark.parametrize("command", ["NOOP", "RSET", "HELP", "VRFY postmaster", "EXPN postmaster"])
@pytest.mark.rfc(5321, "4.1.4", "SHOULD")
def test_non_mail_commands_before_ehlo(smtp: SmtpSession, command: str) -> None:
    """SMTP servers SHOULD process these normally (that is, not return a 503 code) even if
    no EHLO command has yet been received; clients SHOULD open a session with EHLO before
    sending these commands."""
    reply = smtp.command(command)
    normal = _NORMAL_REPLIES[command.split()[0]]
    assert reply.code in normal, (
        f"sent {command!r} before EHLO, expected it processed normally ({_codes(normal)}, "
        f"not 503), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_mail_after_helo_is_accepted(smtp: SmtpSession, sender: Mailbox) -> None:
    """In any event, a client MUST issue HELO or EHLO before starting a mail transaction.

    HELO opens a session as well as EHLO does: MAIL after it is in sequence.
    """
    reply = helo_ready(smtp, for_mail=True)
    assert reply.code == 250, f"sent 'HELO conformance.test', expected 250, got {reply}"
    reply = smtp.mail(sender.address)
    assert reply.code == 250, (
        f"sent HELO then 'MAIL FROM:<{sender.address}>', expected 250, got {reply}"
    )
