"""Deliberately broken IMAP server cores: each breaks one rule of RFC 3501.

Only what a wire rule cannot say is here (what differs between sessions): every other
misbehaving server is a script of ``scripted_imap``.  Each subclass of the reference
``ServerConnection`` changes the smallest piece that makes it misbehave.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable
from typing import Any

from reference_impl.imap import ServerConnection
from reference_impl.imap._events import Work
from reference_impl.imap._responses import Reply
from reference_impl.store import MailStore

__all__ = ["BROKEN_CORES"]

# A UID in FETCH data ("UID 7"); APPENDUID / COPYUID codes have no word break before it.
_UID = re.compile(rb"\bUID ([0-9]+)")


class UidsRenumberedPerSession(ServerConnection):
    """§2.3.1.1: each session shows other UIDs for the same messages, and UIDVALIDITY
    stays the same (a store that regenerates UIDs per session without saying so)."""

    _sessions = itertools.count()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offset = 1000 * next(self._sessions)

    def data_to_send(self) -> bytes:
        shifted = _UID.sub(
            lambda m: b"UID %d" % (int(m.group(1)) + self._offset), super().data_to_send()
        )
        return shifted


class ExpungeWhileFetching(ServerConnection):
    """§7.4.1: other sessions' expunges are reported in the middle of any command's
    answer, FETCH, STORE and SEARCH included."""

    def _start_work(self, work: Work, then: Callable[[Reply], None]) -> None:
        session = self.session

        def with_expunges(store: MailStore) -> Reply:
            reply = work(store)
            if session.view is None:
                return reply
            return dataclasses.replace(
                reply, data=session.view.refresh(store, expunge=True) + reply.data
            )

        super()._start_work(with_expunges, then)


SELECT = "test_rfc3501_select.py"
MORE = "test_rfc3501_more.py"

BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    UidsRenumberedPerSession: (f"{SELECT}::test_uidvalidity_stays_between_selects",),
    ExpungeWhileFetching: (f"{MORE}::test_no_expunge_while_answering_fetch",),
}
