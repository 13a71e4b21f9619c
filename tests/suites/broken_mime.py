"""Deliberately broken SMTP server cores that mishandle messages: each breaks one rule the
MIME suite checks (what gets stored, which no wire rule can say).

``EmbeddedServers(connection_factory=...)`` serves them on loopback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from reference_impl.smtp import MessageReceived, ServerConnection

__all__ = ["BROKEN_CORES"]

_CROSS = "test_rfc5321_cross_protocol.py"
_DOT_LINES = "[dot-lines-and-998]"


class AppendsFooter(ServerConnection):
    """RFC 5321 §4.4: changes the message below the trace fields (a disclaimer footer)."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        footer = b"-- \r\nScanned by a relay that edits mail.\r\n"
        super()._complete(content + footer, stuffed=stuffed, oversized=oversized)


class UnfoldedTrace(ServerConnection):
    """RFC 5322 §2.2.3: its Received field's continuation lines start without white space,
    so they are no part of any field."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(content, stuffed=stuffed, oversized=oversized)
        _replace_message(
            self,
            lambda event: dataclasses.replace(event, trace=event.trace.replace(b"\r\n\t", b"\r\n")),
        )


def _replace_message(
    core: ServerConnection, change: Callable[[MessageReceived], MessageReceived]
) -> None:
    event = core._events[-1] if core._events else None
    if isinstance(event, MessageReceived):
        core._events[-1] = change(event)


class KeepsDotStuffing(ServerConnection):
    """RFC 5321 §4.5.2: stores DATA content without removing the stuffed periods."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(content, stuffed=False, oversized=oversized)


class UnstuffsChunks(ServerConnection):
    """RFC 3030 §2: removes a period from BDAT lines as if they were DATA's."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(content, stuffed=True, oversized=oversized)


class StripsEighthBit(ServerConnection):
    """RFC 6152 §3: announces 8BITMIME but stores every octet with its 8th bit cleared."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(bytes(b & 0x7F for b in content), stuffed=stuffed, oversized=oversized)


class ReturnPathNotAPath(ServerConnection):
    """RFC 5321 §4.4: writes a return-path line whose reverse-path is no Path."""

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        super()._complete(content, stuffed=stuffed, oversized=oversized)
        _replace_message(
            self,
            lambda event: dataclasses.replace(
                event, envelope=dataclasses.replace(event.envelope, sender="unknown sender")
            ),
        )


_STORED = "test_rfc5321_stored_messages.py"
# Each broken core with the suite tests (node ids below suites/mime/) that must fail on it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    AppendsFooter: (
        *(
            f"{_STORED}::test_mime_message_is_stored_unchanged_below_the_trace_fields[{shape}]"
            for shape in ("mixed-qp-base64-2231", "alternative-and-rfc822", "digest")
        ),
        f"{_STORED}::test_mime_message_retrieved_by_pop3_unchanged_below_the_trace_fields",
        f"{_CROSS}::test_data_then_imap_fetch_is_unchanged_below_the_trace_fields",
        f"{_CROSS}::test_data_then_pop3_retr_is_unchanged_below_the_trace_fields",
        f"{_CROSS}::test_bdat_then_imap_fetch_is_unchanged_below_the_trace_fields",
    ),
    UnfoldedTrace: (
        f"{_STORED}::test_fields_the_target_adds_are_well_formed",
        f"{_CROSS}::test_received_fields_added_are_time_stamp_lines",
    ),
    KeepsDotStuffing: (
        f"{_CROSS}::test_data_then_imap_fetch_is_unchanged_below_the_trace_fields{_DOT_LINES}",
        f"{_CROSS}::test_data_then_pop3_retr_is_unchanged_below_the_trace_fields{_DOT_LINES}",
    ),
    UnstuffsChunks: (
        f"{_CROSS}::test_bdat_then_imap_fetch_is_unchanged_below_the_trace_fields{_DOT_LINES}",
    ),
    StripsEighthBit: (
        f"{_CROSS}::test_8bitmime_body_keeps_every_bit_through_imap",
        f"{_CROSS}::test_smtputf8_message_is_stored_unchanged",
    ),
    ReturnPathNotAPath: (f"{_CROSS}::test_return_path_added_is_a_return_path_line",),
}
