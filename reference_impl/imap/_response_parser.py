"""Server responses as the client core reads them (RFC 9051 §7, §9 response).

A response is framed like a command (lines and the literals they announce, see
``_framing``), then split into its tag (``*``, ``+`` or a command's tag), and, for a
status response, its status, response code and text.  Untagged data keep their words
and literals for the caller to parse with ``Tokens``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reference_impl.imap._grammar import Framed, Tokens

__all__ = ["ImapResponse", "parse_response"]

_STATUSES = frozenset({b"OK", b"NO", b"BAD", b"PREAUTH", b"BYE"})
# resp-text = ["[" resp-text-code "]" SP] [text] (RFC 9051 §9).
_RESP_TEXT = re.compile(rb"(?:\[([^\]]*)\] ?)?(.*)\Z", re.DOTALL)
_HEAD = re.compile(rb"([^ ]+) ?([^ ]*) ?(.*)\Z", re.DOTALL)


@dataclass(frozen=True, kw_only=True)
class ImapResponse:
    """``tag`` is ``b"*"`` (untagged), ``b"+"`` (continuation request) or a command's tag.

    ``status`` is OK / NO / BAD / PREAUTH / BYE for a status response, else b"".
    ``number`` and ``keyword`` name untagged data (``* 3 EXISTS``: 3, EXISTS;
    ``* CAPABILITY ...``: None, CAPABILITY).  ``framed`` is the whole response.
    """

    tag: bytes
    status: bytes = b""
    code: bytes = b""
    text: bytes = b""
    number: int | None = None
    keyword: bytes = b""
    framed: Framed

    @property
    def untagged(self) -> bool:
        return self.tag == b"*"

    @property
    def continuation(self) -> bool:
        return self.tag == b"+"

    @property
    def line(self) -> bytes:
        """The first line, without CRLF (what a transcript shows)."""
        return self.framed.parts[0]

    def data(self) -> Tokens:
        """A reader positioned after the keyword (untagged data) for parsing the rest."""
        tokens = Tokens(self.framed)
        tokens.skip(b"* ")
        if self.number is not None:
            tokens.number()
            tokens.skip(b" ")
        tokens.skip(self.keyword)
        tokens.skip(b" ")
        return tokens


def parse_response(framed: Framed) -> ImapResponse | None:
    """The response, or None when its first line has no tag (a defect for the caller)."""
    head = _HEAD.match(framed.parts[0])
    if head is None or not head.group(1):
        return None
    tag, word, rest = head.group(1), head.group(2), head.group(3)
    if tag == b"+":
        text = framed.parts[0][2:]
        return ImapResponse(tag=tag, text=text, framed=framed)
    if word.upper() in _STATUSES:
        found = _RESP_TEXT.match(rest)
        assert found is not None
        code = found.group(1) or b""
        return ImapResponse(
            tag=tag, status=word.upper(), code=code, text=found.group(2), framed=framed
        )
    if tag == b"*" and word.isdigit():
        keyword = rest.split(b" ", 1)[0].upper()
        return ImapResponse(tag=tag, number=int(word), keyword=keyword, framed=framed)
    return ImapResponse(tag=tag, keyword=word.upper(), text=rest, framed=framed)
