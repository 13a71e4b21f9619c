"""Deliberately broken POP3 server cores: each breaks one rule of RFC 1939 / RFC 2449.

Only what a wire rule cannot say is here (what is stored, kept across sessions or
counted, and state changes): every other misbehaving server is a script of
``scripted_pop3``.  Each subclass of the reference ``ServerConnection`` overrides the
smallest piece that makes it misbehave, so the rest of the conversation stays correct
and only the suite tests for that rule should notice.
``EmbeddedServers(cores={"pop3": ...})`` serves them on loopback.
"""

from __future__ import annotations

import dataclasses
import itertools

from reference_impl.pop3 import (
    ConnectionClosed,
    Maildrop,
    ServerConnection,
    UpdateRequested,
)
from reference_impl.pop3 import _codes as c
from reference_impl.pop3._states import State
from reference_impl.pop3._syntax import CommandLine

__all__ = ["BROKEN_CORES", "CONFORMING_CORES"]


class DeleAppliedImmediately(ServerConnection):
    """§5/§6: DELE removes the message from the store at once, not in UPDATE."""

    def _dele(self, command: CommandLine) -> None:
        super()._dele(command)
        number = int(command.arguments[0]) if command.arguments else 0
        if number in self._session.deleted and self.user is not None:
            uid = self._session.maildrop.messages[number - 1].uid
            self._events.append(UpdateRequested(user=self.user, deleted_uids=(uid,)))


class ListSizesOffByOne(ServerConnection):
    """§5: scan listings and the drop listing report one octet more per message."""

    def maildrop_opened(self, maildrop: Maildrop) -> None:
        grown = tuple(dataclasses.replace(m, size=m.size + 1) for m in maildrop.messages)
        super().maildrop_opened(dataclasses.replace(maildrop, messages=grown))


class StatCountsDeleted(ServerConnection):
    """§5 STAT: messages marked as deleted are still counted."""

    def _totals(self) -> tuple[int, int]:
        sizes = [m.size for m in self._session.maildrop.messages]
        return len(sizes), sum(sizes)


_SESSIONS = itertools.count(1)


class UidlChangesPerSession(ServerConnection):
    """§7 UIDL: unique-ids are not kept across sessions."""

    def maildrop_opened(self, maildrop: Maildrop) -> None:
        super().maildrop_opened(dataclasses.replace(maildrop, uid_validity=next(_SESSIONS)))


class TransactionCapabilitiesDropped(ServerConnection):
    """RFC 2449 §5: CAPA after login omits USER and TOP."""

    def _capabilities(self) -> list[str]:
        found = super()._capabilities()
        if self.state.name == "TRANSACTION":
            return [cap for cap in found if cap not in ("USER", "TOP")]
        return found


class RefusedLoginEntersTransaction(ServerConnection):
    """§4: a refused PASS, APOP or AUTH answers -ERR but the session is in TRANSACTION."""

    def _pass(self, command: CommandLine) -> None:
        user = self._session.pending_user
        super()._pass(command)
        self._enter_anyway(user)

    def _apop(self, command: CommandLine) -> None:
        super()._apop(command)
        self._enter_anyway(None)

    def _end_sasl(self, response: c.Response) -> None:
        super()._end_sasl(response)
        self._enter_anyway(None)

    def _enter_anyway(self, user: str | None) -> None:
        if self.state is State.AUTHORIZATION:
            self._session.user = user or "nobody"
            self.state = State.TRANSACTION


class PipelinedQuitAnsweredBeforeTls(ServerConnection):
    """RFC 2595 §4: a QUIT sent with STLS is answered in the clear, and no TLS follows."""

    def _stls(self, command: CommandLine) -> None:
        pipelined = bytes(self._inbox)
        super()._stls(command)
        if self.state is State.TLS_HANDSHAKE and pipelined.upper().startswith(b"QUIT"):
            self._events.clear()
            self._close(c.OK_BYE, "quit")


class ClosesAfterRefusedLogin(ServerConnection):
    """Not broken: closes the connection after refusing PASS, APOP or AUTH, as RFC 1939 §4
    allows ("After returning a negative status indicator, the server may close the
    connection.")."""

    def _reply(self, response: c.Response) -> None:
        super()._reply(response)
        refused = response.code == "AUTH" or response is c.ERR_PASS_WITHOUT_USER
        if refused and not response.ok and self.state is not State.CLOSED:
            self.state = State.CLOSED
            self._inbox.clear()
            self._events.append(ConnectionClosed(reason="refused login"))


MULTILINE = "test_rfc1939_multiline.py"
TRANSACTION = "test_rfc1939_transaction.py"
UPDATE = "test_rfc1939_update.py"
OPTIONAL = "test_rfc1939_optional.py"
STATES = "test_rfc1939_states.py"
GREETING = "test_rfc1939_greeting.py"

# Each broken core with the suite tests (node ids below suites/pop3/) that must fail on it.
BROKEN_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    DeleAppliedImmediately: (
        f"{UPDATE}::test_dele_removes_nothing_before_quit",
        f"{UPDATE}::test_dropped_connection_deletes_nothing",
    ),
    ListSizesOffByOne: (f"{TRANSACTION}::test_list_size_is_retr_octets",),
    StatCountsDeleted: (f"{TRANSACTION}::test_deleted_not_counted_in_stat",),
    UidlChangesPerSession: (f"{OPTIONAL}::test_uidl_persists_across_sessions",),
    TransactionCapabilitiesDropped: (
        "test_rfc2449_capa.py::test_authorization_capabilities_announced_in_transaction",
    ),
    RefusedLoginEntersTransaction: (
        f"{STATES}::test_pass_without_user_refused",
        f"{STATES}::test_wrong_password_refused",
        f"{OPTIONAL}::test_apop_with_wrong_digest",
        "test_rfc5034_auth.py::test_auth_with_wrong_password",
    ),
    PipelinedQuitAnsweredBeforeTls: (
        "test_rfc2595_stls.py::test_pipelined_command_after_stls_not_executed",
    ),
}

# Cores that keep every RFC rule in a way the reference does not: these suite tests
# must pass against them too (no false alarm).
CONFORMING_CORES: dict[type[ServerConnection], tuple[str, ...]] = {
    ClosesAfterRefusedLogin: BROKEN_CORES[RefusedLoginEntersTransaction],
}
