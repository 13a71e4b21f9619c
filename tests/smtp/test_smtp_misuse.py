"""RFC 5321 §7.8 lets a server defend itself: failed AUTH is answered after a growing
delay and closes the session past a limit, and so does a flood of unknown or
out-of-sequence commands (the limits of reference_impl._misuse.MisusePolicy)."""

from __future__ import annotations

import base64

from helpers import Pair

from reference_impl._misuse import MisusePolicy
from reference_impl.smtp._states import State

DEFAULTS = MisusePolicy()


def _wrong_auth() -> str:
    return "AUTH PLAIN " + base64.b64encode(b"\0alice\0wrong").decode("ascii")


def _session(**changes: object) -> Pair:
    pair = Pair.new(**changes)
    assert pair.command("EHLO client.example.test").reply.code == 250
    return pair


def test_failed_auth_is_answered_after_a_growing_delay() -> None:
    pair = _session(auth_without_tls=True)
    for _ in range(3):
        assert pair.command(_wrong_auth()).reply.code == 535
    assert pair.delays == [DEFAULTS.login_delay * 2**n for n in range(3)]


def test_the_delay_holds_back_commands_pipelined_after_a_failed_auth() -> None:
    pair = _session(auth_without_tls=True)
    pair.server.receive_data(f"{_wrong_auth()}\r\nNOOP\r\n".encode("ascii"))
    assert pair.server.delay > 0
    assert pair.server.data_to_send().startswith(b"535 ")  # NOOP not run yet
    pair.server.delay_served()
    assert pair.server.data_to_send().startswith(b"250 ")


def test_auth_failures_past_the_limit_close_the_session_with_421() -> None:
    pair = _session(auth_without_tls=True)
    for _ in range(DEFAULTS.max_login_failures - 1):
        assert pair.command(_wrong_auth()).reply.code == 535
    assert pair.command(_wrong_auth()).reply.code == 421
    assert pair.server.state is State.CLOSED


def test_a_successful_auth_is_not_delayed() -> None:
    pair = _session(auth_without_tls=True)
    right = base64.b64encode(b"\0alice\0alice-pw").decode("ascii")
    assert pair.command(f"AUTH PLAIN {right}").reply.code == 235
    assert pair.delays == []


def test_unknown_commands_past_the_limit_close_the_session_with_421() -> None:
    pair = Pair.new()
    for _ in range(DEFAULTS.max_errors - 1):
        assert pair.command("XYZZY").reply.code == 500
    assert pair.command("XYZZY").reply.code == 421
    assert pair.server.state is State.CLOSED


def test_out_of_sequence_commands_count_as_errors() -> None:
    pair = _session()
    limit = DEFAULTS.max_errors
    replies = [pair.command("RCPT TO:<alice@example.test>").reply.code for _ in range(limit)]
    assert replies == [503] * (limit - 1) + [421]
