"""Commands on the selected mailbox's messages (RFC 9051 §6.4; RFC 3501 §6.4; UIDPLUS,
RFC 4315; MOVE, RFC 6851): CHECK, NOOP, CLOSE, UNSELECT, EXPUNGE, SEARCH, FETCH, STORE,
COPY, MOVE and their UID forms."""

from __future__ import annotations

from collections.abc import Callable

from reference_impl.imap._fetch import render_items, sets_seen
from reference_impl.imap._fetch_syntax import FetchItem, fetch_items
from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._qresync import vanished_earlier
from reference_impl.imap._responses import Reply, no, ok, untagged
from reference_impl.imap._session import Outcome, Session, enable_condstore, with_updates
from reference_impl.imap._states import Step
from reference_impl.imap._syntax import flag, flag_list, sequence_set
from reference_impl.imap._values import compress_set
from reference_impl.imap._view import View
from reference_impl.imap._view import flag_list as render_flags
from reference_impl.store import MailStore, StoredMessage

__all__ = ["close", "copy", "expunge", "fetch", "loader", "noop", "store"]


def noop(session: Session, tokens: Tokens) -> Outcome:
    """NOOP and CHECK: nothing but the pending updates (RFC 9051 §6.1.2, RFC 3501 §6.4.1)."""
    tokens.end()
    if session.view is None:
        return ok("done")
    return with_updates(session, lambda store: ok("done"), expunge=True)


def close(session: Session, tokens: Tokens, *, expunge_first: bool) -> Outcome:
    """CLOSE expunges silently, unless read-only (RFC 9051 §6.4.1); UNSELECT does not
    (RFC 3691 §2)."""
    tokens.end()
    view = session.selected

    def run(store: MailStore) -> Reply:
        if expunge_first and not view.read_only:
            store.expunge(view.user, mailbox=view.mailbox)
        session.view = None
        # RFC 9051 §7.1: CLOSED is the untagged OK's; after CLOSE the tagged OK is enough.
        return ok("closed", step=Step.DESELECTED)

    return run


def expunge(session: Session, tokens: Tokens, *, uid: bool) -> Outcome:
    numbers = None
    if uid:
        tokens.sp()
        numbers = sequence_set(tokens)
    tokens.end()
    view = session.selected
    if view.read_only:
        return no("mailbox is read-only", b"READ-ONLY")
    only = None if numbers is None else session.message_uids(numbers, uid=True)
    if isinstance(only, Reply):
        return only

    def run(store: MailStore) -> Reply:
        removed = store.expunge(view.user, mailbox=view.mailbox, uids=only)
        code = b""
        info = store.mailbox_info(view.user, view.mailbox)
        if removed and session.qresync and info is not None:
            # RFC 7162 §3.2.7, §3.2.9: the raised HIGHESTMODSEQ in the tagged OK.
            code = b"HIGHESTMODSEQ %d" % info.highest_modseq
        return ok("expunged", code, data=view.forget_expunged(removed))

    return with_updates(session, run, expunge=True)


def loader(message: StoredMessage) -> Callable[[], bytes]:
    return message.path.read_bytes


