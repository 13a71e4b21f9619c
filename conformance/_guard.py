"""Bounds on what a target may send, and what one process has learnt about each target.

A hostile or broken target must not be able to exhaust the harness (memory, time) or make
one fault cost every test a full timeout.  ``WireLimits`` holds the bounds (options
``--max-reply-octets``, ``--max-multiline-octets``, ``--max-timeouts``); a ``TargetGuard``
per target and process counts consecutive timeouts and remembers a broken greeting, so
the tests after them end at once with the reason instead of waiting again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.pop3._responses import DEFAULT_MAX_LINES, DEFAULT_MAX_MULTILINE
from reference_impl.smtp._replies import DEFAULT_MAX_REPLY

from ._errors import TargetStoppedAnswering

__all__ = ["DEFAULT_MAX_TIMEOUTS", "TargetGuard", "WireLimits"]

# Three replies in a row that never came: one may be a slow moment, three are a target
# that has stopped answering.
DEFAULT_MAX_TIMEOUTS = 3


@dataclass(frozen=True, kw_only=True)
class WireLimits:
    """Bounds no real server reaches; past them a test errors and the run goes on."""

    max_reply_octets: int = DEFAULT_MAX_REPLY  # one reply, one line, one status line
    max_multiline_octets: int = DEFAULT_MAX_MULTILINE  # a POP3 multi-line body, POP2 data
    max_lines: int = DEFAULT_MAX_LINES  # lines of one multi-line body
    max_timeouts: int = DEFAULT_MAX_TIMEOUTS  # consecutive timeouts before giving up


@dataclass(kw_only=True)
class TargetGuard:
    """One process's view of one target (xdist workers each keep their own)."""

    url: str
    limits: WireLimits = field(default_factory=WireLimits)
    timeouts: int = 0  # consecutive, reset by any reply to a command
    stopped: str | None = None
    greeting_problem: str | None = None  # why the greeting is no greeting

    def check(self) -> None:
        """Raise at once when the target has stopped answering."""
        if self.stopped is not None:
            raise TargetStoppedAnswering(self.stopped)

    def timed_out(self, what: str) -> None:
        self.timeouts += 1
        if self.timeouts >= self.limits.max_timeouts:
            self.stopped = (
                f"{self.url} stopped answering: {self.timeouts} replies in a row timed out "
                f"(the last {what}); the remaining tests on it are not run"
            )

    def answered(self) -> None:
        self.timeouts = 0
