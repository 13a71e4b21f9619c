"""POP2 command lines (RFC 937 "Formal Syntax", pages 15-16) and argument quoting.

    <helo> = HELO <SP> <user> <SP> <password> <CRLF>    <user>, <password> = <word>
    <fold> = FOLD <SP> <mailbox> <CRLF>                 <mailbox> = <string>
    <read> = READ [<SP> <number>] <CRLF>
    <retr> = RETR <CRLF>   (and ACKS, ACKD, NACK, QUIT alike)
    <print> = <letter> | <digit> | <punct> | <quote> <any>      <quote> = \\

"Quoting" (page 6): "To include a space in an argument the two character sequence
"back-slash, space" is transmitted.  To include a back-slash in an argument the two
character sequence "back-slash, back-slash" is transmitted."
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reference_impl.pop2._states import Command

__all__ = ["CommandLine", "parse_command_line", "parse_number", "quote", "split_words", "unquote"]

_COMMANDS = {command.value: command for command in Command}
_DIGITS = re.compile(rb"[0-9]+\Z")


@dataclass(frozen=True, kw_only=True)
class CommandLine:
    """A command in its grammar: ``arguments`` are unquoted (HELO: user and password;
    FOLD: the mailbox; READ: the number's digits or nothing)."""

    command: Command
    arguments: tuple[bytes, ...]


def quote(argument: bytes) -> bytes:
    """Quote back-slashes and spaces for a command argument."""
    return argument.replace(b"\\", b"\\\\").replace(b" ", b"\\ ")


def unquote(text: bytes) -> bytes | None:
    """Undo the quoting of one argument; None if it ends in a lone back-slash."""
    words = split_words(text, limit=1)
    return words[0] if words is not None else None


def split_words(text: bytes, *, limit: int | None = None) -> list[bytes] | None:
    """Split at unquoted spaces (after ``limit`` words, spaces are kept).

    ``<quote> <any>`` stands for the character after the back-slash.  None when the
    text ends with a lone back-slash or two spaces meet (an empty <word>).
    """
    words: list[bytes] = []
    current = bytearray()
    escaped = False
    for octet in text:
        if escaped:
            current.append(octet)
            escaped = False
        elif octet == 0x5C:
            escaped = True
        elif octet == 0x20 and (limit is None or len(words) + 1 < limit):
            if not current:
                return None
            words.append(bytes(current))
            current.clear()
        else:
            current.append(octet)
    if escaped or not current:
        return None
    words.append(bytes(current))
    return words


def parse_number(digits: bytes) -> int | None:
    """<number> = <digit> | <digit> <number>: decimal, no sign (page 5 "Numbers")."""
    return int(digits) if _DIGITS.match(digits) else None


def parse_command_line(line: bytes) -> CommandLine | None:
    """One command line without its CRLF; None when it fits no production (garbage)."""
    keyword, space, rest = line.partition(b" ")
    # The grammar spells keywords in capitals; lower case is taken as well, as the
    # other mail protocols of the time (RFC 821 §4.1.2) did.
    command = _COMMANDS.get(keyword.decode("ascii", "replace").upper())
    if command is None:
        return None
    if command is Command.HELO:
        words = split_words(rest) if space else None
        valid = words is not None and len(words) == 2
        return CommandLine(command=command, arguments=tuple(words or ())) if valid else None
    if command is Command.FOLD:
        mailbox = unquote(rest) if space else None
        return CommandLine(command=command, arguments=(mailbox,)) if mailbox else None
    if command is Command.READ and space:
        number = parse_number(rest)
        return None if number is None else CommandLine(command=command, arguments=(rest,))
    return None if space else CommandLine(command=command, arguments=())
