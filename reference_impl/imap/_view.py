"""The selected mailbox as one session knows it: message sequence numbers, flags, \\Recent,
and the untagged updates that bring it up to date with the store (RFC 9051 §7.4, §5.2).

A session learns of other sessions' changes only when it reports them: EXISTS for new
messages, FETCH FLAGS for changed flags, EXPUNGE for removed ones.  EXPUNGE renumbers, so
it waits while a command that uses sequence numbers is answered (RFC 9051 §7.4.1): the
removed messages stay in the view, as ghosts, until then.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from reference_impl.imap._recent import claim_recent
from reference_impl.imap._responses import untagged
from reference_impl.imap._values import compress_set
from reference_impl.store import MailboxInfo, MailStore, StoredMessage

__all__ = ["View", "flag_list"]


def flag_list(flags: frozenset[str] | set[str]) -> bytes:
    return b"(" + " ".join(sorted(flags)).encode("utf-8") + b")"


@dataclass
class View:
    user: str
    mailbox: str
    read_only: bool
    rev1: bool  # \Recent exists only in IMAP4rev1 (RFC 9051 Appendix E)
    condstore: bool = False  # FETCH responses carry MODSEQ (RFC 7162 §3.1)
    qresync: bool = False  # expunges are reported as VANISHED (RFC 7162 §3.2.10.2)
    uid_validity: int = 0
    synced_modseq: int = 0  # the mailbox's HIGHESTMODSEQ when the view last caught up
    uids: list[int] = field(default_factory=list)  # sequence number n is uids[n - 1]
    flags: dict[int, frozenset[str]] = field(default_factory=dict)
    recent: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)  # expunged, EXPUNGE not yet sent
    expunges_sent: int = 0  # EXPUNGE responses sent, for a judge to grade what follows

    # -- lookups --------------------------------------------------------------

    @property
    def exists(self) -> int:
        return len(self.uids)

    def seq_of(self, uid: int) -> int | None:
        index = bisect.bisect_left(self.uids, uid)
        return index + 1 if index < len(self.uids) and self.uids[index] == uid else None

    def flags_of(self, uid: int) -> frozenset[str]:
        shown = self.flags.get(uid, frozenset())
        return shown | {"\\Recent"} if uid in self.recent else shown

    # -- synchronising with the store ----------------------------------------------------

    def load(self, store: MailStore, info: MailboxInfo) -> None:
        """SELECT / EXAMINE: take the mailbox as it is now (``info`` read just before)."""
        listed = store.uids_and_flags(self.user, mailbox=self.mailbox)
        self.uid_validity = info.uid_validity
        self.synced_modseq = info.highest_modseq
        self.uids = [uid for uid, _ in listed]
        self.flags = dict(listed)
        self.recent = self._claim(store.root, self.uids)

    def _claim(self, root: Path, uids: list[int]) -> set[int]:
        if not self.rev1 or self.read_only:
            return set()
        return claim_recent(root, self.user, self.mailbox, self.uid_validity, uids)

    def refresh(self, store: MailStore, *, expunge: bool) -> bytes:
        """Untagged responses for what changed since the view was last brought up to date
        (a command that changed flags itself has already put them in ``flags``).
        ``expunge``: EXPUNGE may be sent now."""
        changed = self._changes(store, store.mailbox_info(self.user, self.mailbox))
        out = [self._expunges() if expunge else b""]
        out.append(self._flag_changes(changed))
        out.append(self._arrivals(store.root, changed))
        return b"".join(out)

    def _changes(self, store: MailStore, info: MailboxInfo | None) -> list[StoredMessage]:
        """The messages added or changed since the last sync, ascending by UID; what was
        expunged joins ``gone``.

        Every change to a mailbox raises its MODSEQ, expunges included, so an unchanged
        HIGHESTMODSEQ means nothing to report, and otherwise only the changes since are
        read: a command costs the same in a mailbox of ten messages or of a hundred
        thousand.  The whole mailbox is compared only when the mailbox went away, was made
        anew, or moved on while it was being read (its count then disagrees).
        """
        if info is not None and info.uid_validity == self.uid_validity:
            if info.highest_modseq == self.synced_modseq:
                return []
            changed, expunged = store.changes_since(
                self.user, self.synced_modseq, mailbox=self.mailbox
            )
            self.gone.update(expunged)
            self.synced_modseq = info.highest_modseq
            if self._count_after(changed) == info.exists:
                return changed
        return self._compare_all(store, info)

    def _count_after(self, changed: list[StoredMessage]) -> int:
        highest = self.uids[-1] if self.uids else 0
        leaving = sum(1 for uid in self.gone if self.seq_of(uid) is not None)
        return len(self.uids) - leaving + sum(1 for m in changed if m.uid > highest)

    def _compare_all(self, store: MailStore, info: MailboxInfo | None) -> list[StoredMessage]:
        if info is not None:
            self.synced_modseq = info.highest_modseq
        current = store.messages(self.user, mailbox=self.mailbox)
        present = {m.uid for m in current}
        self.gone |= {uid for uid in self.uids if uid not in present}
        return current

    def _expunges(self) -> bytes:
        if self.qresync:
            return self._vanished()
        # Highest first: each EXPUNGE renumbers only the messages above it, so the
        # numbers still to send stay right (RFC 9051 §7.5.1).
        lines = []
        for uid in sorted(self.gone, reverse=True):
            seq = self.seq_of(uid)
            if seq is not None:
                lines.append(untagged(b"%d EXPUNGE" % seq))
                del self.uids[seq - 1]
            self.flags.pop(uid, None)
            self.recent.discard(uid)
        self.gone.clear()
        self.expunges_sent += len(lines)
        return b"".join(lines)

    def _flag_changes(self, changed: list[StoredMessage]) -> bytes:
        lines = []
        for message in changed:  # ascending UIDs, so ascending sequence numbers
            uid = message.uid
            seq = self.seq_of(uid)
            if seq is None or message.flags == self.flags.get(uid):
                continue
            self.flags[uid] = message.flags
            shown = flag_list(self.flags_of(uid))
            modseq = b" MODSEQ (%d)" % message.modseq if self.condstore else b""
            lines.append(untagged(b"%d FETCH (UID %d FLAGS %s%s)" % (seq, uid, shown, modseq)))
        return b"".join(lines)

    def _arrivals(self, root: Path, changed: list[StoredMessage]) -> bytes:
        highest = self.uids[-1] if self.uids else 0
        arrived = [m for m in changed if m.uid > highest]
        if not arrived:
            return b""
        new = [m.uid for m in arrived]
        self.uids += new
        self.flags.update((m.uid, m.flags) for m in arrived)
        self.recent |= self._claim(root, new)
        out = untagged(b"%d EXISTS" % len(self.uids))
        if self.rev1:
            out += untagged(b"%d RECENT" % len(self.recent))
        return out

    def _vanished(self) -> bytes:
        # RFC 7162 §3.2.10.2: only UIDs the client was told of, one response for all.
        shown = sorted(uid for uid in self.gone if self.seq_of(uid) is not None)
        self.gone.clear()
        if not shown:
            return b""
        leaving = set(shown)
        self.uids = [uid for uid in self.uids if uid not in leaving]
        for uid in shown:
            self.flags.pop(uid, None)
            self.recent.discard(uid)
        return untagged(b"VANISHED " + compress_set(shown))

    def forget_expunged(self, uids: list[int]) -> bytes:
        """This session's own EXPUNGE / MOVE: report those at once (RFC 9051 §6.4.3)."""
        self.gone |= set(uids)
        return self._expunges()
