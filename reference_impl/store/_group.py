"""Group commit: the index rows of messages delivered at the same time share one commit.

Every acknowledged message must be durable before its 250 (RFC 5321 §4.1.1.4, §6.1), and
an index commit in SQLite's FULL synchronous mode is an fsync of the log.  One commit per
message would make that fsync the server's pace, and the index's lock its queue.  So a
delivering thread hands its row to a :class:`CommitGroup` and waits: the first thread to
arrive while no commit is running commits every row queued so far in one transaction,
then wakes the others, and the rows that arrived meanwhile form the next group.  Nobody
waits on a timer; under no load a group is one message.

Nothing changes for a crash: a row is acknowledged only after the commit that holds it,
and its file was made durable before it was queued.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["CommitGroup"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


@dataclass
class _Waiting(Generic[ItemT, ResultT]):
    item: ItemT
    done: bool = False
    result: ResultT | None = None
    error: BaseException | None = None


@dataclass
class CommitGroup(Generic[ItemT, ResultT]):
    """``commit`` takes a group of items and returns one result or exception per item
    (in order); an exception it raises fails the whole group."""

    commit: Callable[[list[ItemT]], list[ResultT | Exception]]
    _queued: list[_Waiting[ItemT, ResultT]] = field(default_factory=list)
    _committing: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def add(self, item: ItemT) -> ResultT:
        """Commit ``item`` with whatever else is queued; its result, once durable."""
        waiting: _Waiting[ItemT, ResultT] = _Waiting(item)
        with self._changed:
            self._queued.append(waiting)
            while self._committing and not waiting.done:
                self._changed.wait()
            if not waiting.done:
                group, self._queued = self._queued, []
                self._committing = True
        if not waiting.done:
            self._commit_group(group)
        if waiting.error is not None:
            raise waiting.error
        assert waiting.result is not None
        return waiting.result

    def _commit_group(self, group: list[_Waiting[ItemT, ResultT]]) -> None:
        outcomes: list[ResultT | BaseException]
        try:
            outcomes = list(self.commit([waiting.item for waiting in group]))
        except BaseException as exc:  # each waiting caller re-raises it
            outcomes = [exc] * len(group)
        with self._changed:
            for waiting, outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    waiting.error = outcome
                else:
                    waiting.result = outcome
                waiting.done = True
            self._committing = False
            self._changed.notify_all()
