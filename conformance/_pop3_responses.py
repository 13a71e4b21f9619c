"""POP3 responses: the strict defect-recording parser lives with the reference
implementation (``reference_impl.pop3``); the harness uses the same one."""

from __future__ import annotations

from reference_impl.pop3._responses import (
    MAX_RESPONSE_LINE,
    Pop3DefectKind,
    Pop3Response,
    Pop3ResponseReader,
    ResponseTooLarge,
    parse_response,
    parse_status_line,
)

__all__ = [
    "MAX_RESPONSE_LINE",
    "Pop3DefectKind",
    "Pop3Response",
    "Pop3ResponseReader",
    "ResponseTooLarge",
    "parse_response",
    "parse_status_line",
]
