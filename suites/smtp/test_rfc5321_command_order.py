"""RFC 5321 §3.3, §4.1.4: the order of commands and what a server does when it is broken."""

from __future__ import annotations

import pytest

from conformance import Account, SmtpSession

from ._rfc5321 import begin_transaction, helo_ready, ready, unknown_address


@pytest.mark.rfc(5321, "3.3", "MUST")
def test_rcpt_without_mail_gets_503(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If a RCPT command appears without a previous MAIL command, the server MUST return a
    503 "Bad sequence of commands" response."""
    ready(smtp)
    reply = smtp.rcpt(accounts[1].address)
    assert reply.code == 503, (
        f"sent EHLO then 'RCPT TO:<{accounts[1].address}>' without MAIL, expected 503, got {reply}"
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
def test_data_without_rcpt_is_refused(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If there was no MAIL, or no RCPT, command, or all such commands were rejected, the
    server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply
    in response to the DATA command.

    Either is right; accepting DATA (354) for a transaction without recipients is not.
    """
    begin_transaction(smtp, accounts[0])
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent MAIL then DATA without RCPT, expected 503 or 554, got {reply}"
    )


@pytest.mark.rfc(5321, "3.3", "MAY")
def test_data_after_all_rcpt_rejected_is_refused(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """If there was no MAIL, or no RCPT, command, or all such commands were rejected, the
    server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply
    in response to the DATA command."""
    begin_transaction(smtp, accounts[0])
    nobody = unknown_address(accounts)
    reply = smtp.rcpt(nobody)
    if reply.severity == 2:
        pytest.skip(f"the target accepts unknown recipients (RCPT TO:<{nobody}>: {reply})")
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent MAIL, a rejected 'RCPT TO:<{nobody}>', then DATA, expected 503 or 554, got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_refused_data_keeps_the_transaction(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """If the commands in a transaction are out of order to the degree that they cannot be
    processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST
    stay in the same state."""
    begin_transaction(smtp, accounts[0])
    refused = smtp.command("DATA")
    assert refused.code in (503, 554), f"sent MAIL then DATA, expected 503 or 554, got {refused}"
    reply = smtp.rcpt(accounts[1].address)
    assert reply.code in (250, 251), (
        f"sent MAIL, DATA (refused: {refused.code}), then 'RCPT TO:<{accounts[1].address}>', "
        f"expected 250 (the transaction still open), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_refused_rcpt_keeps_the_session(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If the commands in a transaction are out of order to the degree that they cannot be
    processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST
    stay in the same state."""
    ready(smtp)
    refused = smtp.rcpt(accounts[1].address)
    assert refused.code == 503, f"sent RCPT without MAIL, expected 503, got {refused}"
    reply = smtp.mail(accounts[0].address)
    assert reply.code == 250, (
        f"sent EHLO, RCPT (refused), then 'MAIL FROM:<{accounts[0].address}>', expected 250, "
        f"got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_refused_mail_keeps_the_state(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If the transaction beginning command argument is not acceptable, a 501 failure reply
    MUST be returned and the SMTP server MUST stay in the same state.

    No transaction was opened, so a RCPT that follows is still out of sequence (§3.3).
    """
    ready(smtp)
    refused = smtp.command("MAIL FROM:")
    assert refused.severity in (4, 5), f"sent 'MAIL FROM:' without a path, got {refused}"
    reply = smtp.rcpt(accounts[1].address)
    assert reply.code == 503, (
        f"sent a refused 'MAIL FROM:' then 'RCPT TO:<{accounts[1].address}>', expected 503 "
        f"(no transaction open), got {reply}"
    )


@pytest.mark.parametrize("command", ["NOOP", "RSET", "HELP", "VRFY postmaster", "EXPN postmaster"])
@pytest.mark.rfc(5321, "4.1.4", "SHOULD")
def test_non_mail_commands_before_ehlo(smtp: SmtpSession, command: str) -> None:
    """SMTP servers SHOULD process these normally (that is, not return a 503 code) even if
    no EHLO command has yet been received; clients SHOULD open a session with EHLO before
    sending these commands."""
    reply = smtp.command(command)
    assert reply.code != 503, f"sent {command!r} before EHLO, expected no 503, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.1", "MUST")
def test_mail_after_helo_is_accepted(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """In any event, a client MUST issue HELO or EHLO before starting a mail transaction.

    HELO opens a session as well as EHLO does: MAIL after it is in sequence.
    """
    reply = helo_ready(smtp, for_mail=True)
    assert reply.code == 250, f"sent 'HELO conformance.test', expected 250, got {reply}"
    reply = smtp.mail(accounts[0].address)
    assert reply.code == 250, (
        f"sent HELO then 'MAIL FROM:<{accounts[0].address}>', expected 250, got {reply}"
    )
