"""What a server session knows between commands, and helpers the command handlers share."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from reference_impl.imap._config import ServerConfig
from reference_impl.imap._events import Work
from reference_impl.imap._grammar import Tokens
from reference_impl.imap._responses import Reply, bad
from reference_impl.imap._syntax import SequenceSet, decode_mailbox, encode_mailbox
from reference_impl.imap._values import astring
from reference_impl.imap._view import View
from reference_impl.store import MailStore

__all__ = ["Outcome", "Session", "Work", "enable_condstore", "with_updates"]

Outcome = Reply | Work


@dataclass
class Session:
    config: ServerConfig
    tls_active: bool = False
    user: str | None = None
    view: View | None = None
    rev2: bool = False  # ENABLE IMAP4rev2 (RFC 9051 §6.3.1)
    condstore: bool = False  # a CONDSTORE enabling command was seen (RFC 7162 §3.1)
    qresync: bool = False  # ENABLE QRESYNC: VANISHED instead of EXPUNGE (RFC 7162 §3.2.3)
    saved: list[int] = dataclasses.field(default_factory=list)  # "$": UIDs (RFC 5182)
    tag: bytes = b""  # of the command being run: ESEARCH's correlator (RFC 4466 §2.6.2)
    # The last command named a number only an EXPUNGE response had taken away: the
    # client did not record it (RFC 3501 §7.4.1); the core reports it and clears this.
    stale_number: bool = False

    @property
    def owner(self) -> str:
        assert self.user is not None, "a mailbox command before authentication"
        return self.user

    @property
    def selected(self) -> View:
        assert self.view is not None, "a message command without a selected mailbox"
        return self.view

    def mailbox(self, tokens: Tokens) -> str:
        """mailbox = "INBOX" / astring (RFC 9051 §9), as text."""
        return decode_mailbox(tokens.astring(), utf8=self.rev2)

    def wire_name(self, name: str) -> bytes:
        return astring(encode_mailbox(name, utf8=self.rev2), utf8=self.rev2)

    def message_uids(self, numbers: SequenceSet, *, uid: bool) -> list[int] | Reply:
        """The UIDs a sequence set names in the selected mailbox, ascending.

        By sequence number, a number past the last message is an error (RFC 9051 §9
        seq-number: "the server ... SHOULD respond with a tagged BAD"); by UID, UIDs
        that do not exist are simply not there (RFC 9051 §6.4.9)."""
        view = self.selected
        if numbers.saved:
            # RFC 9051 §6.4.4.1: "$" is the last SEARCH ... RETURN (SAVE) result; an
            # empty one matches nothing, and an expunged message leaves it.
            present = set(view.uids)
            return [u for u in self.saved if u in present]
        if uid:
            largest = view.uids[-1] if view.uids else 0
            return numbers.members(view.uids, largest) if view.uids else []
        beyond = numbers.highest_named() - view.exists
        if not view.uids or beyond > 0:
            self.stale_number = 0 < beyond <= view.expunges_sent
            return bad("no such message sequence number")
        seqs = numbers.members(list(range(1, view.exists + 1)), view.exists)
        return [view.uids[seq - 1] for seq in seqs]


def enable_condstore(session: Session, store: MailStore) -> bytes:
    """RFC 7162 §3.1: from now on FETCH responses carry MODSEQ; the first enabling command
    with a mailbox selected reports its HIGHESTMODSEQ."""
    if session.condstore:
        return b""
    session.condstore = True
    view = session.view
    if view is None:
        return b""
    view.condstore = True
    info = store.mailbox_info(view.user, view.mailbox)
    highest = info.highest_modseq if info is not None else 0
    return b"* OK [HIGHESTMODSEQ %d] mod-sequences enabled\r\n" % highest


def with_updates(session: Session, work: Work, *, expunge: bool) -> Work:
    """``work``, then the selected mailbox's pending updates before the tagged status
    (RFC 9051 §7.4: EXPUNGE only when ``expunge``, §7.4.1)."""

    def run(store: MailStore) -> Reply:
        reply = work(store)
        if session.view is None:
            return reply
        updates = session.view.refresh(store, expunge=expunge)
        return dataclasses.replace(reply, data=reply.data + updates)

    return run
