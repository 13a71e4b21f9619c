"""Deliberately broken POP2 server cores: each breaks one RFC 937 rule.

Each subclass of the reference ``ServerConnection`` overrides the smallest piece, so
only the suite tests for that rule should notice.
"""

from __future__ import annotations

from reference_impl.pop2 import ReplyKind, ServerConnection
from reference_impl.pop2._syntax import CommandLine

__all__ = ["BROKEN_CORES", "AckdKeepsMessages", "GarbageKeepsConnection", "NackAdvances"]


class AckdKeepsMessages(ServerConnection):
    """ACKD (page 9) behaves like ACKS: nothing is marked, nothing is deleted."""

    def _ackd(self, command: CommandLine) -> None:
        self._acks(command)


class NackAdvances(ServerConnection):
    """NACK (page 9) moves on like ACKS instead of keeping the current message."""

    def _nack(self, command: CommandLine) -> None:
        self._acks(command)


class GarbageKeepsConnection(ServerConnection):
    """Action 1 (page 23): answers garbage with "-" but keeps the connection open."""

    def _close(self, error: str | None, reason: str) -> None:
        if reason == "garbage":
            self._reply(ReplyKind.ERROR, error or "")
            return
        super()._close(error, reason)


# Each core and the suite tests (file::name under suites/pop2) that must fail against it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    AckdKeepsMessages: (
        "test_rfc937_acknowledge.py::test_read_of_a_message_marked_by_ackd_gets_zero",
        "test_rfc937_acknowledge.py::test_ackd_deletes_when_the_session_ends",
        "test_rfc937_acknowledge.py::test_ackd_deletes_when_fold_selects_a_mailbox",
    ),
    NackAdvances: ("test_rfc937_acknowledge.py::test_nack_keeps_the_current_message",),
    GarbageKeepsConnection: (
        "test_rfc937_session.py::test_unknown_command_gets_minus_and_close",
        "test_rfc937_session.py::test_retr_before_read_gets_minus_and_close",
    ),
}
