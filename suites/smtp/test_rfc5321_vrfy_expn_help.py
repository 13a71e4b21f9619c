"""RFC 5321 §3.5, §4.1.1.6-4.1.1.8: VRFY, EXPN and HELP.

Servers may decline to disclose addresses (§7.3): 252 and 502 are legitimate answers, so
the content checks apply only when the server does answer 250.
"""

from __future__ import annotations

import re

import pytest

from conformance import Account, Mailbox, SmtpSession
from reference_impl.smtp import Reply

from ._rfc5321 import begin_transaction, ready

_MAILBOX = re.compile(r"[^\s<>@]+@[^\s<>@]+")
_BRACKETED = re.compile(r"<[^\s<>@]+@[^\s<>@]+>")
# §3.5.3 forbids only 250 without verification: what else may answer an unknown name is
# 251/252 (VRFY) or 252 (EXPN), or any refusal, transient or permanent, with a real reply
# code.  §4.3.2 lists 550, 551, 553, 502, 504 and the codes any command may get (500,
# 501, 421, 530); servers also refuse by policy with others (Postfix: "554 5.7.1 Relay
# access denied" for a domain it does not serve), and that verifies nothing either.
_REFUSALS = frozenset(range(400, 460)) | frozenset(range(500, 560))
_VRFY_NOT_VERIFIED = frozenset({251, 252}) | _REFUSALS
_EXPN_NOT_VERIFIED = frozenset({252}) | _REFUSALS

# Codes that read as a verification result (§7.3): success (250, 251) or failure
# (550, 551, 553).
_VERIFICATION_CODES = frozenset({250, 251, 550, 551, 553})
# RFC 3463 §3.8: X.7.Y is "Security or Policy Status".
_POLICY_TEXT = re.compile(r"(?i)\bdisabled\b|prohibit|not (?:allowed|permitted)|\bpolicy\b")


def _refused_for_policy(reply: Reply) -> bool:
    """The reply says the command is refused for security or policy reasons."""
    status = reply.enhanced_code or ""
    return status[2:4] == "7." or bool(_POLICY_TEXT.search(reply.text))


def _shown(replies: list[Reply]) -> str:
    return repr([str(reply) for reply in replies])


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
def test_vrfy_250_address_in_angle_brackets(smtp: SmtpSession, recipient: Mailbox) -> None:
    """In order to facilitate parsing by both computers and people, addresses SHOULD appear
    in pointed brackets."""
    ready(smtp)
    line = f"VRFY {recipient.address}"
    reply = smtp.command(line)
    if reply.code != 250:
        pytest.skip(f"the target does not verify with 250 ({line!r}: {reply})")
    assert _BRACKETED.search(reply.text), (
        f"sent {line!r}, expected '<local-part@domain>' in the 250 reply, got {reply}"
    )


@pytest.mark.rfc(5321, "3.5", "SHOULD")
def test_vrfy_accepts_an_address(smtp: SmtpSession, mail_domain: str) -> None:
    """However, since current Internet practice often results in a single host handling
    mail for multiple domains, hosts, especially hosts that provide this functionality,
    SHOULD accept the "local-part@domain" form as a "user name"; hosts MAY also choose to
    recognize other strings as "user names"."""
    ready(smtp)
    line = f"VRFY postmaster@{mail_domain}"  # §4.5.1: exists at every domain
    reply = smtp.command(line)
    assert reply.code in (250, 251, 252, 551, 553), (
        f"sent {line!r}, expected it verified (250, 251, 252; or 551, 553), got {reply}"
    )


@pytest.mark.rfc(5321, "3.5.3", "MUST")
def test_vrfy_unknown_user_is_not_250(smtp: SmtpSession, unknown_recipient: Mailbox) -> None:
    """A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it
    has actually verified the address."""
    ready(smtp)
    line = f"VRFY {unknown_recipient.address}"
    reply = smtp.command(line)
    assert reply.code in _VRFY_NOT_VERIFIED, (
        f"sent {line!r} (no such user), expected 251, 252 or a refusal (4yz/5yz), "
        f"not 250, got {reply}"
    )


@pytest.mark.rfc(5321, "3.5.3", "MUST")
def test_expn_unknown_list_is_not_250(smtp: SmtpSession, unknown_recipient: Mailbox) -> None:
    """A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it
    has actually verified the address."""
    ready(smtp)
    line = f"EXPN {unknown_recipient.address}"
    reply = smtp.command(line)
    assert reply.code in _EXPN_NOT_VERIFIED, (
        f"sent {line!r} (no such list), expected 252 or a refusal (4yz/5yz), not 250, got {reply}"
    )


