"""LIST (RFC 9051 §6.3.9 with LIST-EXTENDED, RFC 5258, and LIST-STATUS, RFC 5819), LSUB
(RFC 3501 §6.3.9) and STATUS (RFC 9051 §6.3.11)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._mailbox_commands import mailbox_info
from reference_impl.imap._recent import unclaimed
from reference_impl.imap._responses import Reply, no, ok, untagged
from reference_impl.imap._session import Outcome, Session, with_updates
from reference_impl.imap._syntax import decode_mailbox
from reference_impl.store import DELIMITER, INBOX, MailboxInfo, MailStore

__all__ = ["list_", "lsub", "status"]

STATUS_ITEMS = (
    "MESSAGES",
    "RECENT",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "DELETED",
    "SIZE",
    "HIGHESTMODSEQ",
    "APPENDLIMIT",
)
_SELECT_OPTIONS = frozenset({"SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"})


@dataclass
class _ListRequest:
    reference: str = ""
    patterns: list[str] = field(default_factory=list)
    select: set[str] = field(default_factory=set)
    returns: set[str] = field(default_factory=set)
    status_items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Wildcards:
    """A LIST pattern (RFC 9051 §6.3.9): "*" matches zero or more characters, "%" the
    same but not the hierarchy delimiter, anything else itself.

    Matched by following every pattern position a prefix of the name can reach at once
    (an NFA), so the time is at most len(pattern) x len(name): a regular expression of
    ".*" runs backtracks exponentially on a pattern of many wildcards that fails."""

    text: str

    def fullmatch(self, name: str) -> bool:
        reached = self._after_wildcards({0})
        for char in name:
            reached = self._after_wildcards(self._step(reached, char))
            if not reached:
                return False
        return len(self.text) in reached

    def _step(self, reached: set[int], char: str) -> set[int]:
        following: set[int] = set()
        for position in reached:
            wanted = self.text[position : position + 1]
            if wanted == "*" or (wanted == "%" and char != DELIMITER):
                following.add(position)  # the wildcard takes the character and stays
            elif wanted == char:
                following.add(position + 1)
        return following

    def _after_wildcards(self, reached: set[int]) -> set[int]:
        """``reached`` and every position past wildcards that match nothing."""
        closed = set(reached)
        for position in sorted(reached):
            while self.text[position : position + 1] in ("*", "%"):
                position += 1
                closed.add(position)
        return closed


_WILDCARD_RUN = re.compile(r"[*%]{2,}")


def _pattern(reference: str, pattern: str) -> _Wildcards:
    """The reference is prefixed to the pattern (RFC 9051 §6.3.9).  A run of wildcards
    matches what one "*" does if it holds one, else what one "%" does: collapsed, the
    positions a name of n characters can reach stay below 2n + 2."""
    text = _WILDCARD_RUN.sub(lambda run: "*" if "*" in run[0] else "%", reference + pattern)
    return _Wildcards(text)


def _matches(patterns: list[_Wildcards], name: str) -> bool:
    """INBOX matches case-insensitively (RFC 9051 §5.1)."""
    head, sep, rest = name.partition(DELIMITER)
    spellings = [name] + (
        [head.lower() + sep + rest, "Inbox" + sep + rest] if head == INBOX else []
    )
    return any(p.fullmatch(spelling) for p in patterns for spelling in spellings)


def _status_items(tokens: Tokens) -> list[str]:
    items = [item.decode("ascii") for item in tokens.paren_list(Tokens.keyword, empty_ok=False)]
    unknown = [item for item in items if item not in STATUS_ITEMS]
    if unknown:
        raise fault(ImapDefectKind.UNKNOWN_ITEM, f"no STATUS item {unknown[0][:40]!r}")
    return items


def _parse_list(session: Session, tokens: Tokens) -> _ListRequest:
    request = _ListRequest()
    tokens.sp()
    if tokens.peek() == b"(":
        request.select = {o.decode("ascii") for o in tokens.paren_list(Tokens.keyword)}
        tokens.sp()
        if request.select - _SELECT_OPTIONS or (
            "RECURSIVEMATCH" in request.select and "SUBSCRIBED" not in request.select
        ):
            raise fault(ImapDefectKind.UNKNOWN_ITEM, "LIST selection options (RFC 5258 §3)")
    request.reference = session.mailbox(tokens)
    tokens.sp()
    wires = (
        tokens.paren_list(Tokens.list_mailbox, empty_ok=False)
        if tokens.peek() == b"("
        else [tokens.list_mailbox()]
    )
    request.patterns = [decode_mailbox(wire, utf8=session.rev2) for wire in wires]
    if tokens.skip(b" RETURN "):
        _return_options(tokens, request)
    tokens.end()
    return request


def _return_options(tokens: Tokens, request: _ListRequest) -> None:
    """return-option = "SUBSCRIBED" / "CHILDREN" / "STATUS" SP "(" status-att ... ")"."""

    def option(tokens: Tokens) -> str:
        name = tokens.keyword().decode("ascii")
        if name == "STATUS":
            tokens.sp()
            request.status_items = _status_items(tokens)
        elif name not in ("SUBSCRIBED", "CHILDREN", "SPECIAL-USE"):
            raise fault(ImapDefectKind.UNKNOWN_ITEM, f"no LIST return option {name[:40]!r}")
        return name

    request.returns = set(tokens.paren_list(option))


def list_(session: Session, tokens: Tokens) -> Outcome:
    request = _parse_list(session, tokens)
    user = session.owner

    def run(store: MailStore) -> Reply:
        if request.patterns == [""]:
            # RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root.
            return ok("listed", data=untagged(b'LIST (\\Noselect) "/" ""'))
        mailbox_info(store, user, INBOX)
        return ok("listed", data=_listing(session, store, request))

    return with_updates(session, run, expunge=True)


def _listing(session: Session, store: MailStore, request: _ListRequest) -> bytes:
    user = session.owner
    boxes = {info.name: info for info in store.mailboxes(user)}
    subscribed = set(store.subscriptions(user))
    patterns = [_pattern(request.reference, p) for p in request.patterns]
    only_subscribed = "SUBSCRIBED" in request.select
    names = sorted(subscribed if only_subscribed else set(boxes))
    lines = []
    for name in names:
        if not _matches(patterns, name):
            continue
        info = boxes.get(name)
        if "SPECIAL-USE" in request.select and (info is None or not info.special_use):
            continue  # RFC 6154 §2: only mailboxes with a special use
        attributes = _attributes(name, info, boxes, subscribed, request)
        lines.append(
            untagged(
                b"LIST (" + " ".join(attributes).encode() + b') "/" ' + session.wire_name(name)
            )
        )
        if request.status_items and info is not None and not info.noselect:
            lines.append(_status_line(session, store, info, request.status_items))
    if "RECURSIVEMATCH" in request.select:
        lines += _parents_of_subscribed(session, names, patterns, subscribed, boxes)
    return b"".join(lines)


def _attributes(
    name: str,
    info: MailboxInfo | None,
    boxes: dict[str, MailboxInfo],
    subscribed: set[str],
    request: _ListRequest,
) -> list[str]:
    """RFC 9051 §7.3.1: \\NonExistent, \\Noselect, \\HasChildren / \\HasNoChildren,
    \\Subscribed (when SUBSCRIBED was selected or asked for); and the special uses
    (RFC 6154 §2), always: the RFC lets every form of LIST show them."""
    attributes = []
    if info is None:
        attributes.append("\\NonExistent")
    elif info.noselect:
        attributes.append("\\Noselect")
    if info is not None:
        children = any(other.startswith(name + DELIMITER) for other in boxes)
        attributes.append("\\HasChildren" if children else "\\HasNoChildren")
    if name in subscribed and ("SUBSCRIBED" in request.select or "SUBSCRIBED" in request.returns):
        attributes.append("\\Subscribed")
    if info is not None and info.special_use:
        attributes += info.special_use.split()
    return attributes


def _parents_of_subscribed(
    session: Session,
    listed: list[str],
    patterns: list[_Wildcards],
    subscribed: set[str],
    boxes: dict[str, MailboxInfo],
) -> list[bytes]:
    """RFC 5258 §3.5: a matching name that is not subscribed itself but has subscribed
    children is returned with CHILDINFO ("SUBSCRIBED")."""
    shown = {name for name in listed if _matches(patterns, name)}
    parents: set[str] = set()
    for name in subscribed:
        levels = name.split(DELIMITER)
        parents |= {DELIMITER.join(levels[:n]) for n in range(1, len(levels))}
    lines = []
    for parent in sorted(parents - shown):
        if _matches(patterns, parent):
            attributes = "" if parent in boxes else "\\NonExistent"
            wire = session.wire_name(parent)
            lines.append(
                untagged(
                    b"LIST ("
                    + attributes.encode()
                    + b') "/" '
                    + wire
                    + b' ("CHILDINFO" ("SUBSCRIBED"))'
                )
            )
    return lines


def lsub(session: Session, tokens: Tokens) -> Outcome:
    """RFC 3501 §6.3.9: the subscribed names that match; \\Noselect for those that are
    not (or no longer) selectable."""
    tokens.sp()
    reference = session.mailbox(tokens)
    tokens.sp()
    pattern = _pattern(reference, decode_mailbox(tokens.list_mailbox(), utf8=session.rev2))
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        boxes = {info.name: info for info in store.mailboxes(user)}
        lines = []
        for name in sorted(store.subscriptions(user)):
            if _matches([pattern], name):
                info = boxes.get(name)
                flags = b"" if info is not None and not info.noselect else b"\\Noselect"
                lines.append(untagged(b"LSUB (" + flags + b') "/" ' + session.wire_name(name)))
        return ok("listed", data=b"".join(lines))

    return with_updates(session, run, expunge=True)


def status(session: Session, tokens: Tokens) -> Outcome:
    tokens.sp()
    name = session.mailbox(tokens)
    tokens.sp()
    items = _status_items(tokens)
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        info = mailbox_info(store, user, name)
        if info is None or info.noselect:
            return no("no such mailbox", b"NONEXISTENT")
        return ok("status", data=_status_line(session, store, info, items))

    return with_updates(session, run, expunge=True)


def _status_line(session: Session, store: MailStore, info: MailboxInfo, items: list[str]) -> bytes:
    messages = store.messages(session.owner, mailbox=info.name)
    uids = [m.uid for m in messages]
    values = {
        "MESSAGES": len(messages),
        # RFC 3501 §6.3.10: recent for the next session to select it.
        "RECENT": unclaimed(store.root, session.owner, info.name, info.uid_validity, uids),
        "UIDNEXT": info.uid_next,
        "UIDVALIDITY": info.uid_validity,
        "UNSEEN": sum("\\Seen" not in m.flags for m in messages),
        "DELETED": sum("\\Deleted" in m.flags for m in messages),
        "SIZE": sum(m.size for m in messages),
        "HIGHESTMODSEQ": info.highest_modseq,  # RFC 7162 §3.1.9
        "APPENDLIMIT": session.config.limits.max_literal,  # RFC 7889 §3.1
    }
    pairs = " ".join(f"{item} {values[item]}" for item in items).encode()
    return untagged(b"STATUS " + session.wire_name(info.name) + b" (" + pairs + b")")
