"""Mailbox names of one user's namespace (RFC 9051 §5.1).

Names are Unicode text as the IMAP layer decodes them; the store knows one hierarchy
delimiter and the reserved name INBOX.
"""

from __future__ import annotations

__all__ = ["DELIMITER", "INBOX", "check_name", "is_inbox", "normal_name"]

DELIMITER = "/"
INBOX = "INBOX"


def normal_name(name: str) -> str:
    """``name`` with a leading INBOX component in its canonical case.

    RFC 9051 §5.1: "The case-insensitive mailbox name INBOX is a special name reserved to
    mean 'the primary mailbox for this user on this server'"; its inferiors ("inbox/x")
    are named through it, so the first component is matched the same way.
    """
    head, sep, rest = name.partition(DELIMITER)
    if head.upper() == INBOX:
        return INBOX + sep + rest
    return name


def is_inbox(name: str) -> bool:
    return normal_name(name) == INBOX


def check_name(name: str) -> str:
    """The normal form of ``name``; ValueError for a name no mailbox can have."""
    if not name or "\0" in name:
        raise ValueError(f"invalid mailbox name {name!r}")
    parts = name.split(DELIMITER)
    if any(part == "" for part in parts):
        # "a//b", "/a" and "a/" would name a level with an empty name.
        raise ValueError(f"invalid mailbox name {name!r}: empty hierarchy level")
    return normal_name(name)
