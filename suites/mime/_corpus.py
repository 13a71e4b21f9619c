"""The messages MIME tests run on: a few corpus messages picked per test, or the files
(and other messages under test) the run was given, which then take their place.

``@messages("name", ...)`` picks corpus messages (``corpus/<name>.eml``) for a test that
takes ``mime_message``; ``conftest.pytest_generate_tests`` turns them into parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from conformance._mime_fixtures import Compose, Submission
from conformance._mime_sources import MessageFile

__all__ = [
    "CORPUS",
    "corpus_message",
    "marked",
    "messages",
    "picks_of",
    "smtp_submission",
    "unsendable_by_smtp",
]

CORPUS = Path(__file__).resolve().parent / "corpus"
_F = TypeVar("_F", bound=Callable[..., Any])
_PICKS = "mime_corpus_picks"
# RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF.
_LONG_LINE = re.compile(rb"[^\n]{999,}\r\n")
_8BIT = re.compile(rb"[\x80-\xff]")


def messages(*names: str) -> Callable[[_F], _F]:
    """Run the decorated test on these corpus messages (unless the run names its own)."""

    def pick(function: _F) -> _F:
        setattr(function, _PICKS, names)
        return function

    return pick


def picks_of(function: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(getattr(function, _PICKS, ()))


def corpus_message(name: str) -> MessageFile:
    path = CORPUS / f"{name}.eml"
    return MessageFile(name, path.read_bytes(), f"suites/mime/corpus/{path.name}")


def marked(message: MessageFile) -> Compose:
    """The message with a first field carrying the marker its copy is found by."""
    return lambda marker: b"Conformance-Marker: " + marker + b"\r\n" + message.octets


def unsendable_by_smtp(octets: bytes) -> str | None:
    """Why SMTP cannot carry ``octets`` as they are (a test skips on it), or None."""
    if b"\0" in octets:
        return "it holds NUL octets (RFC 5321 §4.1.4)"
    if re.search(rb"\r(?!\n)|(?<!\r)\n", octets):
        return "it has line ends other than CRLF (RFC 5321 §2.3.8)"
    if _LONG_LINE.search(octets + b"\r\n"):
        return "it has lines over 998 octets (RFC 5321 §4.5.3.1.6)"
    return None


def smtp_submission(octets: bytes, *, chunked: bool = False) -> Submission:
    """DATA, or BDAT; with BODY=8BITMIME (RFC 6152) when 8-bit octets are in the body,
    and SMTPUTF8 (RFC 6531) too when they are in the header, each needing its keyword."""
    header = octets.split(b"\r\n\r\n", 1)[0]
    parameters, needs = [], []
    if _8BIT.search(octets):
        parameters.append("BODY=8BITMIME")
        needs.append("8BITMIME")
    if _8BIT.search(header):
        parameters.append("SMTPUTF8")
        needs.append("SMTPUTF8")
    if chunked:
        needs.append("CHUNKING")
    return Submission(chunked=chunked, mail_parameters=" ".join(parameters), needs=tuple(needs))
