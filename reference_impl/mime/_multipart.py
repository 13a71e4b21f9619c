"""Splitting a multipart body at its boundary delimiters (RFC 2046 §5.1.1).

The delimiter lines are found with one regex over the body; the CRLF before each delimiter
belongs to the delimiter, not to the part before it.  A line that merely starts with the
delimiter is reported (the boundary MUST NOT be the prefix of any line) and kept as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_impl.mime._context import ParseContext
from reference_impl.mime._kinds import MimeDefectKind

__all__ = ["Split", "boundary_is_valid", "split_multipart"]

_K = MimeDefectKind
# boundary := 0*69<bchars> bcharsnospace  (RFC 2046 §5.1.1)
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_PADDING = re.compile(rb"[ \t]*")


@dataclass
class Split:
    """Where each part, the preamble and the epilogue lie, as (start, end) offsets."""

    parts: list[tuple[int, int]] = field(default_factory=list)
    preamble: tuple[int, int] = (0, 0)
    epilogue: tuple[int, int] = (0, 0)


def boundary_is_valid(boundary: str) -> bool:
    return _BOUNDARY.fullmatch(boundary) is not None


def split_multipart(ctx: ParseContext, boundary: str, start: int, end: int) -> Split:
    """Find the parts of the body between ``start`` and ``end``; report what is wrong."""
    delimiter = re.compile(
        rb"^--" + re.escape(boundary.encode("utf-8", "surrogateescape")) + rb"([^\r\n]*)\r?$",
        re.MULTILINE,
    )
    split = Split(preamble=(start, start), epilogue=(end, end))
    part_start: int | None = None
    for match in delimiter.finditer(ctx.raw, start, end):
        rest = match.group(1)
        closing = rest.startswith(b"--")
        padding = rest[2:] if closing else rest
        if not _PADDING.fullmatch(padding):
            ctx.report(_K.BOUNDARY_IN_PART, match.start(), match.group())
            continue
        if padding:
            ctx.report(_K.TRANSPORT_PADDING, match.start(), match.group())
        before = _before_line_break(ctx.raw, match.start(), part_start or start)
        if part_start is None:
            split.preamble = (start, before)
        else:
            split.parts.append((part_start, before))
        line_end = match.end() + (ctx.raw[match.end() : match.end() + 1] == b"\n")
        if closing:
            split.epilogue = (line_end, end)
            return split
        part_start = line_end
    if part_start is None:
        ctx.report(_K.NO_FIRST_DELIMITER, start, boundary)
        split.preamble = (start, end)
        return split
    ctx.report(_K.NO_CLOSE_DELIMITER, end, boundary)
    split.parts.append((part_start, end))
    return split


def _before_line_break(raw: bytes, line_start: int, floor: int) -> int:
    """Where the content before a delimiter line ends: before its CRLF (or bare LF)."""
    if line_start - 2 >= floor and raw[line_start - 2 : line_start] == b"\r\n":
        return line_start - 2
    if line_start - 1 >= floor and raw[line_start - 1 : line_start] == b"\n":
        return line_start - 1
    return line_start
