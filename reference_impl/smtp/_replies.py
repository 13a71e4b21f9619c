"""SMTP replies: a strict parser that records defects instead of giving up.

The grammar is RFC 5321 §4.2::

    Reply-line = *( Reply-code "-" [ textstring ] CRLF )
                 Reply-code [ SP textstring ] CRLF
    Reply-code = %x32-35 %x30-35 %x30-39
    textstring = 1*(%d09 / %d32-126)

A reply that breaks the grammar is still returned, as a value carrying its
defects, so that a harness can report every deviation of one reply at once.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from reference_impl._defects import RECORD, Defect, DefectPolicy
from reference_impl._escape import escape_octets

__all__ = [
    "DEFAULT_MAX_REPLY",
    "MAX_REPLY_LINE",
    "Reply",
    "ReplyDefectKind",
    "ReplyReader",
    "ReplyTooLarge",
]

# RFC 5321 §4.5.3.1.5: "The maximum total length of a reply line including the
# reply code and the <CRLF> is 512 octets."
MAX_REPLY_LINE = 512

# No real server sends a reply this large (lines are at most 512 octets, a long EHLO
# or HELP reply a few KiB); past it the peer is not speaking SMTP and the reader stops
# rather than grow without bound.  Cutting the reply short instead would leave the rest
# to be read as the next reply and shift every later verdict.
DEFAULT_MAX_REPLY = 1024 * 1024

_CODE = re.compile(rb"[2-5][0-5][0-9]")
_ANY_DIGITS = re.compile(rb"[0-9]{3}")
_TEXTSTRING = re.compile(rb"[\t\x20-\x7e]*")
# RFC 3463 §2: status-code = class "." subject "." detail
_ENHANCED = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)")


class ReplyDefectKind(enum.Enum):
    """Ways a reply can break RFC 5321 §4.2."""

    BAD_CODE = "reply code is not three digits with the first in 2-5 (RFC 5321 §4.2)"
    BAD_SEPARATOR = "reply code not followed by SP, '-' or CRLF (RFC 5321 §4.2)"
    MIXED_CODES = "lines of one multi-line reply carry different codes (RFC 5321 §4.2.1)"
    BARE_LF = "reply line ended by LF without CR (RFC 5321 §2.3.8)"
    BARE_CR = "bare CR inside a reply line (RFC 5321 §2.3.8)"
    LINE_TOO_LONG = "reply line longer than 512 octets (RFC 5321 §4.5.3.1.5)"
    BAD_TEXT = "reply text has octets outside HT and printable US-ASCII (RFC 5321 §4.2)"
    NO_TEXT = "bare reply code without text (RFC 5321 §4.2: senders SHOULD NOT send it)"
    INCOMPLETE = "connection closed in the middle of a reply"


class ReplyTooLarge(Exception):
    """The reply being received grew past the reader's bound without ending."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"reply exceeds {limit} octets")
        self.limit = limit


@dataclass(frozen=True, kw_only=True)
class Reply:
    """A complete reply: its code, the text of each line, the raw octets."""

    code: int
    lines: tuple[bytes, ...]
    raw: bytes
    defects: tuple[Defect, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.decode("utf-8", "replace") for line in self.lines)

    @property
    def severity(self) -> int:
        return self.code // 100

    @property
    def enhanced_code(self) -> str | None:
        """The RFC 3463 status code at the start of the first line, if any."""
        first = self.lines[0].decode("ascii", "replace") if self.lines else ""
        match = _ENHANCED.match(first)
        return match.group(0) if match else None

    def __str__(self) -> str:
        """The raw reply with escapes, so no octet of the peer reaches a terminal raw."""
        return escape_octets(self.raw.removesuffix(b"\r\n"))


@dataclass(slots=True)
class _Line:
    code: int
    separator: bytes  # b"-", b" " or b"" (bare code)
    text: bytes
    defects: list[Defect]


