"""Deliberately broken SMTP server cores: each breaks one RFC 5321 rule.

Each subclass of the reference ``ServerConnection`` overrides the smallest piece that
makes it misbehave, so the rest of the conversation stays correct and only the suite
tests for that rule should notice.  ``EmbeddedServers(connection_factory=...)`` serves
them on loopback.
"""

from __future__ import annotations

import dataclasses
import re

from reference_impl.smtp import MessageReceived, ServerConnection
from reference_impl.smtp import _codes as c
from reference_impl.smtp._server import Event
from reference_impl.smtp._syntax import CommandLine

__all__ = [
    "BROKEN_CORES",
    "BareLfEndsData",
    "DoubleReplyToNoop",
    "ExtendedHeloReply",
    "MixedMultilineCodes",
    "No503ForBadSequence",
    "NoDotUnstuffing",
    "NoReceivedField",
    "QuitKeepsConnection",
    "RcptBeforeMailAccepted",
    "RsetKeepsTransaction",
    "StrayLineEndsEndData",
]


class NoDotUnstuffing(ServerConnection):
    """§4.5.2: stores the data as received, leading periods still doubled."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(content, stuffed=False, oversized=oversized)


class MixedMultilineCodes(ServerConnection):
    """§4.2.1: the second line of a multiline reply carries another code."""

    def data_to_send(self) -> bytes:
        return re.sub(rb"\A(250-[^\r\n]*\r\n)250-", rb"\g<1>251-", super().data_to_send())


class RcptBeforeMailAccepted(ServerConnection):
    """§3.3: RCPT without MAIL gets 250 instead of 503 (nothing is stored)."""

    def _command(self, line: bytes) -> None:
        if line[:5].upper() == b"RCPT " and self._session.transaction is None:
            self._reply(c.S250_RECIPIENT_OK)
            return
        super()._command(line)


class No503ForBadSequence(ServerConnection):
    """§4.1.4: out-of-sequence commands get 250 (and still change nothing)."""

    def _reply(self, reply: c.ServerReply, *, plain: bool = False) -> None:
        super()._reply(c.S250_OK if reply.code == 503 else reply, plain=plain)


class BareLfEndsData(ServerConnection):
    """§4.1.1.4: takes <LF>.<LF> for the end of mail data (the smuggling bug)."""

    def _consume_data(self) -> None:
        self._inbox.feed(self._inbox.extract_all().replace(b"\n.\n", b"\r\n.\r\n"))
        super()._consume_data()


class StrayLineEndsEndData(ServerConnection):
    """§2.3.8: any CR, LF or CRLF ends a data line, so look-alike terminators end data."""

    def _consume_data(self) -> None:
        self._inbox.feed(re.sub(rb"\r\n|\r|\n", b"\r\n", self._inbox.extract_all()))
        super()._consume_data()


class NoReceivedField(ServerConnection):
    """§4.4: stores messages without prepending a Received: field."""

    def next_event(self) -> Event | None:
        event = super().next_event()
        if isinstance(event, MessageReceived):
            return dataclasses.replace(event, trace=b"")
        return event


class RsetKeepsTransaction(ServerConnection):
    """§4.1.1.5: answers RSET with 250 but keeps sender and recipients."""

    def _rset(self, command: CommandLine) -> None:
        self._reply(c.S250_RESET)


class QuitKeepsConnection(ServerConnection):
    """§4.1.1.10: answers QUIT with 221 but leaves the connection open."""

    def _quit(self, command: CommandLine) -> None:
        self._reply(c.S221_BYE)


class ExtendedHeloReply(ServerConnection):
    """§3.2: answers HELO with the EHLO-style keyword list."""

    def _helo(self, command: CommandLine) -> None:
        self._ehlo(command)


class DoubleReplyToNoop(ServerConnection):
    """§4.2: sends two replies to NOOP."""

    def _noop(self, command: CommandLine) -> None:
        super()._noop(command)
        super()._noop(command)


# Each broken core with the suite tests (node ids below suites/smtp/) that must fail on it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    NoDotUnstuffing: (
        "test_rfc5321_transparency.py::test_leading_period_is_removed",
        "test_rfc5321_transparency.py::test_only_the_first_period_is_removed",
        "test_rfc5321_transparency.py::test_stuffed_lone_period_is_content",
        "test_rfc5321_transparency.py::test_stuffing_split_across_segments",
        "test_rfc5321_transparency.py::test_first_data_line_with_period",
    ),
    MixedMultilineCodes: ("test_rfc5321_greeting_replies.py::test_multiline_reply_uses_one_code",),
    RcptBeforeMailAccepted: (
        "test_rfc5321_command_order.py::test_rcpt_without_mail_gets_503",
        "test_rfc5321_command_order.py::test_refused_mail_keeps_the_state",
        "test_rfc5321_command_order.py::test_refused_rcpt_keeps_the_session",
        "test_rfc5321_rset_noop_quit.py::test_rset_discards_the_sender",
    ),
    No503ForBadSequence: (
        "test_rfc5321_command_order.py::test_rcpt_without_mail_gets_503",
        "test_rfc5321_command_order.py::test_data_without_mail_is_refused",
        "test_rfc5321_rset_noop_quit.py::test_rset_discards_the_sender",
    ),
    BareLfEndsData: ("test_rfc5321_smuggling.py::test_bare_lf_period_lf_does_not_end_data",),
    StrayLineEndsEndData: (
        "test_rfc5321_smuggling.py::test_bare_lf_period_lf_does_not_end_data",
        "test_rfc5321_smuggling.py::test_look_alike_terminator_does_not_end_data",
    ),
    NoReceivedField: (
        "test_rfc5321_trace.py::test_received_field_is_prepended",
        "test_rfc5321_trace.py::test_received_has_from_clause",
        "test_rfc5321_trace.py::test_received_ends_with_date_time",
    ),
    RsetKeepsTransaction: (
        "test_rfc5321_rset_noop_quit.py::test_rset_discards_the_sender",
        "test_rfc5321_rset_noop_quit.py::test_rset_discards_the_recipients",
    ),
    QuitKeepsConnection: ("test_rfc5321_rset_noop_quit.py::test_quit_closes_the_connection",),
    ExtendedHeloReply: ("test_rfc5321_ehlo_helo.py::test_helo_reply_is_not_extended",),
    DoubleReplyToNoop: (
        "test_rfc5321_greeting_replies.py::test_every_command_generates_exactly_one_reply",
    ),
}
