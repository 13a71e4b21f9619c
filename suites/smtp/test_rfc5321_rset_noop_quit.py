"""RFC 5321 §4.1.1.5, §4.1.1.9, §4.1.1.10: RSET, NOOP and QUIT."""

from __future__ import annotations

import pytest

from conformance import Mailbox, SmtpSession

from ._rfc5321 import begin_transaction, ready, recipients_ready


@pytest.mark.rfc(5321, "4.1.1.5", "MUST")
def test_rset_gets_250(smtp: SmtpSession) -> None:
    """The receiver MUST send a "250 OK" reply to a RSET command with no arguments."""
    ready(smtp)
    reply = smtp.rset()
    assert reply.code == 250, f"sent 'RSET', expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.5", "MUST")
def test_rset_in_a_transaction_gets_250(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """The receiver MUST send a "250 OK" reply to a RSET command with no arguments."""
    recipients_ready(smtp, sender, recipient)
    reply = smtp.rset()
    assert reply.code == 250, f"sent MAIL, RCPT then 'RSET', expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.5", "MUST")
def test_rset_discards_the_sender(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """Any stored sender, recipients, and mail data MUST be discarded, and all buffers and
    state tables cleared.

    With the sender discarded there is no transaction: RCPT is out of sequence (§3.3).
    """
    begin_transaction(smtp, sender)
    reply = smtp.rset()
    assert reply.code == 250, f"sent MAIL then 'RSET', expected 250, got {reply}"
    reply = smtp.rcpt(recipient.address)
    assert reply.code == 503, (
        f"sent MAIL, RSET, then 'RCPT TO:<{recipient.address}>', expected 503, got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.1.5", "MUST")
def test_rset_discards_the_recipients(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """Any stored sender, recipients, and mail data MUST be discarded, and all buffers and
    state tables cleared.

    A new transaction after RSET has no recipient yet: DATA is refused (503 or 554, §3.3).
    """
    recipients_ready(smtp, sender, recipient)
    reply = smtp.rset()
    assert reply.code == 250, f"sent MAIL, RCPT then 'RSET', expected 250, got {reply}"
    reply = smtp.mail(sender.address)
    assert reply.code == 250, f"sent MAIL, RCPT, RSET, then MAIL, expected 250, got {reply}"
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent MAIL, RCPT, RSET, MAIL, then DATA, expected 503 or 554 (no recipient), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.1.5", "MUST")
def test_rset_does_not_close(smtp: SmtpSession) -> None:
    """An SMTP server MUST NOT close the connection as the result of receiving a RSET;
    that action is reserved for QUIT (see Section 4.1.1.10)."""
    ready(smtp)
    smtp.rset()
    reply = smtp.noop()
    assert reply.code == 250, f"sent RSET then NOOP, expected 250 to NOOP, got {reply}"


@pytest.mark.rfc(
    5321,
    "4.1.1.9",
    "MUST",
    basis=(
        "§4.1.1.9 defines NOOP as specifying no action other than a '250 OK' reply, and "
        "§4.3.2 lists 250 as its only reply."
    ),
)
def test_noop_gets_250(smtp: SmtpSession) -> None:
    """It specifies no action other than that the receiver send a "250 OK" reply."""
    ready(smtp)
    reply = smtp.noop()
    assert reply.code == 250, f"sent 'NOOP', expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.9", "SHOULD")
def test_noop_parameter_is_ignored(smtp: SmtpSession) -> None:
    """If a parameter string is specified, servers SHOULD ignore it."""
    ready(smtp)
    reply = smtp.command("NOOP some parameter string")
    assert reply.code == 250, f"sent 'NOOP some parameter string', expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "4.1.1.9",
    "MUST",
    basis=(
        "§4.1.1.9 defines NOOP as having no effect on the reverse-path, forward-path or "
        "mail data buffer, and allows it at any time."
    ),
)
def test_noop_keeps_the_transaction(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """This command has no effect on the reverse-path buffer, the forward-path buffer, or
    the mail data buffer, and it may be issued at any time."""
    begin_transaction(smtp, sender)
    reply = smtp.noop()
    assert reply.code == 250, f"sent MAIL then 'NOOP', expected 250, got {reply}"
    reply = smtp.rcpt(recipient.address)
    assert reply.code in (250, 251), (
        f"sent MAIL, NOOP, then 'RCPT TO:<{recipient.address}>', expected 250 (the "
        f"sender kept), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.1.10", "MUST")
def test_quit_gets_221(smtp: SmtpSession) -> None:
    """This command specifies that the receiver MUST send a "221 OK" reply, and then close
    the transmission channel."""
    ready(smtp)
    reply = smtp.quit()
    assert reply.code == 221, f"sent 'QUIT', expected 221, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.10", "MUST")
def test_quit_closes_the_connection(smtp: SmtpSession) -> None:
    """This command specifies that the receiver MUST send a "221 OK" reply, and then close
    the transmission channel."""
    ready(smtp)
    reply = smtp.quit()
    assert reply.code == 221, f"sent 'QUIT', expected 221, got {reply}"
    assert smtp.expect_closed(), (
        f"sent 'QUIT', got {reply}, expected the server to close the connection, it stayed open"
    )


@pytest.mark.rfc(5321, "4.1.1.10", "MUST")
def test_quit_before_ehlo_gets_221(smtp: SmtpSession) -> None:
    """This command specifies that the receiver MUST send a "221 OK" reply, and then close
    the transmission channel.  The QUIT command may be issued at any time."""
    reply = smtp.quit()
    assert reply.code == 221, f"sent 'QUIT' right after the greeting, expected 221, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.10", "MUST")
def test_quit_in_a_transaction_gets_221(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """This command specifies that the receiver MUST send a "221 OK" reply, and then close
    the transmission channel.  The QUIT command may be issued at any time.  Any current
    uncompleted mail transaction will be aborted."""
    recipients_ready(smtp, sender, recipient)
    reply = smtp.quit()
    assert reply.code == 221, f"sent MAIL, RCPT then 'QUIT', expected 221, got {reply}"


@pytest.mark.rfc(5321, "4.1.1.10", "MUST")
def test_no_close_after_an_error(smtp: SmtpSession) -> None:
    """The receiver MUST NOT intentionally close the transmission channel until it receives
    and replies to a QUIT command (even if there was an error)."""
    ready(smtp)
    error = smtp.command("FOOBAR")
    assert error.severity == 5, f"sent 'FOOBAR', expected a 5yz reply, got {error}"
    reply = smtp.noop()
    assert reply.code == 250, (
        f"sent FOOBAR ({error.code}) then NOOP, expected 250 on the same connection, got {reply}"
    )
