"""RFC 5321 §2.4, §3.3, §4.1.1.2-4.1.1.4, §4.5.1: MAIL, RCPT and DATA."""

from __future__ import annotations

import pytest

from conformance import Account, Mailbox, Readback, SmtpSession

from ._rfc5321 import (
    abandon_mail_data,
    begin_transaction,
    deliver,
    make_message,
    new_marker,
    ready,
    recipients_ready,
)


@pytest.mark.rfc(
    5321,
    "3.3",
    "MUST",
    basis=(
        "§3.3 defines '250 OK' as the reply to an accepted MAIL and §4.3.2 lists 250 as "
        "its only success reply; the sender is a profile account the target accepts."
    ),
)
def test_mail_is_accepted_with_250(smtp: SmtpSession, sender: Mailbox) -> None:
    """If accepted, the SMTP server returns a "250 OK" reply."""
    ready(smtp)
    reply = smtp.mail(sender.address)
    assert reply.code == 250, f"sent 'MAIL FROM:<{sender.address}>', expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "4.1.1.2",
    "MUST",
    basis=(
        "The MAIL syntax (§4.1.2: Reverse-path = Path / '<>') allows a null reverse-path,"
        " and §3.6.3 and §6.1 say notifications MUST be sent with one: a server refusing "
        "MAIL FROM:<> cannot receive the notifications the RFC requires."
    ),
)
def test_null_reverse_path_is_accepted(smtp: SmtpSession) -> None:
    """In some types of reporting messages for which a reply is likely to cause a mail loop
    (for example, mail delivery and non-delivery notifications), the reverse-path may be
    null (see Section 3.6).

    §6.1: notifications "MUST be sent using a null ("<>") reverse-path".
    """
    ready(smtp)
    reply = smtp.command("MAIL FROM:<>")
    assert reply.code == 250, f"sent 'MAIL FROM:<>', expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "2.4",
    "MUST",
    basis=(
        "'mail from:' is a verb and an argument value: §2.4 defines verbs and argument "
        "values as not case sensitive and calls servers that require upper-case verbs 'in"
        " violation of this specification' (and of RFC 821)."
    ),
)
def test_mail_verb_and_from_are_case_insensitive(smtp: SmtpSession, sender: Mailbox) -> None:
    """Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and extension
    name keywords) are not case sensitive, with the sole exception in this specification
    of a mailbox local-part (SMTP Extensions may explicitly specify case-sensitive
    elements)."""
    ready(smtp)
    line = f"mail from:<{sender.address}>"
    reply = smtp.command(line)
    assert reply.code == 250, f"sent {line!r}, expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "2.4",
    "MUST",
    basis=(
        "'Rcpt To:' is a verb and an argument value: §2.4 defines verbs and argument "
        "values as not case sensitive and calls servers that require upper-case verbs 'in"
        " violation of this specification' (and of RFC 821)."
    ),
)
def test_rcpt_verb_and_to_are_case_insensitive(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and extension
    name keywords) are not case sensitive, with the sole exception in this specification
    of a mailbox local-part (SMTP Extensions may explicitly specify case-sensitive
    elements)."""
    begin_transaction(smtp, sender)
    line = f"Rcpt To:<{recipient.address}>"
    reply = smtp.command(line)
    assert reply.code in (250, 251), f"sent {line!r}, expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "3.3",
    "MUST",
    basis=(
        "§3.3 defines '250 OK' as the reply to an accepted RCPT, and §4.3.2 lists 250 and"
        " 251 as its success replies; the recipient is a profile account the target "
        "accepts."
    ),
)
def test_rcpt_is_accepted_with_250(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """If accepted, the SMTP server returns a "250 OK" reply and stores the forward-path.

    251 (§3.4, will forward) is the other positive reply listed for RCPT in §4.3.2.
    """
    begin_transaction(smtp, sender)
    reply = smtp.rcpt(recipient.address)
    assert reply.code in (250, 251), (
        f"sent 'RCPT TO:<{recipient.address}>', expected 250, got {reply}"
    )


@pytest.mark.rfc(5321, "4.5.1", "MUST")
def test_postmaster_without_domain_is_accepted(smtp: SmtpSession, sender: Mailbox) -> None:
    """The requirement to accept mail for postmaster implies that RCPT commands that
    specify a mailbox for postmaster at any of the domains for which the SMTP server
    provides mail service, as well as the special case of "RCPT TO:<Postmaster>" (with no
    domain specification), MUST be supported."""
    begin_transaction(smtp, sender)
    reply = smtp.command("RCPT TO:<Postmaster>")
    assert reply.code in (250, 251), f"sent 'RCPT TO:<Postmaster>', expected 250, got {reply}"


@pytest.mark.rfc(5321, "4.5.1", "MUST")
def test_postmaster_is_case_insensitive(
    smtp: SmtpSession, sender: Mailbox, mail_domain: str
) -> None:
    """Any system that includes an SMTP server supporting mail relaying or delivery MUST
    support the reserved mailbox "postmaster" as a case-insensitive local name."""
    domain = mail_domain
    begin_transaction(smtp, sender)
    line = f"RCPT TO:<pOsTmAsTeR@{domain}>"
    reply = smtp.command(line)
    assert reply.code in (250, 251), f"sent {line!r}, expected 250, got {reply}"


@pytest.mark.rfc(
    5321,
    "3.3",
    "MUST",
    basis=(
        "§3.3 defines 354 as the reply to an accepted DATA, and §4.3.2 lists it as the "
        "only intermediate reply to DATA; message data MUST NOT be sent without it."
    ),
)
def test_data_gets_354(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """If accepted, the SMTP server returns a 354 Intermediate reply and considers all
    succeeding lines up to but not including the end of mail data indicator to be the
    message text."""
    recipients_ready(smtp, sender, recipient)
    reply = smtp.command("DATA")
    if reply.code == 354:
        abandon_mail_data(smtp)
    assert reply.code == 354, f"sent MAIL, RCPT then DATA, expected 354, got {reply}"


@pytest.mark.delivers
@pytest.mark.rfc(5321, "4.1.1.4", "MUST")
def test_accepted_message_is_delivered_unchanged(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """If the processing is successful, the receiver MUST send an OK reply.

    The message is then read back: it must arrive with its header and body as sent (the
    server adds its trace fields above them).
    """
    marker = new_marker()
    message = make_message(accounts[0], accounts[1], marker)
    deliver(smtp, accounts[0], accounts[1], message.data)
    stored = readback.wait_for(accounts[1].address, marker)
    expected = message.data
    assert stored.endswith(expected), (
        f"delivered {message.data!r}, expected the stored message to end with it, got {stored!r}"
    )


@pytest.mark.delivers
@pytest.mark.rfc(
    5321,
    "3.3",
    "MUST",
    basis=(
        "§3.3 lets a transaction name several recipients; after 250 to the data the "
        "server has accepted responsibility for delivering to each (§4.2.5), and §6.1 "
        "says it MUST NOT lose the message for frivolous reasons."
    ),
)
def test_message_reaches_every_recipient(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """This step of the procedure can be repeated any number of times."""
    sender, first, second = accounts[0], accounts[0], accounts[1]
    marker = new_marker()
    message = make_message(sender, second, marker)
    recipients_ready(smtp, sender, first, second)
    reply = smtp.data(message.data)
    assert reply.code == 250, f"sent a message to two recipients, expected 250, got {reply}"
    for recipient in (first, second):
        stored = readback.wait_for(recipient.address, marker)
        assert stored.endswith(message.data), (
            f"delivered to {first.address} and {second.address}, expected {recipient.address} "
            f"to get {message.data!r}, got {stored!r}"
        )


@pytest.mark.delivers
@pytest.mark.rfc(
    5321,
    "4.1.1.4",
    "MUST",
    basis=(
        "§4.1.1.4 defines the end of DATA as clearing the reverse-path, forward-path and "
        "mail data buffers; a recipient left over would receive the next message."
    ),
)
def test_buffers_cleared_after_a_transaction(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """This processing consumes the information in the reverse-path buffer, the
    forward-path buffer, and the mail data buffer, and on the completion of this command
    these buffers are cleared.

    A second MAIL in the same session is accepted, and DATA without a new RCPT is refused:
    the first transaction's recipient is gone.
    """
    marker = new_marker()
    deliver(smtp, accounts[0], accounts[1], make_message(accounts[0], accounts[1], marker).data)
    reply = smtp.mail(accounts[0].address)
    assert reply.code == 250, (
        f"sent a second 'MAIL FROM:' after a delivery, expected 250, got {reply}"
    )
    reply = smtp.command("DATA")
    assert reply.code in (503, 554), (
        f"sent a delivery, MAIL, then DATA without RCPT, expected 503 or 554, got {reply}"
    )
    readback.wait_for(accounts[1].address, marker)


@pytest.mark.delivers
@pytest.mark.rfc(
    5321,
    "4.1.1.4",
    "MUST",
    basis=(
        "§4.1.1.4 defines the end of mail data as requiring the server to process the "
        "stored transaction, and §4.1.4 allows zero or more transactions in a session."
    ),
)
def test_two_messages_in_one_session(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """Receipt of the end of mail data indication requires the server to process the stored
    mail transaction information.

    Each of two transactions in one session delivers its own message, unchanged.
    """
    sender, recipient = accounts[0], accounts[1]
    first, second = new_marker(), new_marker()
    messages = {m: make_message(sender, recipient, m).data for m in (first, second)}
    deliver(smtp, sender, recipient, messages[first])
    for command in (f"MAIL FROM:<{sender.address}>", f"RCPT TO:<{recipient.address}>"):
        reply = smtp.command(command)
        assert reply.code in (250, 251), f"sent {command!r} after a delivery, got {reply}"
    reply = smtp.data(messages[second])
    assert reply.code == 250, f"sent a second message in one session, expected 250, got {reply}"
    for marker, data in messages.items():
        stored = readback.wait_for(recipient.address, marker)
        assert stored.endswith(data), (
            f"delivered two messages in one session, expected {data!r}, got {stored!r}"
        )
