"""Commands on mailboxes (RFC 9051 §6.3; RFC 3501 §6.3): SELECT, EXAMINE, CREATE, DELETE,
RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, APPEND.  Each parses its arguments
(a syntax error raises, for BAD) and returns the work to run on the store."""

from __future__ import annotations

import dataclasses

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._qresync import Resync, resync_data, select_parameter
from reference_impl.imap._responses import Reply, no, ok, untagged
from reference_impl.imap._session import Outcome, Session, with_updates
from reference_impl.imap._states import Step
from reference_impl.imap._syntax import date_time, flag_list
from reference_impl.imap._view import View
from reference_impl.store import (
    DELIMITER,
    INBOX,
    MailboxInfo,
    MailStore,
)

__all__ = ["append", "create", "delete", "mailbox_info", "rename", "select", "subscribe"]

# RFC 9051 §2.3.2: the system flags a client may set.
_FLAGS = b"(\\Answered \\Flagged \\Deleted \\Seen \\Draft)"
_PERMANENT = b"PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)"


def mailbox_info(store: MailStore, user: str, name: str) -> MailboxInfo | None:
    """The mailbox's info; INBOX always exists (RFC 9051 §5.1), so it is made on demand."""
    info = store.mailbox_info(user, name)
    if info is None and name.upper() == INBOX:
        return store.create_mailbox(user, INBOX)
    return info


def select(session: Session, tokens: Tokens, *, read_only: bool) -> Outcome:
    tokens.sp()
    name = session.mailbox(tokens)
    parameters: list[bytes] = []
    resyncs: list[Resync] = []

    def parameter(tokens: Tokens) -> bytes:
        word = tokens.keyword()
        if word == b"QRESYNC":
            resyncs.append(select_parameter(tokens, enabled=session.qresync))
        elif word != b"CONDSTORE":
            raise fault(ImapDefectKind.UNKNOWN_ITEM, "SELECT parameters: CONDSTORE, QRESYNC")
        return word

    if not tokens.at_end():
        tokens.sp()  # RFC 4466 §2.1 select-params: RFC 7162 §3.1.8 CONDSTORE, §3.2.5 QRESYNC
        parameters = tokens.paren_list(parameter)
    tokens.end()
    user, rev1 = session.owner, not session.rev2
    was_selected = session.view is not None

    def run(store: MailStore) -> Reply:
        # RFC 9051 §6.3.2: a SELECT first deselects; CLOSED says so (RFC 9051 §7.1, and
        # RFC 7162 §3.2.11 for any server advertising CONDSTORE, in IMAP4rev1 too).
        closed = untagged(b"OK [CLOSED] previous mailbox closed") if was_selected else b""
        info = mailbox_info(store, user, name)  # first: a name the store refuses changes nothing
        session.view = None
        if info is None or info.noselect:
            refused = no("no such mailbox", b"NONEXISTENT", data=closed)
            return dataclasses.replace(refused, step=Step.DESELECTED)
        session.condstore = session.condstore or bool(parameters)
        view = View(
            user=user,
            mailbox=info.name,
            read_only=read_only,
            rev1=rev1,
            condstore=session.condstore,
            qresync=session.qresync,
        )
        view.load(store, info)
        session.view = view
        session.saved = []  # RFC 9051 §6.4.4.1: SELECT resets "$"
        data = closed + _selected_data(session, view, info)
        for resync in resyncs:
            data += resync_data(store, view, info, resync)
        code = b"READ-ONLY" if read_only else b"READ-WRITE"
        return ok("selected", code, data=data, step=Step.SELECTED)

    return run


def _selected_data(session: Session, view: View, info: MailboxInfo) -> bytes:
    """RFC 9051 §6.3.2 (and RFC 3501 §6.3.1 for RECENT and UNSEEN)."""
    lines = [b"%d EXISTS" % view.exists]
    if view.rev1:
        lines.append(b"%d RECENT" % len(view.recent))
        unseen = next(
            (n for n, uid in enumerate(view.uids, 1) if "\\Seen" not in view.flags[uid]), 0
        )
        if unseen:
            lines.append(b"OK [UNSEEN %d] first unseen" % unseen)
    lines.append(b"FLAGS " + _FLAGS)
    permanent = b"PERMANENTFLAGS ()" if view.read_only else _PERMANENT
    lines.append(b"OK [" + permanent + b"] flags permitted")
    lines.append(b"OK [UIDVALIDITY %d] UIDs valid" % view.uid_validity)
    lines.append(b"OK [UIDNEXT %d] predicted next UID" % info.uid_next)
    if view.condstore:
        # RFC 7162 §3.1.2.1: HIGHESTMODSEQ on every SELECT/EXAMINE once enabled.
        lines.append(b"OK [HIGHESTMODSEQ %d] mod-sequences" % info.highest_modseq)
    if not view.rev1:
        lines.append(b'LIST () "/" ' + session.wire_name(view.mailbox))
    return b"".join(untagged(line) for line in lines)