def _split_line(raw: bytes, number: int) -> _Line:
    """Parse one reply line (without its line end) into code, separator, text."""
    defects: list[Defect] = []
    head = raw[:3]
    if _CODE.fullmatch(head):
        code = int(head)
    else:
        code = int(head) if _ANY_DIGITS.fullmatch(head) else 0
        defects.append(_defect(ReplyDefectKind.BAD_CODE, number, raw[:16]))
    separator, text = raw[3:4], raw[4:]
    if separator not in (b"-", b" ", b""):
        defects.append(_defect(ReplyDefectKind.BAD_SEPARATOR, number, raw[:16]))
        separator, text = b" ", raw[3:]
    if separator == b"":
        defects.append(_defect(ReplyDefectKind.NO_TEXT, number, raw))
    if b"\r" in text:
        defects.append(_defect(ReplyDefectKind.BARE_CR, number, text))
    elif not _TEXTSTRING.fullmatch(text):
        defects.append(_defect(ReplyDefectKind.BAD_TEXT, number, text[:40]))
    return _Line(code=code, separator=separator, text=text, defects=defects)


def _defect(kind: ReplyDefectKind, line: int, evidence: bytes) -> Defect:
    return Defect(kind=kind, line=line, detail=repr(evidence))


class ReplyReader:
    """Incremental reply parser: feed bytes, take complete replies.

    Lines are found with ``bytes.find`` over the whole buffer; there is no
    per-octet Python loop.  A reply that grows past ``max_octets`` without ending
    raises ``ReplyTooLarge``.  Each defect goes through ``policy``: recorded on the
    reply (the default), or raised as ``DefectError`` once the reply has been taken.
    """

    def __init__(
        self, max_octets: int = DEFAULT_MAX_REPLY, *, policy: DefectPolicy = RECORD
    ) -> None:
        self.max_octets = max_octets
        self.policy = policy
        self._buffer = bytearray()
        self._lines: list[_Line] = []
        self._raw_start = 0  # where the reply being assembled starts
        self._scan = 0  # where the next line starts

    @property
    def pending(self) -> bytes:
        """Octets received that are not part of a complete reply yet."""
        return bytes(self._buffer[self._raw_start :])

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def discard(self) -> None:
        """Forget every octet not yet returned (a peer given up on)."""
        self._buffer.clear()
        self._lines.clear()
        self._raw_start = self._scan = 0

    def next_reply(self) -> Reply | None:
        """Return the next complete reply, or None when more bytes are needed."""
        while True:
            line = self._next_line()
            if line is None:
                if len(self._buffer) - self._raw_start > self.max_octets:
                    raise ReplyTooLarge(self.max_octets)
                return None
            self._lines.append(line)
            if line.separator != b"-":
                return self._finish()

    def close(self) -> Reply | None:
        """The peer closed: return what was pending as a defective reply, if anything."""
        if not self.pending:
            return None
        tail = bytes(self._buffer[self._scan :])
        if tail:
            line = _split_line(tail, len(self._lines) + 1)
            self._lines.append(line)
        reply = self._finish()
        incomplete = Defect(
            kind=ReplyDefectKind.INCOMPLETE, line=len(reply.lines), detail=repr(reply.raw[-40:])
        )
        defects = (*reply.defects, *self.policy.handle_all([incomplete]))
        return Reply(code=reply.code, lines=reply.lines, raw=reply.raw, defects=defects)

    def _next_line(self) -> _Line | None:
        end = self._buffer.find(b"\n", self._scan)
        if end < 0:
            return None
        number = len(self._lines) + 1
        raw = bytes(self._buffer[self._scan : end + 1])
        self._scan = end + 1
        body = raw[:-1]
        defects: list[Defect] = []
        if raw.endswith(b"\r\n"):
            body = raw[:-2]
        else:
            defects.append(_defect(ReplyDefectKind.BARE_LF, number, raw[-20:]))
        if len(raw) > MAX_REPLY_LINE:
            defects.append(
                Defect(kind=ReplyDefectKind.LINE_TOO_LONG, line=number, detail=f"{len(raw)} octets")
            )
        line = _split_line(body, number)
        line.defects[:0] = defects
        return line

    def _finish(self) -> Reply:
        lines, self._lines = self._lines, []
        raw = bytes(self._buffer[self._raw_start : self._scan])
        del self._buffer[: self._scan]
        self._raw_start = self._scan = 0
        seen = [d for line in lines for d in line.defects]
        code = lines[-1].code
        if any(line.code != code for line in lines):
            codes = ", ".join(str(line.code) for line in lines)
            seen.append(Defect(kind=ReplyDefectKind.MIXED_CODES, line=len(lines), detail=codes))
        defects = self.policy.handle_all(seen)
        return Reply(
            code=code,
            lines=tuple(line.text for line in lines),
            raw=raw,
            defects=defects,
        )
