"""Reference SMTP cores changed in one way each, to show whose verdict is right.

Some are *conforming* (a choice the RFCs leave open, or a delivery path after the target
that the target cannot be blamed for): the suites must not fail them.  Others break one
requirement in a way the suites once let pass.  ``test_smtp_verdicts`` runs them.
"""

from __future__ import annotations

import dataclasses
import re

from reference_impl.smtp import MessageReceived, ServerConnection
from reference_impl.smtp import _codes as c
from reference_impl.smtp._server import Event
from reference_impl.smtp._syntax import CommandLine

__all__ = [
    "ExpnDisabled252",
    "ExpnDisabled550",
    "GarbageToMailUnderTls",
    "GarbageToQueries",
    "LmtpHopAbove",
    "OnlyLmtpHopField",
    "SilentAfterMessage",
    "SizeValueNotChecked",
    "Utf8BouncedDownstream",
    "VrfyAlways550",
]

# What an LMTP delivery agent after the target adds above the target's field.
_LMTP_FIELD = (
    b"Received: from mx.example.test ([127.0.0.1])\r\n"
    b"\tby store.example.test with LMTP id 7Hk2; Mon, 01 Jan 2024 00:00:03 +0000\r\n"
)


class ExpnDisabled252(ServerConnection):
    """Conforming: EXPN disabled for security, answered 252 as §7.3 requires."""

    def _expn(self, command: CommandLine) -> None:
        self._reply(c.S252_CANNOT_VRFY)


class ExpnDisabled550(ServerConnection):
    """§7.3: EXPN disabled by policy but answered 550, a code that reads as a failed
    verification."""

    def _expn(self, command: CommandLine) -> None:
        self._reply(c.ServerReply(code=550, status="5.7.1", lines=("EXPN disabled by policy",)))


class VrfyAlways550(ServerConnection):
    """§7.3: VRFY "supported" by answering 550 whether or not the address is valid."""

    def _vrfy(self, command: CommandLine) -> None:
        self._reply(c.S550_UNKNOWN_USER_VRFY)


class GarbageToQueries(ServerConnection):
    """§4.2: VRFY, EXPN, NOOP, RSET and HELP are answered with a line that is no reply."""

    def _command(self, line: bytes) -> None:
        if line[:4].upper() in (b"VRFY", b"EXPN", b"NOOP", b"RSET", b"HELP"):
            self._outbox.extend(b"what?\r\n")
            return
        super()._command(line)


class GarbageToMailUnderTls(ServerConnection):
    """§4.2: under TLS, MAIL is answered with a line that is no reply."""

    def _command(self, line: bytes) -> None:
        if self.tls_active and line[:5].upper() == b"MAIL ":
            self._outbox.extend(b"what?\r\n")
            return
        super()._command(line)


class SizeValueNotChecked(ServerConnection):
    """Conforming: reads the digits of a SIZE value and ignores the rest ("SIZE=12kB" as
    12); RFC 1870 gives the value's syntax but no rule for refusing a malformed one."""

    def _command(self, line: bytes) -> None:
        super()._command(re.sub(rb"(?i)(\sSIZE=[0-9]+)[A-Za-z]+", rb"\1", line))


class SilentAfterMessage(ServerConnection):
    """§4.1.1.10: after its reply to the first message (accepted or refused) it ignores
    every command, QUIT too: no reply, and the connection stays open."""

    _silent = False

    def _end_transaction(self, reply: c.ServerReply) -> None:
        # Silent from the reply to the message on, also for commands that came in the
        # same segment as the message (a probe sends QUIT right after it).
        super()._end_transaction(reply)
        self._silent = True

    def _command(self, line: bytes) -> None:
        if not self._silent:
            super()._command(line)


class LmtpHopAbove(ServerConnection):
    """Conforming: the message is stored as an LMTP delivery agent after the target would
    store it, with that agent's Received field above the target's."""

    def next_event(self) -> Event | None:
        event = super().next_event()
        if isinstance(event, MessageReceived):
            return dataclasses.replace(event, trace=_LMTP_FIELD + event.trace)
        return event


class OnlyLmtpHopField(ServerConnection):
    """§4.4: adds no Received field; only the LMTP delivery agent after it adds one."""

    def next_event(self) -> Event | None:
        event = super().next_event()
        if isinstance(event, MessageReceived):
            return dataclasses.replace(event, trace=_LMTP_FIELD)
        return event


class Utf8BouncedDownstream(ServerConnection):
    """Conforming target, delivery path without SMTPUTF8 (RFC 6531 §3.2): SMTPUTF8 mail
    is accepted, then a non-delivery notification goes to the sender instead."""

    def next_event(self) -> Event | None:
        event = super().next_event()
        if not isinstance(event, MessageReceived):
            return event
        envelope = event.envelope
        if "SMTPUTF8" not in {key.upper() for key in envelope.mail_parameters}:
            return event
        mailbox = self.config.accounts.mailbox_for(envelope.sender)
        header = event.content.partition(b"\r\n\r\n")[0]
        notification = (
            b"From: MAILER-DAEMON@example.test\r\nSubject: Undelivered Mail\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n"
            b"\r\n--b\r\nContent-Type: message/global-delivery-status\r\n\r\n"
            b"Final-Recipient: rfc822; " + envelope.recipients[0].encode() + b"\r\n"
            b"Action: failed\r\nStatus: 5.6.7\r\n"
            b"Diagnostic-Code: smtp; 550 5.6.7 SMTPUTF8 is required, but was not offered\r\n"
            b"\r\n--b\r\nContent-Type: message/global-headers\r\n\r\n" + header + b"\r\n--b--\r\n"
        )
        bounce = dataclasses.replace(
            envelope, sender="", recipients=(envelope.sender,), mailboxes=(mailbox or "",)
        )
        return dataclasses.replace(event, envelope=bounce, trace=b"", content=notification)
