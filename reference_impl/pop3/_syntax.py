"""Pure parsers for POP3 command lines (RFC 1939 §3, RFC 2449 §4, RFC 5034 §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CommandLine", "parse_command_line", "parse_message_number", "unique_id"]

# RFC 1939 §3: "a case-insensitive keyword, possibly followed by one or more
# arguments ... separated by a single SPACE character"; keywords are 3 or 4
# characters (RFC 2449 §3 keeps that for extensions).
_KEYWORD = re.compile(rb"[A-Za-z]{3,4}")
_DIGITS = re.compile(rb"[0-9]{1,9}")


@dataclass(frozen=True, kw_only=True)
class CommandLine:
    """A command as received: upper-cased keyword, the raw text after it, its words."""

    verb: str
    rest: bytes  # everything after "KEYWORD SP" (PASS takes it whole, RFC 1939 §7)
    arguments: tuple[bytes, ...]


def parse_command_line(line: bytes) -> CommandLine | None:
    """Split ``line`` (without CRLF); None when it does not start with a keyword."""
    keyword, _, rest = line.partition(b" ")
    if _KEYWORD.fullmatch(keyword) is None:
        return None
    words = tuple(rest.rstrip(b" ").split(b" ")) if rest.strip(b" ") else ()
    return CommandLine(verb=keyword.decode("ascii").upper(), rest=rest, arguments=words)


def parse_message_number(argument: bytes) -> int | None:
    """A message-number or line count: ``1*DIGIT`` (RFC 1939 §3); None otherwise."""
    if _DIGITS.fullmatch(argument) is None:
        return None
    return int(argument)


def unique_id(uid_validity: int, uid: int) -> str:
    """The UIDL unique-id of a message (RFC 1939 §7).

    It must be 1-70 characters in 0x21-0x7E, unique in the maildrop and the
    same in every session: the store's UIDVALIDITY and UID are exactly that
    (UIDs are never reused within one UIDVALIDITY, RFC 3501 §2.3.1.1).
    """
    return f"{uid_validity}.{uid}"
