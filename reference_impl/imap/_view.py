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
    uid_validity: int = 0
    uids: list[int] = field(default_factory=list)  # sequence number n is uids[n - 1]
    flags: dict[int, frozenset[str]] = field(default_factory=dict)
    recent: set[int] = field(default_factory=set)
    gone: set[int] = field(default_factory=set)  # expunged, EXPUNGE not yet sent

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
        """SELECT / EXAMINE: take the mailbox as it is now."""
        messages = store.messages(self.user, mailbox=self.mailbox)
        self.uid_validity = info.uid_validity
        self.uids = [m.uid for m in messages]
        self.flags = {m.uid: m.flags for m in messages}
        self.recent = self._claim(store.root, self.uids)

    def _claim(self, root: Path, uids: list[int]) -> set[int]:
        if not self.rev1 or self.read_only:
            return set()
        return claim_recent(root, self.user, self.mailbox, self.uid_validity, uids)

    def refresh(self, store: MailStore, *, expunge: bool) -> bytes:
        """Untagged responses for what changed since the view was last brought up to date
        (a command that changed flags itself has already put them in ``flags``).
        ``expunge``: EXPUNGE may be sent now."""
        current = {m.uid: m for m in store.messages(self.user, mailbox=self.mailbox)}
        self.gone |= {uid for uid in self.uids if uid not in current}
        out = [self._expunges() if expunge else b""]
        out.append(self._flag_changes(current))
        out.append(self._arrivals(store.root, current))
        return b"".join(out)

    def _expunges(self) -> bytes:
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
        return b"".join(lines)

    def _flag_changes(self, current: dict[int, StoredMessage]) -> bytes:
        lines = []
        for seq, uid in enumerate(self.uids, 1):
            message = current.get(uid)
            if message is None or message.flags == self.flags.get(uid):
                continue
            self.flags[uid] = message.flags
            shown = flag_list(self.flags_of(uid))
            modseq = b" MODSEQ (%d)" % message.modseq if self.condstore else b""
            lines.append(untagged(b"%d FETCH (UID %d FLAGS %s%s)" % (seq, uid, shown, modseq)))
        return b"".join(lines)

    def _arrivals(self, root: Path, current: dict[int, StoredMessage]) -> bytes:
        highest = self.uids[-1] if self.uids else 0
        new = sorted(uid for uid in current if uid > highest)
        if not new:
            return b""
        self.uids += new
        self.flags.update((uid, current[uid].flags) for uid in new)
        self.recent |= self._claim(root, new)
        out = untagged(b"%d EXISTS" % len(self.uids))
        if self.rev1:
            out += untagged(b"%d RECENT" % len(self.recent))
        return out

    def forget_expunged(self, uids: list[int]) -> bytes:
        """This session's own EXPUNGE / MOVE: report those at once (RFC 9051 §6.4.3)."""
        self.gone |= set(uids)
        return self._expunges()
