"""Deliberately broken SMTP server cores: each breaks one RFC 5321 rule.

What a wire rule cannot say is here (how the core parses its input into lines and mail
data); the other misbehaving servers are scripts of ``scripted_smtp``.

Each subclass of the reference ``ServerConnection`` overrides the smallest piece that
makes it misbehave, so the rest of the conversation stays correct and only the suite
tests for that rule should notice.  ``EmbeddedServers(cores={"smtp": ...})`` serves
them on loopback.
"""

from __future__ import annotations

import re

from reference_impl.smtp import ServerConnection
from reference_impl.smtp._syntax import CommandLine

__all__ = [
    "BROKEN_CORES",
    "BareLfEndsData",
    "DoubleReplyToNoop",
    "StrayLineEndsEndData",
]


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


class DoubleReplyToNoop(ServerConnection):
    """§4.2: sends two replies to NOOP."""

    def _noop(self, command: CommandLine) -> None:
        super()._noop(command)
        super()._noop(command)


# Each broken core with the suite tests (node ids below suites/smtp/) that must fail on it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    BareLfEndsData: ("test_rfc5321_smuggling.py::test_bare_lf_period_lf_does_not_end_data",),
    StrayLineEndsEndData: (
        "test_rfc5321_smuggling.py::test_bare_lf_period_lf_does_not_end_data",
        "test_rfc5321_smuggling.py::test_look_alike_terminator_does_not_end_data",
    ),
    DoubleReplyToNoop: (
        "test_rfc5321_greeting_replies.py::test_every_command_generates_exactly_one_reply",
    ),
}
