"""The IMAP grammar's building blocks (RFC 9051 §9, RFC 3501 §9): a reader over one framed
command that takes atoms, strings, numbers and lists off it, and the typed defects it
finds.

A framed command is its lines and the literals between them (see ``_framing``): line
``parts[i]`` ends with the ``{n}`` announcing ``literals[i]``.  The reader never copies
the command; it matches the grammar's character classes with compiled patterns at its
position, so parsing costs no per-octet Python loop.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from reference_impl._defects import Defect

__all__ = [
    "MAX_NESTING",
    "Framed",
    "ImapDefectKind",
    "ImapSyntaxError",
    "Tokens",
]

T = TypeVar("T")

# Parenthesized lists nest in search keys, fetch attributes and responses; a peer that
# nests without bound must not make the parser recurse without bound.
MAX_NESTING = 32


class ImapDefectKind(enum.Enum):
    """A rule of the IMAP grammar a peer broke; the value quotes it and its section."""

    MISSING_TAG = "a command begins with a tag (RFC 9051 §2.2.1)"
    BAD_TAG = 'tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9)'
    EXPECTED_SPACE = "arguments are separated by a single SP (RFC 9051 §9)"
    EXPECTED_ATOM = "atom = 1*ATOM-CHAR (RFC 9051 §9)"
    EXPECTED_STRING = "string = quoted / literal (RFC 9051 §4.3)"
    BAD_QUOTED = 'quoted = DQUOTE *QUOTED-CHAR DQUOTE, "\\" escapes only DQUOTE and "\\"'
    EXPECTED_NUMBER = "number = 1*DIGIT, an unsigned 32-bit integer (RFC 9051 §4.2)"
    EXPECTED_LIST = 'a parenthesized list begins with "(" (RFC 9051 §4.4)'
    TOO_DEEP = "lists nested deeper than this server accepts (RFC 9051 §4.4)"
    TRAILING_DATA = "nothing follows a command's last argument but CRLF (RFC 9051 §9)"
    BAD_SEQUENCE_SET = 'sequence-set = (seq-number / seq-range) *("," ...) (RFC 9051 §9)'
    BAD_DATE = 'date = date-day "-" date-month "-" date-year (RFC 9051 §9)'
    BAD_FLAG = 'flag = "\\Answered" / ... / flag-keyword / flag-extension (RFC 9051 §9)'
    BAD_SECTION = 'section-spec = section-msgtext / section-part ["." section-text] (§9)'
    BAD_MAILBOX = "a mailbox name is valid modified UTF-7 or UTF-8 (RFC 3501 §5.1.3)"
    UNKNOWN_ITEM = "an item this grammar does not define"
    BAD_LITERAL = 'literal = "{" number ["+"] "}" CRLF *CHAR8 (RFC 9051 §9)'
    NUL_OCTET = "CHAR8 excludes NUL (RFC 9051 §4.3)"
    BAD_RESPONSE = "response = *(continue-req / response-data) response-done (RFC 9051 §9)"
    RESPONSE_TOO_BIG = "a response line or literal past the client's bound"
    UNKNOWN_TAG = "a tagged response answers a command the client sent (RFC 9051 §2.2.2)"


class ImapSyntaxError(Exception):
    """The command breaks the grammar; the server answers BAD (RFC 9051 §7.1.5)."""

    def __init__(self, defect: Defect) -> None:
        super().__init__(str(defect))
        self.defect = defect


def fault(kind: ImapDefectKind, detail: str = "") -> ImapSyntaxError:
    return ImapSyntaxError(Defect(kind=kind, detail=detail))


@dataclass(frozen=True, slots=True)
class Framed:
    """One complete command: ``parts[i]`` is followed by ``literals[i]``."""

    parts: tuple[bytes, ...]
    literals: tuple[bytes, ...]


# RFC 9051 §9: ATOM-CHAR is any CHAR except atom-specials: "(" ")" "{" SP CTL
# list-wildcards ("%" "*") quoted-specials (DQUOTE "\") resp-specials ("]").
_ATOM = re.compile(rb"[^(){ %*\"\\\]\x00-\x1f\x7f-\xff]+")
_ASTRING_ATOM = re.compile(rb"[^(){ %*\"\\\x00-\x1f\x7f-\xff]+")
# list-mailbox = 1*list-char / string; list-char = ATOM-CHAR / list-wildcards / "]".
_LIST_CHARS = re.compile(rb"[^(){ \"\\\x00-\x1f\x7f-\xff]+")
# Quoted: any octet but CR, LF, DQUOTE and "\", or "\" before DQUOTE or "\".  8-bit
# octets are UTF-8 under IMAP4rev2 / UTF8=ACCEPT (RFC 9051 §9 QUOTED-CHAR =/ UTF8-2...).
_QUOTED = re.compile(rb'"((?:[^"\\\r\n\x00]|\\["\\])*)"')
_UNESCAPE = re.compile(rb'\\(["\\])')
_EIGHT_BIT = re.compile(rb"[\x80-\xff]")
_NUMBER = re.compile(rb"[0-9]+")
_LITERAL_MARK = re.compile(rb"~?\{[0-9]+\+?\}\Z")
_MAX_NUMBER = 0xFFFFFFFF
_MAX_NUMBER64 = 0x7FFFFFFFFFFFFFFF


def _is_utf8(data: bytes) -> bool:
    """RFC 9051 §9 / RFC 6855 §3: 8-bit octets in a quoted string must be UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Tokens:
    """A cursor over a framed command."""

    def __init__(self, framed: Framed, *, depth_limit: int = MAX_NESTING) -> None:
        self._parts = framed.parts
        self._literals = framed.literals
        self._index = 0
        self._pos = 0
        self._depth = 0
        self._depth_limit = depth_limit

    # -- position ----------------------------------------------------------------

    @property
    def _line(self) -> bytes:
        return self._parts[self._index]

    def peek(self) -> bytes:
        """The next octet of the current line (b"" at its end)."""
        return self._line[self._pos : self._pos + 1]

    def at_end(self) -> bool:
        return self._index == len(self._parts) - 1 and self._pos == len(self._line)

    def end(self) -> None:
        if not self.at_end():
            raise fault(ImapDefectKind.TRAILING_DATA, self._rest_preview())

    def _rest_preview(self) -> str:
        return repr(self._line[self._pos : self._pos + 40])[2:-1]

    def skip(self, text: bytes) -> bool:
        """Consume ``text`` (case-insensitive) when it comes next."""
        found = self._line[self._pos : self._pos + len(text)]
        if found.upper() == text.upper():
            self._pos += len(text)
            return True
        return False

    def expect(self, text: bytes, kind: ImapDefectKind = ImapDefectKind.EXPECTED_SPACE) -> None:
        if not self.skip(text):
            raise fault(kind, f"expected {text.decode()!r} at {self._rest_preview()!r}")

    def sp(self) -> None:
        self.expect(b" ")

    def match(self, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
        found = pattern.match(self._line, self._pos)
        if found is not None:
            self._pos = found.end()
        return found

    # -- atoms, numbers, strings ---------------------------------------------------------

    def atom(self) -> bytes:
        found = self.match(_ATOM)
        if found is None:
            raise fault(ImapDefectKind.EXPECTED_ATOM, self._rest_preview())
        return found.group()

    def keyword(self) -> bytes:
        """An atom in upper case: a command name or an item name."""
        return self.atom().upper()

    def number(self, *, wide: bool = False) -> int:
        found = self.match(_NUMBER)
        limit = _MAX_NUMBER64 if wide else _MAX_NUMBER
        if found is None or len(found.group()) > 20 or int(found.group()) > limit:
            raise fault(ImapDefectKind.EXPECTED_NUMBER, self._rest_preview())
        return int(found.group())

    def nz_number(self) -> int:
        value = self.number()
        if value == 0:
            raise fault(ImapDefectKind.EXPECTED_NUMBER, "zero where nz-number is required")
        return value

    def string(self) -> bytes:
        quoted = self.match(_QUOTED)
        if quoted is not None:
            text = quoted.group(1)
            if _EIGHT_BIT.search(text) and not _is_utf8(text):
                raise fault(ImapDefectKind.BAD_QUOTED, "8-bit octets that are not UTF-8")
            return _UNESCAPE.sub(rb"\1", text)
        if self.peek() == b'"':
            raise fault(ImapDefectKind.BAD_QUOTED, self._rest_preview())
        literal = self._literal()
        if literal is None:
            raise fault(ImapDefectKind.EXPECTED_STRING, self._rest_preview())
        return literal

    def _literal(self) -> bytes | None:
        """The literal announced at the end of the current line, moving past it."""
        mark = _LITERAL_MARK.match(self._line, self._pos)
        if mark is None or self._index >= len(self._literals):
            return None
        data = self._literals[self._index]
        if mark.group().startswith(b"~"):
            raise fault(ImapDefectKind.BAD_LITERAL, "literal8 where a string is required")
        if b"\0" in data:
            raise fault(ImapDefectKind.NUL_OCTET)
        self._index += 1
        self._pos = 0
        return data

    def literal8(self) -> bytes | None:
        """A literal8 (``~{n}``, RFC 3516 §4.2 / RFC 9051 §9), NULs allowed, or None."""
        mark = _LITERAL_MARK.match(self._line, self._pos)
        if mark is None or not mark.group().startswith(b"~"):
            return None
        data = self._literals[self._index]
        self._index += 1
        self._pos = 0
        return data

    def astring(self) -> bytes:
        found = self.match(_ASTRING_ATOM)
        return found.group() if found is not None else self.string()

    def nstring(self) -> bytes | None:
        if self._nil():
            return None
        return self.string()

    def _nil(self) -> bool:
        after = self._line[self._pos + 3 : self._pos + 4]
        if self._line[self._pos : self._pos + 3].upper() == b"NIL" and after in (b"", b" ", b")"):
            self._pos += 3
            return True
        return False

    def list_mailbox(self) -> bytes:
        found = self.match(_LIST_CHARS)
        return found.group() if found is not None else self.string()

    # -- lists ---------------------------------------------------------------------------

    def paren_list(self, item: Callable[[Tokens], T], *, empty_ok: bool = True) -> list[T]:
        """``"(" [item *(SP item)] ")"``."""
        self.expect(b"(", ImapDefectKind.EXPECTED_LIST)
        self.enter()
        items: list[T] = []
        if not self.skip(b")"):
            items.append(item(self))
            while not self.skip(b")"):
                self.sp()
                items.append(item(self))
        self.leave()
        if not items and not empty_ok:
            raise fault(ImapDefectKind.EXPECTED_LIST, "an empty list where items are required")
        return items

    def enter(self) -> None:
        self._depth += 1
        if self._depth > self._depth_limit:
            raise fault(ImapDefectKind.TOO_DEEP, f"more than {self._depth_limit} levels")

    def leave(self) -> None:
        self._depth -= 1