def fetch(session: Session, tokens: Tokens, *, uid: bool) -> Outcome:
    """RFC 9051 §6.4.5; a UID FETCH response always includes UID (§6.4.9); MODSEQ and
    CHANGEDSINCE are RFC 7162 §3.1.4.1 and enable CONDSTORE."""
    tokens.sp()
    numbers = sequence_set(tokens)
    tokens.sp()
    items = fetch_items(tokens)
    changed_since, vanished = _fetch_modifiers(tokens)
    tokens.end()
    if vanished and not (uid and session.qresync and changed_since is not None):
        # RFC 7162 §3.2.6: UID FETCH only, with CHANGEDSINCE, after ENABLE QRESYNC.
        raise fault(ImapDefectKind.UNKNOWN_ITEM, "VANISHED needs UID FETCH, CHANGEDSINCE, QRESYNC")
    enabling = changed_since is not None or any(item.name == "MODSEQ" for item in items)
    uids = session.message_uids(numbers, uid=uid)
    if isinstance(uids, Reply):
        return uids
    view = session.selected
    marks_seen = sets_seen(items) and not view.read_only

    def run(store: MailStore) -> Reply:
        enabled = enable_condstore(session, store) if enabling else b""
        if vanished and changed_since is not None:
            # RFC 7162 §3.2.6: VANISHED (EARLIER) before any FETCH response.
            enabled += vanished_earlier(store, view, numbers, changed_since)
        wanted = _with(items, "UID" if uid else "", "MODSEQ" if session.condstore else "")
        found = store.messages_with_uids(view.user, uids, mailbox=view.mailbox)
        messages = {m.uid: m for m in found}
        present = [u for u in uids if u in messages]
        if changed_since is not None:
            present = [u for u in present if messages[u].modseq > changed_since]
        seen_now = _mark_seen(store, view, present, messages) if marks_seen else set()
        lines = []
        for message_uid in present:
            message = messages[message_uid]
            # RFC 9051 §6.4.5: a \Seen set by this fetch is reported in its response.
            shown = _with(wanted, "FLAGS") if message_uid in seen_now else wanted
            rendered = render_items(shown, message, view.flags_of(message_uid), loader(message))
            seq = view.seq_of(message_uid) or 0
            lines.append(b"* %d FETCH (" % seq + b" ".join(rendered) + b")\r\n")
        return ok("fetched", data=enabled + b"".join(lines))

    return with_updates(session, run, expunge=uid)


def _with(items: list[FetchItem], *names: str) -> list[FetchItem]:
    """``items`` and those of ``names`` it lacks (UID first, the others after)."""
    have = {item.name for item in items}
    missing = [FetchItem(name=name) for name in names if name and name not in have]
    first = [item for item in missing if item.name == "UID"]
    return first + items + [item for item in missing if item.name != "UID"]


def _fetch_modifiers(tokens: Tokens) -> tuple[int | None, bool]:
    """fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")" (RFC 4466 §2.4):
    CHANGEDSINCE mod-sequence (RFC 7162 §3.1.4.1) and VANISHED (§3.2.6); the first, and
    whether the second was given."""
    changed_since: list[int] = []

    def modifier(tokens: Tokens) -> bytes:
        word = tokens.keyword()
        if word == b"CHANGEDSINCE":
            tokens.sp()
            changed_since.append(tokens.number(wide=True))
        elif word != b"VANISHED":
            raise fault(ImapDefectKind.UNKNOWN_ITEM, "FETCH modifiers: CHANGEDSINCE, VANISHED")
        return word

    if tokens.at_end():
        return None, False
    tokens.sp()
    words = tokens.paren_list(modifier, empty_ok=False)
    return (changed_since[0] if changed_since else None), b"VANISHED" in words


def _mark_seen(
    store: MailStore, view: View, uids: list[int], messages: dict[int, StoredMessage]
) -> set[int]:
    """Set \\Seen on those of ``uids`` without it; return the UIDs it changed."""
    unseen = [u for u in uids if "\\Seen" not in messages[u].flags]
    if not unseen:
        return set()
    result = store.update_flags(view.user, unseen, mailbox=view.mailbox, add=["\\Seen"])
    for message in result.changed:
        view.flags[message.uid] = message.flags
        messages[message.uid] = message
    return {message.uid for message in result.changed}


