"""QRESYNC (RFC 7162 §3.2): a client that kept a mailbox's UIDVALIDITY and HIGHESTMODSEQ
learns, in the SELECT that reopens it or by UID FETCH ... (CHANGEDSINCE m VANISHED), what
was expunged since (VANISHED (EARLIER)) and which flags changed, instead of fetching
everything again.

Every expunge is remembered with the MODSEQ it raised (the store's ``expunged`` table),
so the answer is exact and the sequence match data of the SELECT parameter, which only
lets a forgetful server narrow its answer (§3.2.5.2), is checked for syntax and not
needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._responses import untagged
from reference_impl.imap._syntax import SequenceSet, sequence_set
from reference_impl.imap._values import compress_set
from reference_impl.imap._view import View, flag_list
from reference_impl.store import MailboxInfo, MailStore

__all__ = ["Resync", "resync_data", "select_parameter", "vanished_earlier"]

# known-uids omitted: "the server acts as if the client has specified 1:<maxuid>" (§3.2.5.1).
_EVERY_UID = SequenceSet(ranges=((1, None),))


@dataclass(frozen=True)
class Resync:
    """The QRESYNC SELECT parameter: what the client last knew of the mailbox."""

    uid_validity: int
    modseq: int
    known_uids: SequenceSet


def select_parameter(tokens: Tokens, *, enabled: bool) -> Resync:
    """After the word QRESYNC: SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
    [SP seq-match-data] ")" (RFC 7162 §7); BAD unless ENABLE QRESYNC came first (§3.2.5)."""
    if not enabled:
        raise fault(ImapDefectKind.UNKNOWN_ITEM, "QRESYNC before ENABLE QRESYNC (RFC 7162 §3.2.5)")
    tokens.sp()
    tokens.expect(b"(", ImapDefectKind.EXPECTED_LIST)
    uid_validity = tokens.number()
    tokens.sp()
    modseq = tokens.number(wide=True)
    known = _EVERY_UID
    if tokens.skip(b" ") and tokens.peek() != b"(":
        known = sequence_set(tokens)
        tokens.skip(b" ")
    if tokens.skip(b"("):  # seq-match-data = "(" known-sequence-set SP known-uid-set ")"
        sequence_set(tokens)
        tokens.sp()
        sequence_set(tokens)
        tokens.expect(b")", ImapDefectKind.EXPECTED_LIST)
    tokens.expect(b")", ImapDefectKind.EXPECTED_LIST)
    return Resync(uid_validity=uid_validity, modseq=modseq, known_uids=known)


def _within(uids: SequenceSet, largest: int) -> set[tuple[int, int]]:
    return set(uids.resolve(largest))


def _inside(uid: int, ranges: set[tuple[int, int]]) -> bool:
    return any(low <= uid <= high for low, high in ranges)


def resync_data(store: MailStore, view: View, info: MailboxInfo, resync: Resync) -> bytes:
    """What SELECT (QRESYNC ...) adds after the usual data: VANISHED (EARLIER) for the
    known UIDs expunged since the client's MODSEQ, then FETCH (UID FLAGS MODSEQ) for the
    known messages changed since (§3.2.5.1).  Nothing when UIDVALIDITY changed: the
    client must start over, and sees so from the UIDVALIDITY code."""
    if resync.uid_validity != info.uid_validity:
        return b""
    changed, expunged = store.changes_since(view.user, resync.modseq, mailbox=view.mailbox)
    known = _within(resync.known_uids, info.uid_next - 1)
    gone = [uid for uid in expunged if _inside(uid, known)]
    out = [untagged(b"VANISHED (EARLIER) " + compress_set(gone))] if gone else []
    for message in changed:
        seq = view.seq_of(message.uid)
        if seq is None or not _inside(message.uid, known):
            continue
        flags = flag_list(view.flags_of(message.uid))
        out.append(
            untagged(
                b"%d FETCH (UID %d FLAGS %s MODSEQ (%d))"
                % (seq, message.uid, flags, message.modseq)
            )
        )
    return b"".join(out)


def vanished_earlier(store: MailStore, view: View, uids: SequenceSet, modseq: int) -> bytes:
    """UID FETCH ... (CHANGEDSINCE modseq VANISHED): the UIDs of ``uids`` expunged since
    ``modseq``, before any FETCH response (§3.2.6)."""
    _, expunged = store.changes_since(view.user, modseq, mailbox=view.mailbox)
    info = store.mailbox_info(view.user, view.mailbox)
    largest = max(info.uid_next - 1 if info is not None else 0, view.uids[-1] if view.uids else 0)
    asked = _within(uids, largest)
    gone = [uid for uid in expunged if _inside(uid, asked)]
    return untagged(b"VANISHED (EARLIER) " + compress_set(gone)) if gone else b""
