"""Deliberately broken POP3 server cores: each breaks one rule of RFC 1939 / RFC 2449.

Each subclass of the reference ``ServerConnection`` overrides the smallest piece that
makes it misbehave, so the rest of the conversation stays correct and only the suite
tests for that rule should notice.  ``EmbeddedServers(pop3_connection_factory=...)``
serves them on loopback.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from reference_impl.pop3 import (
    ConnectionClosed,
    Maildrop,
    ServerConfig,
    ServerConnection,
    UpdateRequested,
)
from reference_impl.pop3 import _codes as c
from reference_impl.pop3._states import State
from reference_impl.pop3._syntax import CommandLine

__all__ = ["BROKEN_CORES", "CONFORMING_CORES"]

_TRANSACTION_VERBS = {"STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL"}


class DeleAppliedImmediately(ServerConnection):
    """§5/§6: DELE removes the message from the store at once, not in UPDATE."""

    def _dele(self, command: CommandLine) -> None:
        super()._dele(command)
        number = int(command.arguments[0]) if command.arguments else 0
        if number in self._session.deleted and self.user is not None:
            uid = self._session.maildrop.messages[number - 1].uid
            self._events.append(UpdateRequested(user=self.user, deleted_uids=(uid,)))


class NoByteStuffing(ServerConnection):
    """§3: RETR sends lines starting with "." as they are."""

    def message_loaded(self, data: bytes) -> None:
        if self._session.top_lines is None and self.state.name == "LOADING":
            self._outbox += c.render(c.OK.with_text(f"{len(data)} octets")) + data + b".\r\n"
            self._resume_transaction()
            return
        super().message_loaded(data)


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


class AcceptedInWrongState(ServerConnection):
    """§3: TRANSACTION commands before login get +OK (and do nothing)."""

    def _command(self, line: bytes) -> None:
        verb = line.split(b" ", 1)[0].decode("ascii", "replace").upper()
        if self.state.name == "AUTHORIZATION" and verb in _TRANSACTION_VERBS:
            self._reply(c.OK)
            return
        super()._command(line)


class LowerCaseStatus(ServerConnection):
    """§3: sends "+ok" and "-err"."""

    def data_to_send(self) -> bytes:
        data = super().data_to_send()
        return data.replace(b"+OK", b"+ok").replace(b"-ERR", b"-err")


class RsetKeepsDeletions(ServerConnection):
    """§5 RSET: answers +OK but messages stay marked as deleted."""

    def _rset(self, command: CommandLine) -> None:
        self._reply(c.OK)


_SESSIONS = itertools.count(1)


class UidlChangesPerSession(ServerConnection):
    """§7 UIDL: unique-ids are not kept across sessions."""

    def maildrop_opened(self, maildrop: Maildrop) -> None:
        super().maildrop_opened(dataclasses.replace(maildrop, uid_validity=next(_SESSIONS)))


class TopIgnoresLineCount(ServerConnection):
    """§7 TOP: sends the whole message whatever the line count."""

    def _top(self, command: CommandLine) -> None:
        if len(command.arguments) == 2:
            command = dataclasses.replace(command, arguments=(command.arguments[0], b"999999"))
        super()._top(command)


class TransactionCapabilitiesDropped(ServerConnection):
    """RFC 2449 §5: CAPA after login omits USER and TOP."""

    def _capabilities(self) -> list[str]:
        found = super()._capabilities()
        if self.state.name == "TRANSACTION":
            return [cap for cap in found if cap not in ("USER", "TOP")]
        return found


class Rfc1939CommandLines(ServerConnection):
    """RFC 2449 §4: offers CAPA but refuses command lines over RFC 1939's 47 octets."""

    def __init__(self, config: ServerConfig, **kwargs: Any) -> None:
        super().__init__(dataclasses.replace(config, max_command_line=47), **kwargs)


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
    NoByteStuffing: (
        f"{MULTILINE}::test_lines_starting_with_period_are_stuffed",
        f"{MULTILINE}::test_lone_period_line_does_not_end_the_response",
        f"{MULTILINE}::test_raw_stuffing_on_the_wire",
    ),
    ListSizesOffByOne: (f"{TRANSACTION}::test_list_size_is_retr_octets",),
    StatCountsDeleted: (f"{TRANSACTION}::test_deleted_not_counted_in_stat",),
    AcceptedInWrongState: (f"{STATES}::test_transaction_command_refused_in_authorization",),
    LowerCaseStatus: (
        f"{GREETING}::test_greeting_status_is_upper_case",
        f"{GREETING}::test_error_status_is_upper_case",
    ),
    RsetKeepsDeletions: (f"{TRANSACTION}::test_rset_unmarks_deleted",),
    UidlChangesPerSession: (f"{OPTIONAL}::test_uidl_persists_across_sessions",),
    TopIgnoresLineCount: (
        f"{OPTIONAL}::test_top_zero_is_header_and_blank_line",
        f"{OPTIONAL}::test_top_sends_n_body_lines",
        f"{OPTIONAL}::test_top_stuffs_periods",
    ),
    TransactionCapabilitiesDropped: (
        "test_rfc2449_capa.py::test_authorization_capabilities_announced_in_transaction",
    ),
    Rfc1939CommandLines: ("test_rfc2449_capa.py::test_command_of_255_octets_supported",),
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
