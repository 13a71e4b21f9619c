"""Evaluating SEARCH keys (RFC 9051 §6.4.4, RFC 3501 §6.4.4) against one message.

String keys match a substring, case-insensitively (RFC 9051 §6.4.4: "In all search keys
that use strings ... a message matches the key if the string is a substring of the
associated text"); header text is compared after RFC 2047 decoding, so a search in
UTF-8 finds an encoded word.
"""

from __future__ import annotations

import datetime
import email.utils
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from reference_impl.imap._search_syntax import FLAG_KEYS, SearchKey
from reference_impl.mime import Entity, decoded_text, parse_message
from reference_impl.store import StoredMessage

__all__ = ["Candidate", "matches", "needs_content", "uses_modseq"]

_CONTENT_KEYS = frozenset(
    {
        "BCC",
        "BODY",
        "CC",
        "FROM",
        "HEADER",
        "SUBJECT",
        "TEXT",
        "TO",
        "SENTBEFORE",
        "SENTON",
        "SENTSINCE",
    }
)


@dataclass
class Candidate:
    """One message as SEARCH sees it."""

    seq: int
    message: StoredMessage
    flags: frozenset[str]
    largest_seq: int
    largest_uid: int
    load: Callable[[], bytes] = field(repr=False)
    saved: frozenset[int] = frozenset()  # UIDs of "$" (RFC 9051 §6.4.4.1)

    @cached_property
    def entity(self) -> Entity:
        return parse_message(self.load()).root

    def has_field(self, name: str) -> bool:
        return any(f.key == name.lower() for f in self.entity.fields)

    def header_text(self, name: str) -> str:
        """The fields' values, encoded words decoded (RFC 2047)."""
        values = [f.text for f in self.entity.fields if f.key == name.lower()]
        return " ".join(decoded_text(value) for value in values)


def uses_modseq(key: SearchKey) -> bool:
    return key.name == "MODSEQ" or any(uses_modseq(child) for child in key.children)


def needs_content(key: SearchKey) -> bool:
    return key.name in _CONTENT_KEYS or any(needs_content(child) for child in key.children)


def matches(key: SearchKey, message: Candidate, charset: str) -> bool:
    match key.name:
        case "AND":
            return all(matches(child, message, charset) for child in key.children)
        case "OR":
            return any(matches(child, message, charset) for child in key.children)
        case "NOT":
            return not matches(key.children[0], message, charset)
        case "ALL":
            return True
        case "SET" | "UID" if key.numbers is not None and key.numbers.saved:
            return message.message.uid in message.saved
        case "SET":
            assert key.numbers is not None
            return bool(key.numbers.members([message.seq], message.largest_seq))
        case "UID":
            assert key.numbers is not None
            return bool(key.numbers.members([message.message.uid], message.largest_uid))
    if key.name in FLAG_KEYS:
        flag, wanted = FLAG_KEYS[key.name]
        return (flag in message.flags) == wanted
    return _other(key, message, charset)


def _other(key: SearchKey, message: Candidate, charset: str) -> bool:
    flags = message.flags
    match key.name:
        case "NEW":
            return "\\Recent" in flags and "\\Seen" not in flags
        case "OLD":
            return "\\Recent" not in flags
        case "RECENT":
            return "\\Recent" in flags
        case "KEYWORD":
            return key.flag in flags
        case "UNKEYWORD":
            return key.flag not in flags
        case "MODSEQ":
            return message.message.modseq >= key.number
        case "LARGER":
            return message.message.size > key.number
        case "SMALLER":
            return message.message.size < key.number
        case "BEFORE" | "ON" | "SINCE":
            internal = datetime.datetime.fromtimestamp(message.message.internal_date, datetime.UTC)
            return _compare_day(key.name, internal.date(), key.day)
        case "SENTBEFORE" | "SENTON" | "SENTSINCE":
            sent = _sent_date(message)
            return sent is not None and _compare_day(key.name.removeprefix("SENT"), sent, key.day)
    return _text(key, message, charset)


def _compare_day(how: str, day: datetime.date, wanted: datetime.date | None) -> bool:
    assert wanted is not None
    if how == "BEFORE":
        return day < wanted
    if how == "ON":
        return day == wanted
    return day >= wanted


def _sent_date(message: Candidate) -> datetime.date | None:
    # RFC 9051 §6.4.4: the Date header field, "disregarding time and timezone".
    value = message.header_text("Date")
    try:
        return email.utils.parsedate_to_datetime(value).date() if value else None
    except (TypeError, ValueError):
        return None


def _text(key: SearchKey, message: Candidate, charset: str) -> bool:
    needle = key.text.decode(charset, "replace").casefold()
    match key.name:
        case "HEADER":
            field_name = key.field.decode("ascii", "replace")
            present = message.has_field(field_name)
            return present and needle in message.header_text(field_name).casefold()
        case "BODY":
            return needle in _body_text(message.entity)
        case "TEXT":
            header = message.entity.header_bytes.decode("utf-8", "replace").casefold()
            return needle in header or needle in _body_text(message.entity)
    return needle in message.header_text(key.name.capitalize()).casefold()


def _body_text(entity: Entity) -> str:
    return entity.raw_body.decode("utf-8", "replace").casefold()