def store(session: Session, tokens: Tokens, *, uid: bool) -> Outcome:
    """RFC 9051 §6.4.6: STORE set (+|-)FLAGS[.SILENT] (flags)."""
    tokens.sp()
    numbers = sequence_set(tokens)
    tokens.sp()
    unchanged_since = None
    if tokens.skip(b"("):  # RFC 7162 §3.1.3 store-modifier UNCHANGEDSINCE
        tokens.expect(b"UNCHANGEDSINCE ", ImapDefectKind.UNKNOWN_ITEM)
        unchanged_since = tokens.number(wide=True)
        tokens.expect(b")", ImapDefectKind.EXPECTED_LIST)
        tokens.sp()
    sign = b"+" if tokens.skip(b"+") else b"-" if tokens.skip(b"-") else b""
    if not tokens.skip(b"FLAGS"):
        raise fault(ImapDefectKind.UNKNOWN_ITEM, "expected FLAGS, +FLAGS or -FLAGS")
    silent = tokens.skip(b".SILENT")
    tokens.sp()
    flags = flag_list(tokens) if tokens.peek() == b"(" else _bare_flags(tokens)
    tokens.end()
    view = session.selected
    if view.read_only:
        return no("mailbox is read-only", b"READ-ONLY")
    uids = session.message_uids(numbers, uid=uid)
    if isinstance(uids, Reply):
        return uids

    def run(store: MailStore) -> Reply:
        enabled = enable_condstore(session, store) if unchanged_since is not None else b""
        add, remove = (flags, []) if sign == b"+" else ([], flags)
        replace = None if sign else flags
        result = store.update_flags(
            view.user,
            uids,
            mailbox=view.mailbox,
            add=add,
            remove=remove,
            replace=replace,
            unchanged_since=unchanged_since,
        )
        for message in result.changed:
            view.flags[message.uid] = message.flags
        # RFC 7162 §3.1.3: with UNCHANGEDSINCE the changed ones are reported even .SILENT.
        changed = {m.uid: m for m in result.changed}
        reported = [u for u in uids if not silent or (unchanged_since is not None and u in changed)]
        found = store.messages_with_uids(view.user, reported, mailbox=view.mailbox)
        current = {m.uid: m for m in found}
        data = [_flags_fetch(view, current[u], uid=uid) for u in reported if u in current]
        code = b""
        if result.modified:
            numbers = result.modified if uid else [view.seq_of(u) or 0 for u in result.modified]
            code = b"MODIFIED " + compress_set(numbers)
        return ok("stored", code, data=enabled + b"".join(data))

    return with_updates(session, run, expunge=uid)


def _flags_fetch(view: View, message: StoredMessage, *, uid: bool) -> bytes:
    """``* n FETCH ([UID u ]FLAGS (...)[ MODSEQ (m)])``: STORE's answer (RFC 9051 §6.4.6)."""
    seq = view.seq_of(message.uid) or 0
    uid_item = b"UID %d " % message.uid if uid else b""
    modseq = b" MODSEQ (%d)" % message.modseq if view.condstore else b""
    shown = render_flags(view.flags_of(message.uid))
    return untagged(b"%d FETCH (%sFLAGS %s%s)" % (seq, uid_item, shown, modseq))


def _bare_flags(tokens: Tokens) -> list[str]:
    flags = [flag(tokens)]
    while not tokens.at_end():
        tokens.sp()
        flags.append(flag(tokens))
    return flags


def copy(session: Session, tokens: Tokens, *, uid: bool, move: bool) -> Outcome:
    """COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851 §3); COPYUID (RFC 4315 §3)."""
    tokens.sp()
    numbers = sequence_set(tokens)
    tokens.sp()
    target = session.mailbox(tokens)
    tokens.end()
    view = session.selected
    if move and view.read_only:
        return no("mailbox is read-only", b"READ-ONLY")
    uids = session.message_uids(numbers, uid=uid)
    if isinstance(uids, Reply):
        return uids

    def run(store: MailStore) -> Reply:
        info = store.mailbox_info(view.user, target)
        if info is None or info.noselect:
            return no("no such mailbox", b"TRYCREATE")  # RFC 9051 §6.4.7
        transfer = store.move if move else store.copy
        mapping = transfer(view.user, uids, mailbox=view.mailbox, to=info.name)
        if not mapping:
            return ok("nothing to copy")
        # RFC 4315 §3: the two sets list the UIDs in corresponding order.
        sources = b",".join(b"%d" % u for u in mapping)
        targets = b",".join(b"%d" % u for u in mapping.values())
        code = b"COPYUID %d %s %s" % (info.uid_validity, sources, targets)
        if not move:
            return ok("copied", code)
        # RFC 6851 §4.3: COPYUID in an untagged OK before the EXPUNGEs.
        data = untagged(b"OK [" + code + b"] moved") + view.forget_expunged(sorted(mapping))
        return ok("moved", data=data)

    return with_updates(session, run, expunge=uid or move)
