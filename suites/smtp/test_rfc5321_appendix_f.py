"""RFC 5321 Appendix F: what servers must still do with the deprecated features of RFC 821.

Only what can be seen on the wire without mail leaving the target is checked.  Whether a
server that uses a source route sends to its first domain, and never "guesses at
shortcuts" (F.2), shows only in where it relays the message next, so no test here
claims it.
"""

from __future__ import annotations

import pytest

from conformance import Account, SmtpSession
from reference_impl.smtp import Reply

from ._rfc5321 import begin_transaction, helo_ready, ready

# RFC 2606 names: a route through them can never be followed off the machine by accident
# of a real DNS entry.
ROUTES = {
    "one-hop": "@relay.example:",
    "two-hops": "@one.example,@two.example:",
}
# §3.6.1: "SMTP servers MAY decline to act as mail relays or to accept addresses that
# specify source routes", so a policy refusal is fine; a syntax error is not.
SYNTAX_ERRORS = (500, 501)


def _assert_route_accepted(line: str, reply: Reply) -> None:
    assert reply.severity in (2, 4, 5) and reply.code not in SYNTAX_ERRORS, (
        f"sent {line!r}, expected the source route taken as valid syntax (250, or a refusal "
        f"for policy), got {reply}"
    )


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
@pytest.mark.rfc(5321, "F.2", "MUST")
def test_source_route_in_forward_path_is_accepted(
    smtp: SmtpSession, accounts: tuple[Account, ...], route: str
) -> None:
    """SMTP servers MUST continue to accept source route syntax as specified in the main
    body of this document and in RFC 1123.

    §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"; the A-d-l "MUST BE accepted".  The
    server may ignore the route or decline the address (§3.6.1), but not call it a
    syntax error.  Nothing is delivered: the session ends before DATA.
    """
    begin_transaction(smtp, accounts[0])
    line = f"RCPT TO:<{route}{accounts[1].address}>"
    reply = smtp.command(line)
    _assert_route_accepted(line, reply)


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
@pytest.mark.rfc(5321, "F.2", "MUST")
def test_source_route_in_reverse_path_is_accepted(
    smtp: SmtpSession, accounts: tuple[Account, ...], route: str
) -> None:
    """SMTP servers MUST continue to accept source route syntax as specified in the main
    body of this document and in RFC 1123.

    §4.1.2: Reverse-path = Path / "<>", and a Path may carry the route; a server may
    ignore it or refuse the sender for policy, but not call it a syntax error.
    """
    ready(smtp)
    line = f"MAIL FROM:<{route}{accounts[0].address}>"
    reply = smtp.command(line)
    _assert_route_accepted(line, reply)


@pytest.mark.rfc(5321, "F.1", "SHOULD")
def test_turn_is_refused_without_authentication(smtp: SmtpSession) -> None:
    """Its use is deprecated; SMTP systems SHOULD NOT use it unless the server can
    authenticate the client.

    The session has not authenticated (no AUTH, even where the target offers it), so
    TURN must get a 4yz or 5yz reply (502 "not implemented" is the usual one, §4.2.4),
    not the 250 that would hand the connection's mail to whoever asked.
    """
    reply = smtp.establish(authenticate=False)
    assert reply.code == 250, f"sent EHLO (and STARTTLS where required), got {reply}"
    reply = smtp.command("TURN")
    assert reply.severity in (4, 5), (
        f"sent TURN without authenticating, expected a refusal (4yz or 5yz), got {reply}"
    )


@pytest.mark.parametrize("verb", ["SEND", "SOML", "SAML"])
@pytest.mark.rfc(5321, "F.6", "MUST")
def test_send_soml_saml_published_if_implemented(
    smtp: SmtpSession, accounts: tuple[Account, ...], verb: str
) -> None:
    """If they are implemented by servers, the implementation model specified in RFC 821
    MUST be used and the command names MUST be published in the response to the EHLO
    command.

    RFC 821 §4.1.2: SEND, SOML and SAML take "FROM:<reverse-path>" like MAIL.  Refused
    (500 or 502: not implemented) is fine; taken with a 2yz or 3yz reply, the verb must
    be one of the EHLO keywords.
    """
    ready(smtp)
    line = f"{verb} FROM:<{accounts[0].address}>"
    reply = smtp.command(line)
    if reply.severity in (4, 5):
        return
    assert verb in smtp.extensions, (
        f"sent {line!r}, got {reply}: the command is implemented, expected {verb} among "
        f"the EHLO keywords {sorted(smtp.extensions)}"
    )


@pytest.mark.rfc(5321, "F.3", "MUST")
def test_helo_session_can_start_a_transaction(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """Servers MUST continue to accept and process HELO in order to support older
    clients.

    Processed: after HELO, MAIL and RCPT of the profile's accounts are taken as after
    EHLO (250; 251 for RCPT, §3.4); the transaction ends with RSET, nothing delivered.
    """
    reply = helo_ready(smtp, for_mail=True)
    assert reply.code == 250, f"sent 'HELO conformance.test', expected 250, got {reply}"
    reply = smtp.mail(accounts[0].address)
    assert reply.code == 250, (
        f"sent HELO then 'MAIL FROM:<{accounts[0].address}>', expected 250, got {reply}"
    )
    reply = smtp.rcpt(accounts[1].address)
    assert reply.code in (250, 251), (
        f"sent HELO, MAIL then 'RCPT TO:<{accounts[1].address}>', expected 250 or 251, got {reply}"
    )
    reply = smtp.rset()
    assert reply.code == 250, f"sent RSET after HELO, MAIL and RCPT, expected 250, got {reply}"
