"""SMTP smuggling probes (RFC 5321 §2.3.8, §4.1.1.4; CVE-2023-51764, -51765, -51766).

A probe is one DATA transaction whose text ends in a look-alike of the end-of-data
sequence, then holds a complete second transaction (MAIL, RCPT, and DATA or BDAT with a
message of its own), and ends with the real <CRLF>.<CRLF>.  A server that reads it right
sees one message: it accepts it (the second transaction is only text) or refuses it, and
answers once.  A server that takes the look-alike for the end of data runs the smuggled
commands, and its replies to them arrive before the 221 to our QUIT.  Those replies are
the evidence, and need no access to the recipient's mailbox: a positive reply to a
smuggled command, above all a second 250 to an end of data (a smuggled message
accepted), is the failure.  Where the mailbox can be read back, the stored message is
checked as well.

Only a real close means "closed": a target that stops answering is a harness error.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance import MailRoute, SmtpSession, TargetClosedConnection
from reference_impl.smtp import Reply

from ._rfc5321 import new_marker, ready

__all__ = ["Probe", "assert_one_message", "pipeline_before_354", "run_probe"]

# The commands of the smuggled transaction, for failure messages.
_SMUGGLED = {
    "DATA": "MAIL, RCPT, DATA and the end of its message",
    "BDAT": "MAIL, RCPT, BDAT ... LAST with its message, and the '.' line after it",
}
# Replies read before giving up on a 221: the one to our data, the longest smuggled
# sequence above and QUIT's, with room for a target that answers a line twice.
_MOST_REPLIES = 8


@dataclass(frozen=True, kw_only=True)
class Probe:
    """One smuggling attempt: ``fake_end`` after the first message's text, the second
    transaction ended by DATA or BDAT (``smuggle_by``), and the first message's header
    lines ended by ``header_line_end`` (a bare LF asks for the "LF mode" some servers
    switch to)."""

    fake_end: bytes
    smuggle_by: str = "DATA"
    header_line_end: bytes = b"\r\n"

    def describe(self) -> str:
        headers = " with LF-ended header lines" if self.header_line_end == b"\n" else ""
        return (
            f"a message{headers} whose text holds {self.fake_end!r} and then MAIL, RCPT and "
            f"{self.smuggle_by} of a second message, ended with <CRLF>.<CRLF>"
        )


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """What the target answered: ``reply`` to our data (None: it closed instead), then
    every reply before the 221 (``after``)."""

    probe: Probe
    outer: bytes
    inner: bytes
    reply: Reply | None
    after: tuple[Reply, ...]

    def smuggled_commands_accepted(self) -> bool:
        """A positive reply after the one to our data answers a smuggled command."""
        return any(reply.code < 400 for reply in self.after)

    def smuggled_message_accepted(self) -> bool:
        """A second 250 to an end of data: after a 354 (DATA), or the third 250 in a row,
        MAIL's, RCPT's and then BDAT ... LAST's."""
        codes = [reply.code for reply in self.after]
        if self.probe.smuggle_by == "BDAT":
            return any(codes[i : i + 3] == [250, 250, 250] for i in range(len(codes)))
        return any(codes[i : i + 2] == [354, 250] for i in range(len(codes)))

    def describe_after(self) -> str:
        codes = ", ".join(str(reply.code) for reply in self.after)
        replies = [str(reply) for reply in self.after]
        return f"{codes} (the smuggled {_SMUGGLED[self.probe.smuggle_by]}: {replies})"


def message(sender: str, recipient: str, marker: bytes, body: bytes, line_end: bytes) -> bytes:
    """A complete RFC 5322 message carrying ``marker``, header lines ended by ``line_end``."""
    header = [
        b"Date: Mon, 01 Jan 2024 00:00:00 +0000",
        b"From: <" + sender.encode() + b">",
        b"To: <" + recipient.encode() + b">",
        b"Subject: SMTP smuggling probe " + marker,
        b"Message-ID: <" + marker + b"@conformance.test>",
    ]
    return line_end.join(header) + line_end + line_end + body


def _open_transaction(smtp: SmtpSession, route: MailRoute) -> None:
    """EHLO (and the target's STARTTLS / AUTH), MAIL and RCPT, each asserted."""
    ready(smtp)
    reply = smtp.mail(route.sender)
    assert reply.code == 250, f"sent 'MAIL FROM:<{route.sender}>', expected 250, got {reply}"
    reply = smtp.rcpt(route.recipient)
    assert reply.code in (250, 251), (
        f"sent 'RCPT TO:<{route.recipient}>', expected 250 or 251, got {reply}"
    )


def _start_data(smtp: SmtpSession) -> None:
    reply = smtp.command("DATA")
    assert reply.code == 354, f"sent DATA after an accepted RCPT, expected 354, got {reply}"


