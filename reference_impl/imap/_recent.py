"""\\Recent (RFC 3501 §2.3.2): a message is recent in exactly one session, the first to be
told of it.  The claims are per process and per store, in memory: a restarted server
reports no message as recent again, which the RFC allows ("it is not necessarily the
case" that \\Recent survives)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

__all__ = ["claim_recent", "unclaimed"]

_LOCK = threading.Lock()
_CLAIMED: dict[tuple[Path, str, str, int], int] = {}  # -> highest UID already claimed


def claim_recent(
    root: Path, user: str, mailbox: str, uid_validity: int, uids: Iterable[int]
) -> set[int]:
    """The UIDs among ``uids`` no session has been told of yet; they are now claimed."""
    key = (root, user, mailbox, uid_validity)
    with _LOCK:
        before = _CLAIMED.get(key, 0)
        fresh = {uid for uid in uids if uid > before}
        if fresh:
            _CLAIMED[key] = max(fresh)
        return fresh


def unclaimed(root: Path, user: str, mailbox: str, uid_validity: int, uids: Iterable[int]) -> int:
    """How many of ``uids`` no session has claimed: STATUS RECENT (RFC 3501 §6.3.10)."""
    with _LOCK:
        before = _CLAIMED.get((root, user, mailbox, uid_validity), 0)
    return sum(1 for uid in uids if uid > before)
