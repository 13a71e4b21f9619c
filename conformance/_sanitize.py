"""Every report leaves the harness with its control characters escaped.

A target's octets reach test reports by many roads: assertion messages that quote a
reply, exception texts, skip reasons, captured output.  Escaping each road in the tests
would miss the next one, so the plugin passes every report through ``sanitize_report``:
C0 and C1 controls (ESC, CSI, CR moving the cursor back), DEL and the bidirectional
overrides become visible escapes before anything is printed or serialised.  Newlines and
tabs stay, so tracebacks keep their shape.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

__all__ = ["escape_controls", "sanitize_report"]

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DEPTH = 12  # pytest's report objects nest a handful of levels


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character (but newline and tab) as an escape."""
    return _CONTROLS.sub(_escape, text)


def _clean(value: Any, depth: int = 0) -> Any:
    """Escape strings inside pytest's report structures, in place where they are mutable."""
    if isinstance(value, str):
        return escape_controls(value)
    if depth > _DEPTH:
        return value
    if isinstance(value, list):
        value[:] = [_clean(item, depth + 1) for item in value]
    elif isinstance(value, tuple):
        return tuple(_clean(item, depth + 1) for item in value)
    elif type(value).__module__.startswith("_pytest") and hasattr(value, "__dict__"):
        for name, attribute in vars(value).items():
            object.__setattr__(value, name, _clean(attribute, depth + 1))
    return value


def sanitize_report(report: pytest.TestReport) -> None:
    """Escape control characters in everything ``report`` will show or serialise."""
    report.longrepr = _clean(report.longrepr)
    report.sections = [(title, escape_controls(text)) for title, text in report.sections]
    report.user_properties = [
        (name, escape_controls(value) if isinstance(value, str) else value)
        for name, value in report.user_properties
    ]
    info = getattr(report, "conformance", None)
    if isinstance(info, dict):
        for key, value in info.items():
            if isinstance(value, str):
                info[key] = escape_controls(value)
