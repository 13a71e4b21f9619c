"""The SMTP core under the hostile reply scenarios, without sockets: a reply without end
stops at the judge's own bound with a close, and a 650 goes in place of the 250 to MAIL
while the transaction opens all the same."""

from __future__ import annotations

import dataclasses

from reference_impl._listeners import demo_accounts
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._events import ConnectionClosed
from reference_impl.smtp._scenarios import JUDGING
from reference_impl.smtp._scripted import FLOOD_BOUND, FLOOD_PIECE, FLOOD_PIECES
from reference_impl.smtp._server import ServerConnection
from reference_impl.smtp._states import State


def _core(scenario: str) -> ServerConnection:
    changes = {**JUDGING.server_changes, **JUDGING.scenario(scenario).config_changes}
    config = dataclasses.replace(ServerConfig(accounts=demo_accounts()), **changes)
    return ServerConnection(config, peer_ip="127.0.0.1")


def _served_to_the_bound(core: ServerConnection) -> tuple[bytes, list[object]]:
    """What the core sends as its shell serves every pause, and its events; bounded."""
    sent, events = core.data_to_send(), []
    for _ in range(FLOOD_PIECES + 5):
        if not core.pace:
            break
        core.pace_served()
        sent += core.data_to_send()
        while (event := core.next_event()) is not None:
            events.append(event)
    return sent, events


def test_a_reply_without_end_stops_at_the_bound_with_a_close() -> None:
    for scenario in ("endless-reply", "oversized-reply-line"):
        sent, events = _served_to_the_bound(_core(scenario))
        assert len(sent) >= FLOOD_PIECE * FLOOD_PIECES, scenario
        assert b"220 " not in sent  # the greeting never reaches its last line
        assert [e.reason for e in events if isinstance(e, ConnectionClosed)] == [FLOOD_BOUND]


def test_the_endless_reply_is_made_of_legal_lines_the_oversized_of_one() -> None:
    endless, _ = _served_to_the_bound(_core("endless-reply"))
    lines = endless.split(b"\r\n")[1:-1]
    assert lines and all(len(line) + 2 == 512 and line[:4] == b"220-" for line in lines)
    oversized, _ = _served_to_the_bound(_core("oversized-reply-line"))
    assert oversized.count(b"\r\n") == 1  # the first line only


def test_a_client_that_quits_during_the_flood_is_not_told_the_bound() -> None:
    core = _core("endless-reply")
    core.pace_served()
    core.receive_data(b"QUIT\r\n")
    core.connection_lost()  # the client gave up: its shell stops serving the pauses
    reasons = []
    while (event := core.next_event()) is not None:
        reasons += [event.reason] if isinstance(event, ConnectionClosed) else []
    assert FLOOD_BOUND not in reasons


def test_a_code_out_of_range_replaces_the_250_to_mail_only() -> None:
    core = _core("malformed-reply")
    core.data_to_send()
    core.receive_data(b"EHLO client.example\r\n")
    assert core.data_to_send().startswith(b"250-")
    core.receive_data(b"MAIL FROM:<sender@client.example>\r\n")
    assert core.data_to_send() == b"650 2.1.0 Sender OK\r\n"
    assert core.state is State.MAIL  # the transaction is open all the same
    core.receive_data(b"RCPT TO:<rcpt@judge.example>\r\n")
    assert core.data_to_send().startswith(b"250 ")
