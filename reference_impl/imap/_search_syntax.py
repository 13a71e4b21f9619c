"""SEARCH keys (RFC 9051 §6.4.4 and §9 search-key; RFC 3501 §6.4.4), parsed into a tree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._syntax import SequenceSet, date, flag, sequence_set

__all__ = ["FLAG_KEYS", "SearchKey", "search_keys"]

# Keys that test one flag: name -> (flag, wanted).  RECENT/NEW/OLD are rev1's (§6.4.4).
FLAG_KEYS: dict[str, tuple[str, bool]] = {
    "ANSWERED": ("\\Answered", True),
    "DELETED": ("\\Deleted", True),
    "DRAFT": ("\\Draft", True),
    "FLAGGED": ("\\Flagged", True),
    "SEEN": ("\\Seen", True),
    "UNANSWERED": ("\\Answered", False),
    "UNDELETED": ("\\Deleted", False),
    "UNDRAFT": ("\\Draft", False),
    "UNFLAGGED": ("\\Flagged", False),
    "UNSEEN": ("\\Seen", False),
}
_NO_ARGUMENT = frozenset({"ALL", "NEW", "OLD", "RECENT", *FLAG_KEYS})
_STRING_KEYS = frozenset({"BCC", "BODY", "CC", "FROM", "SUBJECT", "TEXT", "TO"})
_DATE_KEYS = frozenset({"BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE"})


@dataclass(frozen=True, slots=True)
class SearchKey:
    """One search key; ``AND`` is a parenthesized list (and a whole program)."""

    name: str
    text: bytes = b""
    field: bytes = b""  # HEADER's field name
    number: int = 0
    day: datetime.date | None = None
    flag: str = ""
    numbers: SequenceSet | None = None  # a sequence set, or UID's UID set
    children: tuple[SearchKey, ...] = ()


def search_keys(tokens: Tokens) -> SearchKey:
    """search-key *(SP search-key), as one AND."""
    keys = [search_key(tokens)]
    while not tokens.at_end():
        tokens.sp()
        keys.append(search_key(tokens))
    return SearchKey(name="AND", children=tuple(keys))


def search_key(tokens: Tokens) -> SearchKey:
    if tokens.peek() == b"(":
        return SearchKey(name="AND", children=tuple(tokens.paren_list(search_key, empty_ok=False)))
    if tokens.peek() in (b"*", b"$") or tokens.peek().isdigit():
        return SearchKey(name="SET", numbers=sequence_set(tokens))
    name = tokens.keyword().decode("ascii")
    if name in _NO_ARGUMENT:
        return SearchKey(name=name)
    tokens.sp()
    if name in _STRING_KEYS:
        return SearchKey(name=name, text=tokens.astring())
    if name in _DATE_KEYS:
        return SearchKey(name=name, day=date(tokens))
    return _key_with_argument(tokens, name)


def _key_with_argument(tokens: Tokens, name: str) -> SearchKey:
    if name == "HEADER":
        field = tokens.astring()
        tokens.sp()
        return SearchKey(name=name, field=field, text=tokens.astring())
    if name in ("KEYWORD", "UNKEYWORD"):
        return SearchKey(name=name, flag=flag(tokens))
    if name in ("LARGER", "SMALLER"):
        return SearchKey(name=name, number=tokens.number())
    if name == "UID":
        return SearchKey(name=name, numbers=sequence_set(tokens))
    if name == "MODSEQ":
        # RFC 7162 §3.1.5: MODSEQ [entry-name SP entry-type-req SP] mod-sequence-valzer;
        # the entry narrows nothing here (one mod-sequence per message).
        if tokens.peek() == b'"':
            tokens.string()
            tokens.sp()
            tokens.atom()
            tokens.sp()
        return SearchKey(name=name, number=tokens.number(wide=True))
    if name == "NOT":
        tokens.enter()
        child = search_key(tokens)
        tokens.leave()
        return SearchKey(name=name, children=(child,))
    if name == "OR":
        tokens.enter()
        first = search_key(tokens)
        tokens.sp()
        second = search_key(tokens)
        tokens.leave()
        return SearchKey(name=name, children=(first, second))
    raise fault(ImapDefectKind.UNKNOWN_ITEM, f"no search key {name[:40]!r}")
