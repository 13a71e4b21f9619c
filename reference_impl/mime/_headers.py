"""The header section of a message or body part (RFC 5322 §2.2, §2.2.3, §3.5; RFC 6532 §3).

Fields are read line by line up to the empty line; a line that is neither a field nor a
folded continuation ends the header section (as in ``email.feedparser``), reported, and is
taken as the first line of the body.  Everything is kept as octets; ``HeaderField.text`` is
the unfolded value as a string, UTF-8 where valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reference_impl.mime._context import ParseContext
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._words import ENCODED_WORD

__all__ = ["HeaderField", "body_offset", "read_header_section"]

_K = MimeDefectKind
_LINE = re.compile(rb"[^\n]*(?:\n|$)")
# field-name = 1*ftext; ftext = %d33-57 / %d59-126  (RFC 5322 §3.6.8)
_FIELD_NAME = re.compile(rb"[\x21-\x39\x3b-\x7e]+")
_UNFOLD = re.compile(rb"\r?\n(?=[ \t])")
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")
_EW_LINE_LIMIT = 76  # RFC 2047 §2


@dataclass(frozen=True)
class HeaderField:
    """One header field: ``raw`` is the whole field as sent, folds and line end included."""

    name: str
    raw: bytes
    value: bytes  # unfolded, after the colon, leading white space kept
    offset: int

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def text(self) -> str:
        """The unfolded value without surrounding white space, as text."""
        return self.value.strip(b" \t\r\n").decode("utf-8", "replace")


def read_header_section(ctx: ParseContext, start: int, end: int) -> tuple[list[HeaderField], int]:
    """The fields between ``start`` and ``end``, and the offset where the body begins."""
    fields: list[HeaderField] = []
    lines: list[tuple[int, bytes]] = []  # physical lines of the field being read
    pos = start
    while pos < end:
        match = _LINE.match(ctx.raw, pos, end)
        assert match is not None  # the pattern matches the empty string too
        line, line_start, pos = match.group(), match.start(), match.end()
        content = line.rstrip(b"\r\n")
        if not content:
            _finish(ctx, lines, fields)
            return fields, pos
        if content[:1] in (b" ", b"\t"):
            _continuation(ctx, lines, line_start, line)
            continue
        _finish(ctx, lines, fields)
        colon = content.find(b":")
        if colon <= 0:
            ctx.report(_K.HEADER_SYNTAX, line_start, content)
            return fields, line_start
        lines = [(line_start, line)]
    _finish(ctx, lines, fields)
    return fields, end


def _continuation(
    ctx: ParseContext, lines: list[tuple[int, bytes]], line_start: int, line: bytes
) -> None:
    if not lines:
        ctx.report(_K.HEADER_FOLD_FIRST, line_start, line)
        return
    if not line.strip(b" \t\r\n"):
        ctx.report(_K.HEADER_WS_ONLY_LINE, line_start)
    lines.append((line_start, line))


def _finish(ctx: ParseContext, lines: list[tuple[int, bytes]], fields: list[HeaderField]) -> None:
    """Turn the physical lines of one field into a ``HeaderField`` and check it."""
    if not lines:
        return
    offset = lines[0][0]
    raw = b"".join(line for _, line in lines)
    colon = raw.find(b":")
    name = raw[:colon]
    if not _FIELD_NAME.fullmatch(name):
        ctx.report(_K.HEADER_NAME, offset, name)
        name = name.strip(b" \t")
    value = _UNFOLD.sub(b"", raw[colon + 1 :]).removesuffix(b"\n").removesuffix(b"\r")
    field = HeaderField(name.decode("ascii", "replace"), raw, value, offset)
    _check_octets(ctx, field)
    _check_encoded_word_lines(ctx, lines)
    fields.append(field)
    lines.clear()


def _check_octets(ctx: ParseContext, field: HeaderField) -> None:
    control = _CONTROL.search(field.value)
    if control:
        ctx.report(_K.HEADER_CONTROL, field.offset, field.raw)
    if _EIGHT_BIT.search(field.raw) is None:
        return
    if not ctx.utf8:
        ctx.report(_K.HEADER_8BIT, field.offset, field.raw)
        return
    try:
        field.raw.decode("utf-8")
    except UnicodeDecodeError:
        ctx.report(_K.HEADER_BAD_UTF8, field.offset, field.raw)


def _check_encoded_word_lines(ctx: ParseContext, lines: list[tuple[int, bytes]]) -> None:
    for line_start, line in lines:
        content = line.rstrip(b"\r\n")
        if len(content) > _EW_LINE_LIMIT and ENCODED_WORD.search(content.decode("latin-1")):
            ctx.report(_K.EW_LINE_TOO_LONG, line_start, content)


def body_offset(raw: bytes) -> int:
    """Where the body of ``raw`` starts: after the empty line that ends the header section,
    at the first line that is no header field, or at the end when there is no body."""
    return read_header_section(ParseContext(raw), 0, len(raw))[1]