# The special uses (RFC 6154 §2) a mailbox can be created with: the ones that only advise
# clients.  \All and \Flagged name virtual mailboxes, which this store has not.
_SPECIAL_USES = {
    use.upper(): use for use in ("\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash")
}


def _create_uses(tokens: Tokens) -> list[str]:
    """create-param "USE" SP "(" [use-attr *(SP use-attr)] ")" (RFC 6154 §6, RFC 4466
    §2.2: the parameters come in parentheses after the name)."""
    if not tokens.skip(b" ("):
        return []
    tokens.expect(b"USE ", ImapDefectKind.UNKNOWN_ITEM)
    uses = tokens.paren_list(_use_attr)
    tokens.expect(b")", ImapDefectKind.UNKNOWN_ITEM)
    return uses


def _use_attr(tokens: Tokens) -> str:
    tokens.expect(b"\\", ImapDefectKind.UNKNOWN_ITEM)
    return "\\" + tokens.atom().decode("ascii")


def create(session: Session, tokens: Tokens) -> Outcome:
    tokens.sp()
    # RFC 9051 §6.3.4: a trailing hierarchy delimiter means "will have inferiors".
    name = session.mailbox(tokens).removesuffix(DELIMITER)
    uses = _create_uses(tokens)
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        existing = store.mailbox_info(user, name)
        if name.upper() == INBOX or (existing is not None and not existing.noselect):
            return no("mailbox exists already", b"ALREADYEXISTS")  # RFC 5530 §3
        unsupported = [use for use in uses if use.upper() not in _SPECIAL_USES]
        if unsupported:
            # RFC 6154 §3: the mailbox MUST NOT be created; NO, with USEATTR.
            return no(f"no special use {unsupported[0][:40]} here", b"USEATTR")
        # A name the store refuses is answered NO [CANNOT] by the core's guard.
        special_use = " ".join(_SPECIAL_USES[use.upper()] for use in uses)
        store.create_new_mailbox(user, name, special_use=special_use)
        return ok("created")

    return with_updates(session, run, expunge=True)


def delete(session: Session, tokens: Tokens) -> Outcome:
    tokens.sp()
    name = session.mailbox(tokens)
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        if store.mailbox_info(user, name) is None:
            return no("no such mailbox", b"NONEXISTENT")
        store.delete_mailbox(user, name)  # INBOX: MailboxError, NO [CANNOT] (§6.3.5)
        return ok("deleted")

    return with_updates(session, run, expunge=True)


def rename(session: Session, tokens: Tokens) -> Outcome:
    tokens.sp()
    old = session.mailbox(tokens)
    tokens.sp()
    new = session.mailbox(tokens)
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        if store.mailbox_info(user, old) is None:
            return no("no such mailbox", b"NONEXISTENT")
        if store.mailbox_info(user, new) is not None:
            return no("target exists already", b"ALREADYEXISTS")
        store.rename_mailbox(user, old, new)
        return ok("renamed")

    return with_updates(session, run, expunge=True)


def subscribe(session: Session, tokens: Tokens, *, on: bool) -> Outcome:
    tokens.sp()
    name = session.mailbox(tokens)
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        (store.subscribe if on else store.unsubscribe)(user, name)
        return ok("subscribed" if on else "unsubscribed")

    return with_updates(session, run, expunge=True)


def append(session: Session, tokens: Tokens) -> Outcome:
    """RFC 9051 §6.3.12: APPEND mailbox [flag-list] [date-time] literal."""
    tokens.sp()
    name = session.mailbox(tokens)
    tokens.sp()
    flags: list[str] = []
    if tokens.peek() == b"(":
        flags = flag_list(tokens)
        tokens.sp()
    when = None
    if tokens.peek() == b'"':
        when = date_time(tokens).timestamp()
        tokens.sp()
    message = tokens.literal8()
    if message is None:
        message = tokens.string()
    tokens.end()
    user = session.owner

    def run(store: MailStore) -> Reply:
        info = mailbox_info(store, user, name)
        if info is None or info.noselect:
            # RFC 9051 §6.3.12: TRYCREATE when creating the mailbox would let it succeed.
            return no("no such mailbox", b"TRYCREATE")
        stored = store.deliver(user, message, mailbox=info.name, flags=flags, internal_date=when)
        # RFC 4315 §3: APPENDUID uidvalidity uid.
        return ok("appended", b"APPENDUID %d %d" % (info.uid_validity, stored.uid))

    return with_updates(session, run, expunge=True)
