"""POP2 reply lines: the four indicators, a pure parser and the server's texts.

RFC 937 "Reply Strings" (page 6): "The first character is required to be as
specified (i.e., "+", "-", "=", "#").  The optional strings that follow can be
whatever the implementer thinks is appropriate."  Grammar (page 16)::

    <ok>     = + [<SP> <string>] <CRLF>
    <err>    = - [<SP> <string>] <CRLF>
    <count>  = # <number> [<SP> <string>] <CRLF>
    <greet>  = + <SP> POP2 <SP> <host> [<SP> <string>] <CRLF>
    <length> = = <number> [<SP> <string>] <CRLF>
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from reference_impl._defects import Defect
from reference_impl._escape import escape_octets

__all__ = ["MAX_REPLY_LINE", "Pop2DefectKind", "Reply", "ReplyKind", "parse_reply", "render"]

# RFC 937 "Sizes" (page 12): "The maximum length of a reply line is 512 characters
# (including the success indicator (+, -, =, #) and the CRLF)."
MAX_REPLY_LINE = 512

_NUMBER = re.compile(rb"([0-9]+)(?: (.*))?\Z", re.DOTALL)
_GREETING = re.compile(rb" POP2 ([A-Za-z0-9.-]+)(?: (.*))?\Z", re.DOTALL)


class ReplyKind(enum.Enum):
    OK = "+"
    """Success; also the greeting (RFC 937 page 10)."""
    ERROR = "-"
    """Failure; the server closes the connection after it (decision table action 1)."""
    COUNT = "#"
    """Number of messages in the selected mailbox (HELO, FOLD)."""
    LENGTH = "="
    """Length in octets of the current message (READ, ACKS, ACKD, NACK)."""


class Pop2DefectKind(enum.Enum):
    """Ways a server's reply can break RFC 937."""

    NOT_A_REPLY = 'reply does not start with "+", "-", "#" or "=" (RFC 937 page 6)'
    LINE_TOO_LONG = "reply line longer than 512 characters (RFC 937 page 12)"
    UNEXPECTED_REPLY = (
        "a reply other than the one the command awaits, and no refusal "
        "(RFC 937 client decision table, action 1: garbage)"
    )


@dataclass(frozen=True, kw_only=True)
class Reply:
    """One reply line.  ``kind`` is None when the first character is none of the four;
    ``number`` is None for ``+``/``-`` and for ``#``/``=`` without a decimal number."""

    kind: ReplyKind | None
    number: int | None
    text: bytes  # after the indicator (and the number) and one space; no CRLF
    raw: bytes  # the line as received, CRLF included
    defects: tuple[Defect, ...] = ()

    @property
    def greeting_host(self) -> bytes | None:
        """The <host> of a greeting ``+ POP2 <host> [text]``, or None if this is none."""
        if self.kind is not ReplyKind.OK:
            return None
        match = _GREETING.match(self.raw.removesuffix(b"\r\n")[1:])
        return match.group(1) if match else None

    def __str__(self) -> str:
        return repr(self.raw.decode("utf-8", "replace"))


def _defects(kind: ReplyKind | None, raw: bytes) -> tuple[Defect, ...]:
    defects = []
    if kind is None:
        defects.append(
            Defect(kind=Pop2DefectKind.NOT_A_REPLY, line=1, detail=escape_octets(raw[:40]))
        )
    if len(raw) > MAX_REPLY_LINE:
        defects.append(
            Defect(kind=Pop2DefectKind.LINE_TOO_LONG, line=1, detail=f"{len(raw)} octets")
        )
    return tuple(defects)


def _reply(line: bytes, raw: bytes) -> Reply:
    indicator, rest = line[:1].decode("latin-1"), line[1:]
    kind = next((k for k in ReplyKind if k.value == indicator), None)
    defects = _defects(kind, raw)
    if kind in (ReplyKind.COUNT, ReplyKind.LENGTH):
        match = _NUMBER.match(rest)
        if match:
            number, text = int(match.group(1)), match.group(2) or b""
            return Reply(kind=kind, number=number, text=text, raw=raw, defects=defects)
        return Reply(kind=kind, number=None, text=rest, raw=raw, defects=defects)
    return Reply(kind=kind, number=None, text=rest.removeprefix(b" "), raw=raw, defects=defects)


def parse_reply(buffer: bytes | bytearray) -> tuple[Reply, bytes] | None:
    """The first reply line of ``buffer`` and what follows it; None: need more octets.

    "End of Line" (RFC 937 page 5): replies end with CRLF, so a bare LF does not end
    one (it stays in ``text``, for the harness to judge).
    """
    end = buffer.find(b"\r\n")
    if end < 0:
        return None
    raw = bytes(buffer[: end + 2])
    return _reply(raw[:-2], raw), bytes(buffer[end + 2 :])


def render(kind: ReplyKind, text: str = "", number: int | None = None) -> bytes:
    """One reply line; ``number`` goes right after ``#`` or ``=`` (no space, page 16)."""
    head = kind.value + ("" if number is None else str(number))
    line = f"{head} {text}" if text else head
    return (line + "\r\n").encode("ascii")
