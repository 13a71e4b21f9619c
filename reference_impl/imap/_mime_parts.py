"""A message's MIME parts as byte ranges of the message, for FETCH BODY[section]
(RFC 9051 §6.4.5): part numbers, each part's header and body, the HEADER.FIELDS
selection.  Only the structure is parsed; the octets returned are the stored ones,
unchanged, so a fetch is byte-exact.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import re
from dataclasses import dataclass
from functools import cached_property

__all__ = ["Part", "header_fields", "parse_part"]

_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_FIELD_START = re.compile(rb"^(?=[^ \t\r\n])", re.MULTILINE)
_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)
# A multipart nested deeper than this is treated as a leaf: bounded work on hostile mail.
_MAX_DEPTH = 40


@dataclass(frozen=True)
class Part:
    """``header`` ends with the blank line that separates it from ``body`` (if any)."""

    header: bytes
    body: bytes
    default_type: str = "text/plain"
    depth: int = 0

    @classmethod
    def of(cls, raw: bytes, *, default_type: str = "text/plain", depth: int = 0) -> Part:
        found = _BLANK_LINE.search(raw)
        if found is None:
            return cls(header=raw, body=b"", default_type=default_type, depth=depth)
        return cls(raw[: found.end()], raw[found.end() :], default_type, depth)

    @cached_property
    def fields(self) -> email.message.Message:
        return _HEADER_PARSER.parsebytes(self.header)

    @property
    def content_type(self) -> str:
        # RFC 2045 §5.2: an invalid Content-Type means text/plain (compat32 says so);
        # a missing one means the default of the enclosing multipart (RFC 2046 §5.1.5).
        if "Content-Type" not in self.fields:
            return self.default_type
        return self.fields.get_content_type()

    @property
    def is_multipart(self) -> bool:
        return self.content_type.startswith("multipart/") and self.depth < _MAX_DEPTH

    @property
    def is_message(self) -> bool:
        return self.content_type in ("message/rfc822", "message/global") and self.depth < _MAX_DEPTH

    @cached_property
    def children(self) -> list[Part]:
        """Body parts of a multipart (RFC 2046 §5.1.1); the one message of message/rfc822."""
        if self.is_message:
            return [Part.of(self.body, depth=self.depth + 1)]
        if not self.is_multipart:
            return []
        boundary = self.fields.get_param("boundary")
        if not isinstance(boundary, str) or not boundary:
            return []
        default = "message/rfc822" if self.content_type == "multipart/digest" else "text/plain"
        return [
            Part.of(chunk, default_type=default, depth=self.depth + 1)
            for chunk in _split_multipart(self.body, boundary.encode("utf-8", "replace"))
        ]

    def find(self, path: tuple[int, ...]) -> Part | None:
        """The part numbered ``path`` (RFC 9051 §6.4.5): a non-multipart message has one
        part, 1; the parts of an encapsulated message are numbered within it."""
        part: Part = self
        for number in path:
            if part.is_message:
                part = part.children[0]
            children = part.children if part.is_multipart else [part]
            if not 1 <= number <= len(children):
                return None
            part = children[number - 1]
        return part


def _split_multipart(body: bytes, boundary: bytes) -> list[bytes]:
    """The body parts between the delimiter lines; the CRLF before a delimiter belongs
    to the delimiter (RFC 2046 §5.1.1)."""
    delimiter = re.compile(rb"(?:^|\r?\n)--" + re.escape(boundary) + rb"(--)?[ \t]*(?:\r?\n|$)")
    chunks: list[bytes] = []
    start: int | None = None
    for found in delimiter.finditer(body):
        if start is not None:
            chunks.append(body[start : found.start()])
        if found.group(1):
            return chunks
        start = found.end()
    if start is not None:
        chunks.append(body[start:])
    return chunks


def parse_part(raw: bytes) -> Part:
    return Part.of(raw)


def header_fields(header: bytes, names: tuple[bytes, ...], *, exclude: bool) -> bytes:
    """The header's fields named in ``names`` (or all others), in order, ending with the
    blank line (RFC 9051 §6.4.5 HEADER.FIELDS / HEADER.FIELDS.NOT)."""
    wanted = {name.lower() for name in names}
    kept = []
    if header.endswith(b"\n\n") or header.endswith(b"\r\n\r\n"):
        header = header[: -2 if header.endswith(b"\r\n\r\n") else -1]
    for field in _FIELD_START.split(header):
        if not field or field in (b"\r\n", b"\n"):
            continue
        name = field.split(b":", 1)[0].strip().lower()
        if (name in wanted) != exclude and b":" in field:
            kept.append(field)
    return b"".join(kept) + b"\r\n"
