"""Server responses (RFC 9051 §7): status responses with their codes, untagged data, and
the ``Reply`` a command handler returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reference_impl.imap._states import Step

__all__ = ["Reply", "Status", "bad", "no", "ok", "status_line", "untagged"]


class Status(enum.Enum):
    """RFC 9051 §7.1."""

    OK = b"OK"
    NO = b"NO"
    BAD = b"BAD"
    PREAUTH = b"PREAUTH"
    BYE = b"BYE"


def status_line(tag: bytes, status: Status, text: str, code: bytes = b"") -> bytes:
    """``tag SP status SP ["[" resp-text-code "]" SP] text CRLF``; ``tag`` is ``*`` for an
    untagged status.  RFC 9051 §9: text = 1*TEXT-CHAR, so the text is never empty."""
    coded = b"[" + code + b"] " if code else b""
    words = text.encode("utf-8", "replace").replace(b"\r", b" ").replace(b"\n", b" ")
    return b"%s %s %s%s\r\n" % (tag, status.value, coded, words or b"done")


def untagged(data: bytes) -> bytes:
    return b"* " + data + b"\r\n"


@dataclass(frozen=True, kw_only=True)
class Reply:
    """A command's outcome: untagged data, then the tagged status; ``step`` is the state
    change it makes (SELECT's, LOGOUT's ...), taken through the transition table."""

    status: Status
    text: str
    code: bytes = b""
    data: bytes = b""  # untagged responses, CRLFs included
    step: Step | None = None
    closes: bool = False  # BYE was sent in data: the connection ends after the reply


def ok(text: str, code: bytes = b"", *, data: bytes = b"", step: Step | None = None) -> Reply:
    return Reply(status=Status.OK, text=text, code=code, data=data, step=step)


def no(text: str, code: bytes = b"", *, data: bytes = b"") -> Reply:
    return Reply(status=Status.NO, text=text, code=code, data=data)


def bad(text: str, code: bytes = b"") -> Reply:
    return Reply(status=Status.BAD, text=text, code=code)
