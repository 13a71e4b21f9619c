"""Reading IMAP response data strictly enough for a verdict (RFC 9051 §9, RFC 3501 §9).

A response is a line, or lines each ending in a literal announcement with the literal's
octets after it (``Framed``).  ``Reader`` walks it: parenthesized lists, quoted strings,
literals (byte-exact), NIL and atoms; ``fetch_attributes`` reads a FETCH response's
``msg-att`` into a mapping from the attribute name (upper-cased, ``BODY[]``) to its value.
Anything the grammar does not allow is a ``DataError`` naming the octets.
"""

from __future__ import annotations

import re
from typing import TypeAlias

from reference_impl._escape import escape_octets
from reference_impl.imap import Framed, ImapResponse

__all__ = ["DataError", "Reader", "Value", "fetch_attributes"]

Value: TypeAlias = "bytes | list[Value] | None"

_LITERAL = re.compile(rb"~?\{([0-9]+)\+?\}\Z")
_ATOM = re.compile(rb'[^ ()"{\r\n]+')
# fetch att names: BODY[<section>]<<origin>>, BINARY[...], RFC822.SIZE ...; a section
# may hold a parenthesized header list with spaces.
_ATT_NAME = re.compile(rb"[A-Za-z0-9.]+(?:\[[^\]]*\])?(?:<[0-9]+>)?")
_QUOTED = re.compile(rb'"((?:[^"\\\r\n]|\\["\\])*)"')


class DataError(AssertionError):
    """Response data that the IMAP grammar does not allow."""


class Reader:
    def __init__(self, framed: Framed, start: int = 0) -> None:
        self._parts = framed.parts
        self._literals = framed.literals
        self._part = 0
        self._at = start

    @property
    def _line(self) -> bytes:
        return self._parts[self._part]

    def _fail(self, expected: str) -> DataError:
        rest = escape_octets(self._line[self._at : self._at + 60])
        return DataError(f"expected {expected} at '{rest}' in '{escape_octets(self._line[:80])}'")

    def peek(self) -> bytes:
        return self._line[self._at : self._at + 1]

    def skip(self, text: bytes) -> bool:
        if self._line[self._at : self._at + len(text)].upper() == text.upper():
            self._at += len(text)
            return True
        return False

    def expect(self, text: bytes) -> None:
        if not self.skip(text):
            raise self._fail(repr(text.decode()))

    def at_end(self) -> bool:
        return self._at >= len(self._line) and self._part == len(self._parts) - 1

    def value(self) -> Value:
        """One value: a list, a string (quoted or literal), NIL (None) or an atom."""
        first = self.peek()
        if first == b"(":
            return self.list()
        if first == b'"':
            return self._quoted()
        if first in (b"{", b"~"):
            return self._literal()
        found = _ATOM.match(self._line, self._at)
        if found is None:
            raise self._fail("a value")
        self._at = found.end()
        atom = found.group(0)
        return None if atom.upper() == b"NIL" else atom

    def list(self) -> list[Value]:
        self.expect(b"(")
        items: list[Value] = []
        while not self.skip(b")"):
            # RFC 3501 §9 writes lists of lists without a space between them: the bodies
            # of body-type-mpart (1*body) and the addresses of an envelope (1*address).
            if items and not (isinstance(items[-1], list) and self.peek() == b"("):
                self.expect(b" ")
            items.append(self.value())
        return items

    def att_name(self) -> bytes:
        found = _ATT_NAME.match(self._line, self._at)
        if found is None:
            raise self._fail("a fetch attribute name")
        self._at = found.end()
        return found.group(0).upper()

    def _quoted(self) -> bytes:
        found = _QUOTED.match(self._line, self._at)
        if found is None:
            raise self._fail("a quoted string")
        self._at = found.end()
        return re.sub(rb'\\(["\\])', rb"\1", found.group(1))

    def _literal(self) -> bytes:
        found = _LITERAL.match(self._line, self._at)
        if found is None or self._part >= len(self._literals):
            raise self._fail("a literal announcement ending its line")
        data = self._literals[self._part]
        if len(data) != int(found.group(1)):
            raise self._fail(f"a literal of {found.group(1)} octets")
        self._part += 1
        self._at = 0
        return data


def fetch_attributes(response: ImapResponse) -> dict[bytes, Value]:
    """``* n FETCH (name value ...)`` as {name: value} (RFC 3501 §7.4.2)."""
    head = re.match(rb"\* [0-9]+ FETCH ", response.framed.parts[0], re.IGNORECASE)
    if head is None:
        raise DataError(f"not a FETCH response: '{escape_octets(response.line[:80])}'")
    reader = Reader(response.framed, head.end())
    reader.expect(b"(")
    found: dict[bytes, Value] = {}
    while not reader.skip(b")"):
        if found:
            reader.expect(b" ")
        name = reader.att_name()
        reader.expect(b" ")
        found[name] = reader.value()
    return found
