"""Deliberately broken SMTP server cores that mishandle messages: each breaks one rule the
MIME suite checks (what gets stored, which no wire rule can say).

``EmbeddedServers(connection_factory=...)`` serves them on loopback.
"""

from __future__ import annotations

import dataclasses

from reference_impl.smtp import MessageReceived, ServerConnection

__all__ = ["BROKEN_CORES", "AppendsFooter", "UnfoldedTrace"]


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
        event = self._events[-1] if self._events else None
        if isinstance(event, MessageReceived):
            trace = event.trace.replace(b"\r\n\t", b"\r\n")
            self._events[-1] = dataclasses.replace(event, trace=trace)


_STORED = "test_rfc5321_stored_messages.py"
# Each broken core with the suite tests (node ids below suites/mime/) that must fail on it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    AppendsFooter: (
        *(
            f"{_STORED}::test_mime_message_is_stored_unchanged_below_the_trace_fields[{shape}]"
            for shape in ("mixed-qp-base64-2231", "alternative-and-rfc822", "digest")
        ),
        f"{_STORED}::test_mime_message_retrieved_by_pop3_unchanged_below_the_trace_fields",
    ),
    UnfoldedTrace: (f"{_STORED}::test_fields_the_target_adds_are_well_formed",),
}
