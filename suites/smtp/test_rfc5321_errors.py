"""RFC 5321 §2.3.8, §4.1.4, §4.2.4, §4.3.2, §4.5.1: 500, 501 and 502 replies."""

from __future__ import annotations

import pytest

from conformance import Mailbox, SmtpSession

from ._rfc5321 import (
    abandon_mail_data,
    begin_transaction,
    implemented,
    ready,
    recipients_ready,
)


@pytest.mark.rfc(5321, "4.2.4", "SHOULD")
def test_unrecognized_command_gets_500(smtp: SmtpSession) -> None:
    """If the command is not recognized, code 500 SHOULD be returned."""
    ready(smtp)
    reply = smtp.command("FOOBAR")
    assert reply.code == 500, f"sent 'FOOBAR', expected 500, got {reply}"


@pytest.mark.rfc(5321, "4.2.4", "SHOULD")
def test_unrecognized_private_command_gets_500(smtp: SmtpSession) -> None:
    """An SMTP server that does not recognize such a command is expected to reply with "500
    Command not recognized" (§4.1.5).  If the command is not recognized, code 500 SHOULD be
    returned (§4.2.4)."""
    ready(smtp)
    reply = smtp.command("XCONFORMANCETEST")
    assert reply.code == 500, f"sent 'XCONFORMANCETEST', expected 500, got {reply}"


def _open_for(smtp: SmtpSession, verb: str, sender: Mailbox, recipient: Mailbox) -> str:
    """Bring the session where ``verb`` is in sequence; return the command line to send."""
    if verb == "HELO":
        return "HELO conformance.test"
    if verb == "EHLO":
        return "EHLO conformance.test"
    if verb == "RCPT":
        begin_transaction(smtp, sender)
        return f"RCPT TO:<{recipient.address}>"
    ready(smtp)
    return {
        "MAIL": f"MAIL FROM:<{sender.address}>",
        "VRFY": "VRFY postmaster",
    }.get(verb, verb)


@pytest.mark.parametrize(
    "verb", ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY"]
)
@pytest.mark.rfc(5321, "4.5.1", "MUST")
def test_required_command_is_implemented(
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, verb: str
) -> None:
    """The following commands MUST be supported to conform to this specification: ... EHLO
    HELO MAIL RCPT DATA RSET NOOP QUIT VRFY

    §4.3.2: "producing a "command not recognized" error in response to the required subset
    of these commands is a violation of this specification."  DATA is sent with no
    transaction open so that no mail is sent; a 503 or 554 still shows it is implemented.
    """
    line = _open_for(smtp, verb, sender, recipient)
    reply = smtp.command(line)
    assert implemented(reply), (
        f"sent {line!r}, expected it recognized and implemented (a 2yz-5yz reply other "
        f"than 500/502), got {reply}"
    )


@pytest.mark.parametrize("command", ["RSET now", "QUIT now"])
@pytest.mark.rfc(5321, "4.3.2", "SHOULD")
def test_argument_to_argumentless_command_gets_501(smtp: SmtpSession, command: str) -> None:
    """In order to provide for future extensions, commands that are specified in this
    document as not accepting arguments (DATA, RSET, QUIT) SHOULD return a 501 message if
    arguments are supplied in the absence of EHLO-advertised extensions."""
    ready(smtp)
    reply = smtp.command(command)
    assert reply.code == 501, f"sent {command!r}, expected 501, got {reply}"


@pytest.mark.rfc(5321, "4.3.2", "SHOULD")
def test_argument_to_data_gets_501(smtp: SmtpSession, sender: Mailbox, recipient: Mailbox) -> None:
    """In order to provide for future extensions, commands that are specified in this
    document as not accepting arguments (DATA, RSET, QUIT) SHOULD return a 501 message if
    arguments are supplied in the absence of EHLO-advertised extensions.

    Sent with a recipient accepted, so that only the argument is wrong; if the server
    answers 354 anyway, the connection is closed before any mail data: nothing is delivered.
    """
    recipients_ready(smtp, sender, recipient)
    reply = smtp.command("DATA now")
    if reply.code == 354:
        abandon_mail_data(smtp)
    assert reply.code == 501, f"sent MAIL, RCPT then 'DATA now', expected 501, got {reply}"


@pytest.mark.rfc(5321, "4.1.4", "MUST")
def test_mail_without_path_gets_501(smtp: SmtpSession) -> None:
    """If the transaction beginning command argument is not acceptable, a 501 failure reply
    MUST be returned and the SMTP server MUST stay in the same state."""
    ready(smtp)
    reply = smtp.command("MAIL FROM:")
    assert reply.code == 501, f"sent 'MAIL FROM:' without a path, expected 501, got {reply}"


@pytest.mark.rfc(5321, "2.3.8", "MUST")
def test_bare_lf_does_not_end_a_command(smtp: SmtpSession) -> None:
    """Conforming implementations MUST NOT recognize or generate any other character or
    character sequence as a line terminator.

    "NOOP<LF>NOOP<CRLF>" is one line: it earns one reply, so the reply after it answers
    the QUIT that follows.
    """
    ready(smtp)
    smtp.send_raw(b"NOOP\nNOOP\r\n", replies=1)
    first = smtp.read_reply()
    reply = smtp.quit()
    assert reply.code == 221, (
        "sent 'NOOP<LF>NOOP<CRLF>' (one line) then QUIT, expected one reply to the line and "
        f"221 to QUIT, got {first} then {reply} (the bare LF ended a command)"
    )
