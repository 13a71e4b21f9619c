"""SEARCH and UID SEARCH (RFC 9051 §6.4.4; RFC 3501 §6.4.4), with the result options of
ESEARCH (RFC 4731) and SAVE / "$" (RFC 5182; part of IMAP4rev2, RFC 9051 §6.4.4.1)."""

from __future__ import annotations

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._message_commands import loader
from reference_impl.imap._responses import Reply, no, ok, untagged
from reference_impl.imap._search import Candidate, matches, uses_modseq
from reference_impl.imap._search_syntax import SearchKey, search_keys
from reference_impl.imap._session import Outcome, Session, enable_condstore, with_updates
from reference_impl.imap._values import compress_set
from reference_impl.store import MailStore, StoredMessage

__all__ = ["CHARSETS", "matching", "search"]

CHARSETS = {"US-ASCII": "ascii", "UTF-8": "utf-8"}
_OPTIONS = frozenset({"MIN", "MAX", "ALL", "COUNT", "SAVE"})


def search(session: Session, tokens: Tokens, *, uid: bool) -> Outcome:
    tokens.sp()
    options = _return_options(tokens) if tokens.skip(b"RETURN ") else None
    charset = "US-ASCII"
    if tokens.skip(b"CHARSET "):
        charset = tokens.astring().decode("ascii", "replace").upper()
        tokens.sp()
    program = search_keys(tokens)
    if charset not in CHARSETS:
        if options is not None and "SAVE" in options:
            session.saved = []  # RFC 9051 §6.4.4.1: a NO with SAVE empties "$"
        return no("unsupported charset", b"BADCHARSET (US-ASCII UTF-8)")  # RFC 9051 §6.4.4
    if options is None and session.rev2:
        options = {"ALL"}  # RFC 9051 §6.4.4: IMAP4rev2 answers SEARCH with ESEARCH
    view, codec, tag = session.selected, CHARSETS[charset], session.tag
    modseq = uses_modseq(program)  # RFC 7162 §3.1.5: an enabling command

    def run(store: MailStore) -> Reply:
        enabled = enable_condstore(session, store) if modseq else b""
        found_uids, messages = matching(session, store, program, codec)
        found = found_uids if uid else [view.seq_of(u) or 0 for u in found_uids]
        # RFC 7162 §3.1.5: with a MODSEQ key, the highest mod-sequence of what was found.
        highest = max((messages[u].modseq for u in found_uids), default=0) if modseq else 0
        if options is None:
            numbers = b"".join(b" %d" % n for n in found)
            suffix = b" (MODSEQ %d)" % highest if highest else b""
            return ok("searched", data=enabled + untagged(b"SEARCH" + numbers + suffix))
        if "SAVE" in options:
            session.saved = _saved(found_uids, options)
        esearch = _esearch(tag, found, uid=uid, options=options, highest=highest)
        return ok("searched", data=enabled + esearch)

    return with_updates(session, run, expunge=uid)


def matching(
    session: Session, store: MailStore, program: SearchKey, codec: str
) -> tuple[list[int], dict[int, StoredMessage]]:
    """The UIDs of the selected mailbox's messages that ``program`` matches, ascending,
    and the messages by UID (SEARCH, and SORT's search part, RFC 5256 §3)."""
    view = session.selected
    messages = {m.uid: m for m in store.messages(view.user, mailbox=view.mailbox)}
    saved, largest_uid = frozenset(session.saved), view.uids[-1] if view.uids else 0
    found = []
    for seq, message_uid in enumerate(view.uids, 1):
        message = messages.get(message_uid)
        if message is None:
            continue
        candidate = Candidate(
            seq=seq,
            message=message,
            flags=view.flags_of(message_uid),
            largest_seq=view.exists,
            largest_uid=largest_uid,
            saved=saved,
            load=loader(message),
        )
        if matches(program, candidate, codec):
            found.append(message_uid)
    return found, messages


def _return_options(tokens: Tokens) -> set[str]:
    """search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP ...)] ")"."""
    names = {name.decode("ascii") for name in tokens.paren_list(Tokens.keyword)}
    tokens.sp()
    unknown = names - _OPTIONS
    if unknown:
        raise fault(ImapDefectKind.UNKNOWN_ITEM, f"no RETURN option {sorted(unknown)[0][:40]!r}")
    return names or {"ALL"}  # RFC 4731 §3.1: RETURN () means ALL


def _saved(found: list[int], options: set[str]) -> list[int]:
    """RFC 9051 §6.4.4.1 Table 4: with MIN/MAX alone, "$" holds only those."""
    if not found or options & {"ALL", "COUNT"} or not options & {"MIN", "MAX"}:
        return found
    kept = {found[0]} if "MIN" in options else set()
    return sorted(kept | ({found[-1]} if "MAX" in options else set()))


def _esearch(tag: bytes, found: list[int], *, uid: bool, options: set[str], highest: int) -> bytes:
    """RFC 9051 §7.3.4 / RFC 4731 §3.1: MIN, MAX and ALL only when something matched;
    COUNT always; SAVE alone returns no ESEARCH at all."""
    if options == {"SAVE"}:
        return b""
    words = [b'ESEARCH (TAG "' + tag + b'")']
    if uid:
        words.append(b"UID")
    if found and "MIN" in options:
        words.append(b"MIN %d" % min(found))
    if found and "MAX" in options:
        words.append(b"MAX %d" % max(found))
    if found and "ALL" in options:
        words.append(b"ALL " + compress_set(found))
    if "COUNT" in options:
        words.append(b"COUNT %d" % len(found))
    if highest:
        words.append(b"MODSEQ %d" % highest)  # RFC 7162 §3.1.10
    return untagged(b" ".join(words))
