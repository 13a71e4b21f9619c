"""Deliberately broken SMTP server cores for the size limits (RFC 5321 §4.5.3.1) and the
RFC 821 heritage (Appendix F): each misbehaves only where one rule applies.

Each subclass of the reference ``ServerConnection`` stays conforming below the limits
and for every other command, so only the suite tests named for it in ``BROKEN_CORES``
should notice.  ``EmbeddedServers(cores={"smtp": ...})`` serves them on loopback.
"""

from __future__ import annotations

import re

from reference_impl.smtp import (
    ConnectionClosed,
    ServerConfig,
    ServerConnection,
    ServerReply,
    State,
)
from reference_impl.smtp import _codes as c
from reference_impl.smtp._syntax import CommandLine

__all__ = [
    "BROKEN_CORES",
    "CommandLineSplitAt512",
    "EhloDomainLimitedTo253",
    "HeloSessionRefusesMail",
    "LongDataLineEndsData",
    "LongPathDropsConnection",
    "RecipientBufferWrapsAround",
    "SendImplementedUnlisted",
    "SourceRouteRefused",
    "TooManyRecipients451",
    "TurnHonouredUnauthenticated",
]

_RFC_COMMAND_LINE = 512  # §4.5.3.1.4, with the CRLF
_RFC_TEXT_LINE = 1000  # §4.5.3.1.6, with the CRLF
_RFC_PATH = 256  # §4.5.3.1.3


class EhloDomainLimitedTo253(ServerConnection):
    """§4.5.3.1.2: refuses an EHLO domain longer than 253 octets (the DNS text limit)."""

    def _ehlo(self, command: CommandLine) -> None:
        if len(command.argument.strip()) > 253:
            self._reply(c.S501_SYNTAX)
            return
        super()._ehlo(command)


class CommandLineSplitAt512(ServerConnection):
    """§4.2: cuts a command line at 512 octets and takes the rest for another command."""

    def _consume_line(self) -> bool:
        cut = _RFC_COMMAND_LINE - 2
        end = self._inbox.find(b"\r\n")
        if (end < 0 or end > cut) and len(self._inbox) > cut:
            self._inbox[cut:cut] = b"\r\n"
        return super()._consume_line()


class LongPathDropsConnection(ServerConnection):
    """§4.2: a RCPT path past 256 octets closes the connection without a reply."""

    def _rcpt(self, command: CommandLine) -> None:
        if len(command.argument) > len(b"TO:") + _RFC_PATH:
            self.state = State.CLOSED
            self._events.append(ConnectionClosed(reason="path too long"))
            return
        super()._rcpt(command)


class LongDataLineEndsData(ServerConnection):
    """§4.1.1.4: answers a text line past 1000 octets at once, ends the transaction
    there and reads the rest of the message as commands."""

    def __init__(self, config: ServerConfig, *, peer_ip: str, tls_active: bool = False) -> None:
        super().__init__(config, peer_ip=peer_ip, tls_active=tls_active)
        self._line_so_far = 0  # octets of the current data line seen in earlier reads

    def _consume_data(self) -> None:
        seen = b"x" * min(self._line_so_far, _RFC_TEXT_LINE) + bytes(self._inbox)
        too_long = re.search(rb"[^\n]{%d,}" % (_RFC_TEXT_LINE + 1), seen)
        if too_long is None:
            self._line_so_far = len(seen) - seen.rfind(b"\n") - 1
            super()._consume_data()
            return
        earlier = len(seen) - len(self._inbox)  # the stand-in for earlier reads
        del self._inbox[: too_long.end() - earlier]
        self._line_so_far = 0
        self._data = None
        self._session.transaction = None
        self.state = State.READY
        self._reply(c.S500_LINE_TOO_LONG)


class TooManyRecipients451(ServerConnection):
    """§4.5.3.1.10: answers 451, not 452, past its recipient limit."""

    def _reply(self, reply: ServerReply, *, plain: bool = False) -> None:
        if reply == c.S452_TOO_MANY_RECIPIENTS:
            reply = ServerReply(code=451, status="4.5.3", lines=("Too many recipients",))
        super()._reply(reply, plain=plain)


class RecipientBufferWrapsAround(ServerConnection):
    """§4.5.3.1.8: past its limit, accepts the new recipient and silently drops the
    oldest one."""

    def _rcpt(self, command: CommandLine) -> None:
        transaction = self._session.transaction
        assert transaction is not None
        if len(transaction.recipients) >= self.config.max_recipients:
            del transaction.recipients[0]
            kept = (transaction._mailbox_of(path) for path in transaction.recipients)
            transaction.mailboxes = list(dict.fromkeys(m for m in kept if isinstance(m, str)))
        super()._rcpt(command)


class SourceRouteRefused(ServerConnection):
    """Appendix F.2: answers a path with a source route as a syntax error (501)."""

    def _command(self, line: bytes) -> None:
        if re.match(rb"(?i)(MAIL FROM|RCPT TO): ?<@", line):
            self._reply(c.S501_SYNTAX)
            return
        super()._command(line)


class TurnHonouredUnauthenticated(ServerConnection):
    """Appendix F.1: answers TURN with 250 for a client that has not authenticated."""

    def _command(self, line: bytes) -> None:
        if line.strip().upper() == b"TURN":
            self._reply(c.S250_OK)
            return
        super()._command(line)


class SendImplementedUnlisted(ServerConnection):
    """Appendix F.6: takes SEND, SOML and SAML like MAIL but lists none of them in EHLO."""

    def _command(self, line: bytes) -> None:
        verb, _, argument = line.partition(b" ")
        if verb.upper() in (b"SEND", b"SOML", b"SAML") and self.state is State.READY:
            self._mail(CommandLine(verb="MAIL", argument=argument))
            return
        super()._command(line)


class HeloSessionRefusesMail(ServerConnection):
    """Appendix F.3: answers HELO with 250 but refuses MAIL in the session it opened."""

    def _mail(self, command: CommandLine) -> None:
        if not self._session.esmtp:
            self._reply(c.S503_BAD_SEQUENCE)
            return
        super()._mail(command)


_LIMITS = "test_rfc5321_limits.py"
_APPENDIX_F = "test_rfc5321_appendix_f.py"

# Each broken core with the suite tests (node ids below suites/smtp/) that must fail on it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    EhloDomainLimitedTo253: (f"{_LIMITS}::test_255_octet_domain_is_accepted",),
    CommandLineSplitAt512: (f"{_LIMITS}::test_too_long_command_line_gets_one_reply",),
    LongPathDropsConnection: (f"{_LIMITS}::test_too_long_domain_gets_one_reply",),
    LongDataLineEndsData: (f"{_LIMITS}::test_too_long_text_line_gets_one_reply_at_end_of_data",),
    TooManyRecipients451: (f"{_LIMITS}::test_rcpt_past_the_recipient_limit_gets_452",),
    RecipientBufferWrapsAround: (f"{_LIMITS}::test_recipients_before_the_limit_are_kept",),
    SourceRouteRefused: (
        f"{_APPENDIX_F}::test_source_route_in_forward_path_is_accepted",
        f"{_APPENDIX_F}::test_source_route_in_reverse_path_is_accepted",
    ),
    TurnHonouredUnauthenticated: (f"{_APPENDIX_F}::test_turn_is_refused_without_authentication",),
    SendImplementedUnlisted: (f"{_APPENDIX_F}::test_send_soml_saml_published_if_implemented",),
    HeloSessionRefusesMail: (f"{_APPENDIX_F}::test_helo_session_can_start_a_transaction",),
}