@pytest.mark.rfc(5321, "3.5.2", "MUST")
def test_expn_supported_is_advertised(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """Since they were both optional in RFC 821, but VRFY was made mandatory in RFC 1123
    [3], if EXPN is supported, it MUST be listed as a service extension in an EHLO
    response.

    Only an expansion (250) shows EXPN supported: 502 is "not implemented", 252 is the
    answer of a site that disabled it (§7.3), and 550 may be a refusal of the name
    ("That is a user name, not a mailing list", §3.5.1) or of the command.
    """
    ready(smtp)
    lines = ["EXPN postmaster", f"EXPN {accounts[0].address}"]
    replies = [smtp.command(line) for line in lines]
    if all(reply.code != 250 for reply in replies):
        pytest.skip(f"EXPN expanded nothing, so it is not shown supported: {_shown(replies)}")
    assert "EXPN" in smtp.extensions, (
        f"sent {lines}, got {_shown(replies)} (an expansion: EXPN supported), expected EXPN "
        f"in the EHLO keywords, got {sorted(smtp.extensions)}"
    )


@pytest.mark.parametrize("verb", ["VRFY", "EXPN"])
@pytest.mark.rfc(5321, "7.3", "MUST")
def test_disabled_command_answers_252(
    smtp: SmtpSession, recipient: Mailbox, unknown_recipient: Mailbox, verb: str
) -> None:
    """If a site disables these commands for security reasons, the SMTP server MUST return
    a 252 response, rather than a code that could be confused with successful or
    unsuccessful verification.

    The wire shows a command disabled when its answer does not depend on the name: one
    code for a mailbox that exists (postmaster or the profile's account: its local part
    and its address) and for a name that does not exist.  That code must be 252.
    500 / 502 / 504 (not implemented; EXPN is optional, §4.5.1) and 530 (AUTH first:
    §7.3 lets sites keep the commands for "authenticated requestors") are not
    verification answers, unless the reply says it refuses for policy (status X.7.Y,
    RFC 3463 §3.8, or words such as "disabled").  A uniform 250/251/550/551/553 fails
    for VRFY (the mailbox does exist); for EXPN a 550 may mean "That is a user name, not
    a mailing list" (§3.5.1), so it fails only when the reply says it refuses for policy.
    """
    ready(smtp)
    local_part = recipient.address.rpartition("@")[0] or recipient.address
    lines = [f"{verb} {local_part}", f"{verb} {recipient.address}"]
    lines.append(f"{verb} {unknown_recipient.address}")
    replies = [smtp.command(line) for line in lines]
    codes = {reply.code for reply in replies}
    if len(codes) > 1:
        pytest.skip(f"{verb} answers by name, so it is not disabled: {_shown(replies)}")
    reply = replies[-1]
    sent = f"{lines} (the first two name an existing mailbox)"
    if reply.code == 252 or reply.code == 530:
        return
    policy = any(_refused_for_policy(each) for each in replies)
    if reply.code in (500, 502, 504):
        assert not policy, (
            f"sent {sent}, got {_shown(replies)}: the command is disabled by policy; expected 252"
        )
        return
    if verb == "EXPN" and reply.code in _VERIFICATION_CODES and not policy:
        pytest.skip(
            f"EXPN answers {reply.code} to every name, which may mean 'not a mailing list' "
            f"(§3.5.1) rather than disabled: {_shown(replies)}"
        )
    assert reply.code == 252, (
        f"sent {sent}, got the same {_shown(replies)} whatever the name: the command is "
        "disabled, expected 252 rather than a code that reads as a verification result"
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
    smtp: SmtpSession, sender: Mailbox, recipient: Mailbox, command: str
) -> None:
    """This command has no effect on the reverse-path buffer, the forward-path buffer, or
    the mail data buffer.

    §4.1.1.7 and §4.1.1.8 say the same of EXPN and HELP.
    """
    begin_transaction(smtp, sender)
    smtp.command(command)
    reply = smtp.rcpt(recipient.address)
    assert reply.code in (250, 251), (
        f"sent MAIL, {command!r}, then 'RCPT TO:<{recipient.address}>', expected 250 "
        f"(the sender kept), got {reply}"
    )


@pytest.mark.rfc(5321, "4.1.1.8", "SHOULD")
def test_help_without_argument(smtp: SmtpSession) -> None:
    """SMTP servers SHOULD support HELP without arguments and MAY support it with
    arguments."""
    ready(smtp)
    reply = smtp.command("HELP")
    assert reply.code in (211, 214), f"sent 'HELP', expected 211 or 214, got {reply}"
