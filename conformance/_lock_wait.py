"""Waiting for a mailbox lock that an ended session may still hold.

POP3 (RFC 1939 §4) and, on servers that lock them, POP2 mailboxes are held by one
session at a time, and no RFC times the release after a session ends.  A login that is
not itself what a test examines tries again after a growing pause, while the pauses fit
in its bound.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

__all__ = ["lock_pauses"]

_FIRST_PAUSE = 0.02
_LONGEST_PAUSE = 1.0


def lock_pauses(bound: float) -> Iterator[float]:
    """The pauses to sleep between tries, doubling from 20 ms to at most 1 s, while the
    next one still ends within ``bound`` seconds of the first call."""
    deadline = time.monotonic() + bound
    pause = _FIRST_PAUSE
    while time.monotonic() + pause <= deadline:
        yield pause
        pause = min(pause * 2, _LONGEST_PAUSE)
