"""RFC 5321 §3.5, §4.1.1.6-4.1.1.8: VRFY, EXPN and HELP.

Servers may decline to disclose addresses (§7.3): 252 and 502 are legitimate answers, so
the content checks apply only when the server does answer 250.
"""

from __future__ import annotations

import re

import pytest

from conformance import Account, SmtpSession

from ._rfc5321 import begin_transaction, ready, unknown_address

_MAILBOX = re.compile(r"[^\s<>@]+@[^\s<>@]+")
_BRACKETED = re.compile(r"<[^\s<>@]+@[^\s<>@]+>")


@pytest.mark.rfc(5321, "3.5.1", "MUST")
def test_vrfy_250_includes_the_mailbox(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If a normal (i.e., 250) response is returned, the response MAY include the full name
    of the user and MUST include the mailbox of the user."""
    ready(smtp)
    line = f"VRFY {accounts[0].user}"
    reply = smtp.command(line)
    if reply.code != 250:
        pytest.skip(f"the target does not verify with 250 ({line!r}: {reply})")
    assert _MAILBOX.search(reply.text), (
        f"sent {line!r}, expected a 250 naming local-part@domain, got {reply}"
    )


@pytest.mark.rfc(5321, "3.5.2", "SHOULD")
def test_vrfy_250_address_in_angle_brackets(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """In order to facilitate parsing by both computers and people, addresses SHOULD appear
    in pointed brackets."""
    ready(smtp)
    line = f"VRFY {accounts[0].address}"
    reply = smtp.command(line)
    if reply.code != 250:
        pytest.skip(f"the target does not verify with 250 ({line!r}: {reply})")
    assert _BRACKETED.search(reply.text), (
        f"sent {line!r}, expected '<local-part@domain>' in the 250 reply, got {reply}"
    )


@pytest.mark.rfc(5321, "3.5", "SHOULD")
def test_vrfy_accepts_an_address(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """However, since current Internet practice often results in a single host handling
    mail for multiple domains, hosts, especially hosts that provide this functionality,
    SHOULD accept the "local-part@domain" form as a "user name"; hosts MAY also choose to
    recognize other strings as "user names"."""
    ready(smtp)
    line = f"VRFY {accounts[0].address}"
    reply = smtp.command(line)
    assert reply.code in (250, 251, 252, 551, 553), (
        f"sent {line!r}, expected it verified (250, 251, 252; or 551, 553), got {reply}"
    )


@pytest.mark.rfc(5321, "3.5.3", "MUST")
def test_vrfy_unknown_user_is_not_250(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it
    has actually verified the address."""
    ready(smtp)
    line = f"VRFY {unknown_address(accounts)}"
    reply = smtp.command(line)
    assert reply.code != 250, f"sent {line!r} (no such user), expected no 250, got {reply}"


@pytest.mark.rfc(5321, "3.5.3", "MUST")
def test_expn_unknown_list_is_not_250(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it
    has actually verified the address."""
    ready(smtp)
    line = f"EXPN {unknown_address(accounts)}"
    reply = smtp.command(line)
    assert reply.code != 250, f"sent {line!r} (no such list), expected no 250, got {reply}"


@pytest.mark.rfc(5321, "3.5.2", "MUST")
def test_expn_supported_is_advertised(smtp: SmtpSession) -> None:
    """Since they were both optional in RFC 821, but VRFY was made mandatory in RFC 1123
    [3], if EXPN is supported, it MUST be listed as a service extension in an EHLO
    response."""
    ready(smtp)
    reply = smtp.command("EXPN postmaster")
    if reply.code in (500, 502):
        pytest.skip(f"the target does not support EXPN ({reply})")
    assert "EXPN" in smtp.extensions, (
        f"sent 'EXPN postmaster', got {reply} (EXPN supported), expected EXPN in the EHLO "
        f"keywords, got {sorted(smtp.extensions)}"
    )


@pytest.mark.rfc(5321, "3.5.1", "MUST")
def test_expn_250_gives_mailboxes(smtp: SmtpSession) -> None:
    """For the EXPN command, the string identifies a mailing list, and the successful
    (i.e., 250) multiline response MAY include the full name of the users and MUST give the
    mailboxes on the mailing list."""
    ready(smtp)
    reply = smtp.command("EXPN postmaster")
    if reply.code != 250:
        pytest.skip(f"the target does not expand with 250 ('EXPN postmaster': {reply})")
    bare = [line for line in reply.lines if not _MAILBOX.search(line.decode("utf-8", "replace"))]
    assert not bare, f"sent 'EXPN postmaster', expected a mailbox on every line, got {reply}"


@pytest.mark.parametrize("command", ["VRFY postmaster", "EXPN postmaster", "HELP"])
@pytest.mark.rfc(
    5321,
    "4.1.1.6",
    "MUST",
    basis=(
        "§4.1.1.6, §4.1.1.7 and §4.1.1.8 define VRFY, EXPN and HELP as having no effect "
        "on the reverse-path, forward-path or mail data buffer."
    ),
)
def test_command_keeps_the_transaction(
    smtp: SmtpSession, accounts: tuple[Account, ...], command: str
) -> None:
    """This command has no effect on the reverse-path buffer, the forward-path buffer, or
    the mail data buffer.

    §4.1.1.7 and §4.1.1.8 say the same of EXPN and HELP.
    """
    begin_transaction(smtp, accounts[0])
    smtp.command(command)
    reply = smtp.rcpt(accounts[1].address)
    assert reply.code in (250, 251), (
        f"sent MAIL, {command!r}, then 'RCPT TO:<{accounts[1].address}>', expected 250 "
        f"(the sender kept), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.1.8", "SHOULD")
def test_help_without_argument(smtp: SmtpSession) -> None:
    """SMTP servers SHOULD support HELP without arguments and MAY support it with
    arguments."""
    ready(smtp)
    reply = smtp.command("HELP")
    assert reply.code in (211, 214), f"sent 'HELP', expected 211 or 214, got {reply}"
