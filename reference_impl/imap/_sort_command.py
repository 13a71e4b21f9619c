"""SORT and UID SORT (RFC 5256 §3): the messages SEARCH would find, in the order of the
sort criteria, ties broken by sequence number.

Strings are compared with i;unicode-casemap (§7, RFC 5051: each character to its
titlecase, then canonical decomposition, compared as UTF-8 octets); an address key
compares the addr-mailbox of the field's first address, a missing one as the empty
string; SUBJECT compares the base subject of §2.1.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._responses import Reply, no, ok, untagged
from reference_impl.imap._search_command import CHARSETS, matching
from reference_impl.imap._search_syntax import search_keys
from reference_impl.imap._session import Outcome, Session, with_updates
from reference_impl.mime import Entity, decoded_text, parse_message
from reference_impl.mime._addresses import Mailbox, parse_address_list
from reference_impl.mime._dates import parse_date
from reference_impl.store import MailStore, StoredMessage

__all__ = ["base_subject", "sort"]

_KEYS = frozenset({"ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO"})
_CONTENT_KEYS = frozenset({"CC", "DATE", "FROM", "SUBJECT", "TO"})

SortValue = int | float | bytes


@dataclass(frozen=True)
class _Criterion:
    key: str
    reverse: bool


def sort(session: Session, tokens: Tokens, *, uid: bool) -> Outcome:
    """sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria (RFC 5256 §5)."""
    tokens.sp()
    criteria = tokens.paren_list(_criterion, empty_ok=False)
    tokens.sp()
    charset = tokens.astring().decode("ascii", "replace").upper()  # required here (§3)
    tokens.sp()
    program = search_keys(tokens)
    if charset not in CHARSETS:
        return no("unsupported charset", b"BADCHARSET (US-ASCII UTF-8)")
    view = session.selected

    def run(store: MailStore) -> Reply:
        found, messages = matching(session, store, program, CHARSETS[charset])
        keyed = [(_sort_key(criteria, messages[u]), view.seq_of(u) or 0, u) for u in found]
        keyed.sort(key=lambda entry: (entry[0], entry[1]))
        numbers = [u if uid else seq for _, seq, u in keyed]
        return ok("sorted", data=untagged(b"SORT" + b"".join(b" %d" % n for n in numbers)))

    return with_updates(session, run, expunge=uid)


def _criterion(tokens: Tokens) -> _Criterion:
    word = tokens.keyword().decode("ascii")
    reverse = word == "REVERSE"
    if reverse:
        tokens.sp()
        word = tokens.keyword().decode("ascii")
    if word not in _KEYS:
        raise fault(ImapDefectKind.UNKNOWN_ITEM, f"no sort key {word[:40]!r} (RFC 5256 §3)")
    return _Criterion(word, reverse)


class _Reversed:
    """A sort value that orders backwards (REVERSE, RFC 5256 §3)."""

    __slots__ = ("value",)

    def __init__(self, value: SortValue) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return other.value < self.value  # type: ignore[operator]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    __hash__ = None  # type: ignore[assignment]


def _sort_key(criteria: list[_Criterion], message: StoredMessage) -> tuple[object, ...]:
    entity = (
        parse_message(message.path.read_bytes()).root
        if any(c.key in _CONTENT_KEYS for c in criteria)
        else None
    )
    values: list[object] = []
    for criterion in criteria:
        value = _VALUES[criterion.key](message, entity)
        values.append(_Reversed(value) if criterion.reverse else value)
    return tuple(values)


def _casemap(text: str) -> bytes:
    """i;unicode-casemap (RFC 5051 §2): titlecase, then canonical decomposition."""
    titled = "".join(character.title() for character in text)
    return unicodedata.normalize("NFD", titled).encode("utf-8", "surrogateescape")


def _first_mailbox(entity: Entity | None, name: str) -> bytes:
    """addr-mailbox of the first address of field ``name`` (§3: CC, FROM, TO), or b""."""
    header = entity.get(name) if entity is not None else None
    if header is None:
        return b""
    addresses, _ = parse_address_list(header.value.decode("utf-8", "surrogateescape"))
    for address in addresses:
        members = [address] if isinstance(address, Mailbox) else address.members
        if members:
            return _casemap(members[0].local)
    return b""


def _sent_date(message: StoredMessage, entity: Entity | None) -> float:
    """§3 DATE: the Date field adjusted to UTC; the INTERNALDATE when there is none or
    it cannot be parsed."""
    header = entity.get("date") if entity is not None else None
    if header is not None:
        moment, _ = parse_date(header.value.decode("ascii", "replace"))
        if moment is not None:
            return moment.timestamp()
    return message.internal_date


def _subject(_: StoredMessage, entity: Entity | None) -> bytes:
    header = entity.get("subject") if entity is not None else None
    return _casemap(base_subject(header.text if header is not None else ""))


_VALUES: dict[str, Callable[[StoredMessage, Entity | None], SortValue]] = {
    "ARRIVAL": lambda message, _: message.internal_date,
    "CC": lambda _, entity: _first_mailbox(entity, "cc"),
    "DATE": _sent_date,
    "FROM": lambda _, entity: _first_mailbox(entity, "from"),
    "SIZE": lambda message, _: message.size,
    "SUBJECT": _subject,
    "TO": lambda _, entity: _first_mailbox(entity, "to"),
}

# RFC 5256 §5: subj-trailer = "(fwd)" / WSP; subj-blob = "[" *BLOBCHAR "]" *WSP;
# subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":";
# subj-leader = (*subj-blob subj-refwd) / WSP.
_TRAILER = re.compile(r"(?:\(fwd\)|[ \t])$", re.IGNORECASE)
_BLOB = r"\[[^\[\]]*\][ \t]*"
_LEADER = re.compile(rf"^(?:(?:{_BLOB})*(?:re|fwd?)[ \t]*(?:{_BLOB})?:|[ \t])", re.IGNORECASE)
_BLOB_PREFIX = re.compile(rf"^{_BLOB}")
_FWD_WRAPPER = re.compile(r"^\[fwd:(.*)\]$", re.IGNORECASE | re.DOTALL)


def base_subject(subject: str) -> str:
    """The base subject of RFC 5256 §2.1, steps (1) to (6)."""
    # (1) encoded words decoded; tabs and runs of white space to one space.
    text = re.sub(r"[ \t\r\n]+", " ", decoded_text(subject))
    while True:
        # (2) trailing "(fwd)" and white space, repeatedly.
        while (trailer := _TRAILER.search(text)) is not None:
            text = text[: trailer.start()]
        # (3)-(5) leading "Re:", "Fwd:", blobs and white space, until nothing changes.
        while True:
            before = text
            while (leader := _LEADER.match(text)) is not None:
                text = text[leader.end() :]
            blob = _BLOB_PREFIX.match(text)
            if blob is not None and text[blob.end() :]:
                text = text[blob.end() :]  # (4) a blob, unless it is the whole subject
            if text == before:
                break
        # (6) "[fwd: ... ]" around the rest: unwrap and start again at (2).
        wrapped = _FWD_WRAPPER.match(text)
        if wrapped is None:
            return text
        text = wrapped.group(1)
