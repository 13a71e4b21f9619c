"""Cutting the client's octet stream into commands, literals included (RFC 9051 §4.3,
§7.5; RFC 7888).

A command is one or more lines; a line ending with ``{n}`` (synchronizing) or ``{n+}``
(non-synchronizing) is followed by n octets of literal, then the command goes on in the
next line.  For a synchronizing literal the server must send a ``+`` continuation before
the client sends the octets (RFC 9051 §7.5); the framer stops and lets the core decide.
Every size is bounded: a line past ``max_line`` and a literal past ``max_literal`` are
refused, and what the client sends of a refused command is thrown away as it arrives,
never buffered (RFC 7888 §4, choice 1).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from reference_impl._receive import ReceiveBuffer
from reference_impl.imap._grammar import Framed

__all__ = [
    "CommandFramed",
    "CommandFramer",
    "FramingLimits",
    "FramingRefused",
    "LiteralAnnounced",
    "Refusal",
]

# RFC 9051 §9 literal / literal8 at the end of a line; the digits are bounded so a
# number of any length cannot cost an int() of that length.
_TRAILING_LITERAL = re.compile(rb"~?\{([0-9]{1,20})(\+?)\}\Z")
# RFC 7888 §5: under LITERAL- a non-synchronizing literal is at most 4096 octets.
LITERAL_MINUS_LIMIT = 4096
_HEAD = 256  # octets of a line's start kept so a refusal can still echo its tag


@dataclass(frozen=True, kw_only=True)
class FramingLimits:
    # RFC 2683 §3.2.1.5: servers should accept command lines of at least 8000 octets.
    max_line: int = 64 * 1024
    max_literal: int = 64 * 1024 * 1024
    # Before login a literal holds a user name, a password or a SASL response: a large
    # one is refused, never buffered for a client nobody knows (Dovecot's imap-login
    # refuses too).
    max_literal_before_login: int = 8 * 1024
    max_command: int = 96 * 1024 * 1024  # lines and literals of one command together
    literal_minus: bool = False


class Refusal(enum.Enum):
    LINE_TOO_LONG = "command line too long"
    LITERAL_TOO_BIG = "literal too big"
    NON_SYNC_TOO_BIG = "non-synchronizing literal over 4096 octets (RFC 7888 §5)"
    COMMAND_TOO_BIG = "command too big"


@dataclass(frozen=True, kw_only=True)
class CommandFramed:
    framed: Framed


@dataclass(frozen=True, kw_only=True)
class LiteralAnnounced:
    """A synchronizing literal: answer ``+`` (``accept_literal``) or refuse it."""

    first_line: bytes
    size: int


@dataclass(frozen=True, kw_only=True)
class FramingRefused:
    """The command cannot be taken; ``first_line`` holds what is known of its start."""

    first_line: bytes
    refusal: Refusal


FramerOutput = CommandFramed | LiteralAnnounced | FramingRefused


@dataclass
class CommandFramer:
    limits: FramingLimits = field(default_factory=FramingLimits)
    _parts: list[bytes] = field(default_factory=list)
    _literals: list[bytes] = field(default_factory=list)
    _literal: bytearray = field(default_factory=bytearray)
    _wanted: int = 0  # literal octets still to read
    _announced: int = -1  # a synchronizing literal's size while the core decides
    _discarding: bool = False  # the rest of a refused command is being thrown away
    _size: int = 0
    _head: bytes = b""

    def reset(self) -> None:
        self._parts, self._literals = [], []
        self._literal = bytearray()
        self._wanted, self._announced, self._size = 0, -1, 0
        self._discarding = False
        self._head = b""

    def accept_literal(self) -> None:
        """The core sent ``+``: the announced octets come next."""
        self._wanted, self._announced = self._announced, -1
        if not self._wanted:
            self._literals.append(b"")

    def refuse_literal(self) -> None:
        """The core answered the command instead: the client sends no literal
        (RFC 9051 §7.5) and its next line is a new command."""
        self.reset()

    def next(self, inbox: ReceiveBuffer) -> FramerOutput | None:
        """The next thing the core must act on, or None until more octets arrive."""
        while self._announced < 0:
            if self._wanted and not self._read_literal(inbox):
                return None
            if not self._parts and not inbox.discarding:
                self._head = inbox.peek(_HEAD)
            line = inbox.extract_line(self.limits.max_line)
            if line is None:
                return None
            output = self._take_line(line.content, too_long=line.too_long)
            if output is not None:
                return output
        return None

    def _read_literal(self, inbox: ReceiveBuffer) -> bool:
        """Read what is buffered of the literal; True once it is complete."""
        taken = inbox.extract_at_most(self._wanted)
        self._wanted -= len(taken)
        if not self._discarding:
            self._literal += taken
        if self._wanted:
            return False
        if not self._discarding:
            self._literals.append(bytes(self._literal))
        self._literal = bytearray()
        return True

    def _take_line(self, content: bytes, *, too_long: bool) -> FramerOutput | None:
        mark = _TRAILING_LITERAL.search(content)
        if self._discarding:
            self._discard_through(mark)
            return None
        first = self._parts[0] if self._parts else (self._head if too_long else content)
        self._parts.append(content)
        self._size += len(content) + 2
        if too_long or self._size > self.limits.max_command:
            reason = Refusal.LINE_TOO_LONG if too_long else Refusal.COMMAND_TOO_BIG
            return self._refuse(first, reason, mark)
        if mark is None:
            framed = Framed(parts=tuple(self._parts), literals=tuple(self._literals))
            self.reset()
            return CommandFramed(framed=framed)
        size, synchronizing = int(mark.group(1)), not mark.group(2)
        self._size += size
        if size > self.limits.max_literal or self._size > self.limits.max_command:
            return self._refuse(first, Refusal.LITERAL_TOO_BIG, mark)
        if not synchronizing and self.limits.literal_minus and size > LITERAL_MINUS_LIMIT:
            return self._refuse(first, Refusal.NON_SYNC_TOO_BIG, mark)
        if synchronizing:
            # RFC 9051 §7.5: even {0} waits for "+" (the client sends nothing before it).
            self._announced = size
            return LiteralAnnounced(first_line=first, size=size)
        self._wanted = size
        if not size:
            self._literals.append(b"")
        return None

    def _refuse(self, first: bytes, refusal: Refusal, mark: re.Match[bytes] | None) -> FramerOutput:
        self.reset()
        self._discarding = True
        self._discard_through(mark)
        return FramingRefused(first_line=first, refusal=refusal)

    def _discard_through(self, mark: re.Match[bytes] | None) -> None:
        """Throw away the rest of a refused command: a non-synchronizing literal the
        client sends anyway, and the line after it.  A synchronizing literal is never
        sent without our "+", so the command ends there (RFC 9051 §7.5)."""
        if mark is not None and mark.group(2) == b"+":
            self._wanted = int(mark.group(1))
        else:
            self.reset()