def _smuggled_transaction(route: MailRoute, inner: bytes, smuggle_by: str) -> bytes:
    """The second transaction, as it sits in the first message's text, up to the ".\\r\\n"
    that completes the real end of data."""
    smuggled = message(
        route.sender, route.recipient, inner, b"Smuggled " + inner + b"\r\n", b"\r\n"
    )
    envelope = f"MAIL FROM:<{route.sender}>\r\nRCPT TO:<{route.recipient}>\r\n".encode()
    if smuggle_by == "BDAT":
        return envelope + f"BDAT {len(smuggled)} LAST\r\n".encode() + smuggled + b".\r\n"
    return envelope + b"DATA\r\n" + smuggled + b".\r\n"


def run_probe(smtp: SmtpSession, route: MailRoute, probe: Probe) -> Evidence:
    """Send ``probe`` and QUIT in one write after the 354; collect every reply."""
    outer, inner = new_marker(), new_marker()
    first = message(route.sender, route.recipient, outer, b"Outer " + outer, probe.header_line_end)
    payload = first + probe.fake_end + _smuggled_transaction(route, inner, probe.smuggle_by)
    _open_transaction(smtp, route)
    _start_data(smtp)
    # QUIT in the same write (RFC 2920 §3.1 lets it follow the message content): nothing
    # is sent after a reply, so a target that closes cannot make us lose replies to it.
    try:
        # One reply to the data, 221 to QUIT, from a target that finds one end of data.
        smtp.send_raw(payload + b"QUIT\r\n", replies=2)
    except TargetClosedConnection:  # closed before taking it: nothing was accepted
        return Evidence(probe=probe, outer=outer, inner=inner, reply=None, after=())
    replies = _replies_until_221(smtp)
    reply = replies[0] if replies else None
    return Evidence(probe=probe, outer=outer, inner=inner, reply=reply, after=replies[1:])


def _replies_until_221(smtp: SmtpSession) -> tuple[Reply, ...]:
    """The replies before a 221 (to our QUIT, or the target's own goodbye), or before the
    target closes; a target that stops answering is a harness error, never "closed"."""
    replies: list[Reply] = []
    while len(replies) < _MOST_REPLIES:
        try:
            reply = smtp.read_reply()
        except TargetClosedConnection:
            break
        if reply.code == 221:
            break
        replies.append(reply)
    return tuple(replies)


def assert_one_message(evidence: Evidence, route: MailRoute) -> None:
    """Exactly one message accepted, or the whole data refused; never a second one."""
    sent = evidence.probe.describe()
    fake = evidence.probe.fake_end
    if evidence.smuggled_message_accepted():
        verdict = "accepted the smuggled message (a second 250 to an end of data)"
    else:
        verdict = "executed the smuggled commands"
    assert not evidence.smuggled_commands_accepted(), (
        f"sent {sent}, then QUIT; expected one reply to the data and then 221; got "
        f"{evidence.reply} to the data, then {evidence.describe_after()}: the target took "
        f"{fake!r} for the end of mail data and {verdict}; {route.how_judged}"
    )
    readback = route.readback
    if readback is None or evidence.reply is None or evidence.reply.code != 250:
        return
    stored = readback.wait_for(route.recipient, evidence.outer)
    assert evidence.inner in stored and b"MAIL FROM:" in stored, (
        f"sent {sent}, got {evidence.reply}; expected the accepted message to hold the "
        f"smuggled commands as text, got {stored!r}: the target ended the data at {fake!r}"
    )
    # Newest first: a separate smuggled message would be found before the outer one.
    found = readback.find(route.recipient, evidence.inner)
    assert found is None or evidence.outer in found, (
        f"sent {sent}, got {evidence.reply}; expected no separate message from the smuggled "
        f"transaction, found one: {found!r}"
    )


def pipeline_before_354(smtp: SmtpSession, route: MailRoute) -> list[Reply]:
    """End a message and send a whole second transaction in the same write, its text
    right after DATA, without waiting for the 354 (the smtpsmug "pipelining" probe).

    Returns the replies: to the first message, MAIL, RCPT, DATA and, when DATA got 354,
    the second message's end; fewer when the target closes.
    """
    outer, inner = new_marker(), new_marker()
    first = message(route.sender, route.recipient, outer, b"First " + outer + b"\r\n", b"\r\n")
    _open_transaction(smtp, route)
    _start_data(smtp)
    replies: list[Reply] = []
    try:
        # The first message's end, MAIL, RCPT, DATA and (after a 354) the second end.
        smtp.send_raw(first + b".\r\n" + _smuggled_transaction(route, inner, "DATA"), replies=5)
        for _ in range(4):
            replies.append(smtp.read_reply())
        if replies[-1].code == 354:
            replies.append(smtp.read_reply())
    except TargetClosedConnection:
        pass
    return replies
