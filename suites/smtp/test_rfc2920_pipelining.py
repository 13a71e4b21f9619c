"""RFC 2920: SMTP Service Extension for Command Pipelining (server side, §3.2)."""

from __future__ import annotations

import pytest

from conformance import Account, Content, Mailbox, Readback, SmtpSession
from reference_impl.smtp import Reply

from ._extensions import (
    assert_delivered_intact,
    build_message,
    mail_ready,
    new_marker,
    shown,
)

pytestmark = pytest.mark.requires("PIPELINING")


def _codes(replies: list[Reply]) -> list[int]:
    return [reply.code for reply in replies]


def _group(smtp: SmtpSession, commands: tuple[str, ...], *, timeout: float = 3) -> list[Reply]:
    """Send ``commands`` in one write; read one reply per command (fewer on timeout)."""
    return smtp.pipeline(*commands, timeout=timeout)


@pytest.mark.rfc(
    2920,
    "2",
    "MUST",
    basis=(
        "The extension is defined (§2 item 3) with no parameter to PIPELINING; RFC 2920 "
        "states its framework items as definitions, without keywords."
    ),
)
def test_ehlo_keyword_has_no_parameter(smtp: SmtpSession) -> None:
    """no parameter is used with the PIPELINING EHLO keyword;"""
    mail_ready(smtp, "PIPELINING")
    value = smtp.extensions["PIPELINING"]
    assert value == "", f"sent EHLO; expected 'PIPELINING' alone; got 'PIPELINING {value}'"


@pytest.mark.rfc(2920, "3.2", "MUST")
def test_responses_in_command_order(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """MUST respond to commands in the order they are received from the client.

    A group whose second command fails: the failure must be the second reply.
    """
    mail_ready(smtp, "PIPELINING")
    group = (
        f"MAIL FROM:<{sender.address}>",
        "RCPT TO:<no-closing-bracket@example.test",
        f"RCPT TO:<{recipient.address}>",
        "NOOP",
    )
    replies = _group(smtp, group)
    severities = [reply.severity for reply in replies]
    assert severities == [2, 5, 2, 2], (
        f"sent in one group {list(group)}; expected 250, 5xx (syntax error), 250, 250 in "
        f"that order; got {shown(replies, smtp)}"
    )


@pytest.mark.rfc(2920, "3.2", "MUST")
def test_pending_responses_sent_when_input_drained(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """MUST send all pending responses immediately whenever the local TCP input buffer is
    emptied.

    The group ends with RCPT (not a synchronising command); both replies must arrive
    without the client sending anything more.
    """
    mail_ready(smtp, "PIPELINING")
    group = (f"MAIL FROM:<{sender.address}>", f"RCPT TO:<{recipient.address}>")
    replies = _group(smtp, group)
    assert len(replies) == 2, (
        f"sent in one group {list(group)} and then waited; expected two replies; got "
        f"{shown(replies, smtp)} within 3 s"
    )


@pytest.mark.rfc(2920, "3.2", "MUST")
def test_input_kept_after_failed_command(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """MUST NOT flush or otherwise lose the contents of the TCP input buffer under any
    circumstances whatsoever.

    The first command of the group fails; the three after it must still be answered.
    """
    mail_ready(smtp, "PIPELINING")
    group = (
        f"MAIL FROM:<{sender.address}> X-CONFORMANCE-UNKNOWN=1",
        f"MAIL FROM:<{sender.address}>",
        f"RCPT TO:<{recipient.address}>",
        "NOOP",
    )
    replies = _group(smtp, group)
    assert [reply.severity for reply in replies] == [5, 2, 2, 2], (
        f"sent in one group {list(group)}; expected 5xx, 250, 250, 250; got {shown(replies, smtp)}"
    )


@pytest.mark.rfc(2920, "3.2", "MUST")
@pytest.mark.delivers
def test_commands_after_message_in_same_group(
    smtp: SmtpSession, accounts: tuple[Account, ...], readback: Readback
) -> None:
    """MUST NOT flush or otherwise lose the contents of the TCP input buffer under any
    circumstances whatsoever.

    §3.1 lets the message content be the first "command" of a group: the end of data and
    the next transaction's commands arrive in one write, and all are answered.
    """
    mail_ready(smtp, "PIPELINING")
    sender, recipient = accounts[0], accounts[1]
    marker = new_marker()
    content = build_message(sender, recipient, marker)
    opening = _group(
        smtp, (f"MAIL FROM:<{sender.address}>", f"RCPT TO:<{recipient.address}>", "DATA")
    )
    assert _codes(opening) == [250, 250, 354], (
        f"sent MAIL, RCPT, DATA in one group; expected 250, 250, 354; got {shown(opening, smtp)}"
    )
    replies = smtp.pipeline(
        Content(content),
        f"MAIL FROM:<{sender.address}>",
        f"RCPT TO:<{recipient.address}>",
        "NOOP",
        timeout=3,
    )
    assert _codes(replies) == [250, 250, 250, 250], (
        "sent the message, its terminator, MAIL, RCPT and NOOP in one write; expected four "
        f"250 replies; got {shown(replies, smtp)}"
    )
    assert_delivered_intact(readback.wait_for(recipient.address, marker), content)


@pytest.mark.rfc(2920, "3.2", "SHOULD")
def test_data_refused_without_valid_recipient(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox
) -> None:
    """SHOULD issue a positive response to the DATA command if and only if one or more
    valid RCPT TO addresses have been previously received."""
    mail_ready(smtp, "PIPELINING")
    group = (f"MAIL FROM:<{sender.address}>", "RCPT TO:<no-closing-bracket@example", "DATA")
    replies = _group(smtp, group)
    data = replies[-1] if len(replies) == 3 else None
    if data is not None and data.code == 354:
        # End the empty message; §3.2 (4) forbids sending it anywhere.
        smtp.pipeline(Content(b""))
    assert data is not None and data.severity in (4, 5), (
        f"sent in one group {list(group)} (no valid recipient); expected DATA refused "
        "(4yz or 5yz, e.g. 503 or 554); "
        f"got {shown(replies, smtp)}"
    )
