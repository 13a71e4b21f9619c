"""Deliberately broken POP2 server cores: each breaks one RFC 937 rule.

Each subclass of the reference ``ServerConnection`` overrides the smallest piece, so
only the suite tests for that rule should notice.  Only what a wire rule cannot say is
here; the other misbehaving POP2 servers are scripts of tests/suites/scripted_pop2.py.
"""

from __future__ import annotations

from reference_impl.pop2 import ReplyKind, ServerConnection

__all__ = ["BROKEN_CORES", "GarbageKeepsConnection"]


class GarbageKeepsConnection(ServerConnection):
    """Action 1 (page 23): answers garbage with "-" but keeps the connection open."""

    def _close(self, error: str | None, reason: str) -> None:
        if reason == "garbage":
            self._reply(ReplyKind.ERROR, error or "")
            return
        super()._close(error, reason)


# Each core and the suite tests (file::name under suites/pop2) that must fail against it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    GarbageKeepsConnection: (
        "test_rfc937_session.py::test_unknown_command_gets_minus_and_close",
        "test_rfc937_session.py::test_retr_before_read_gets_minus_and_close",
    ),
}
