"""Failed USER/PASS, APOP and AUTH logins are answered after a growing delay and close
the session past a limit, and so does a flood of unknown or out-of-state commands
(Dovecot's practice; reference_impl._misuse.MisusePolicy)."""

from __future__ import annotations

import base64

from pop3_pair import Pair

from reference_impl._misuse import MisusePolicy
from reference_impl.pop3._states import State

DEFAULTS = MisusePolicy()


def _fail_pass(pair: Pair) -> tuple[bool, bytes]:
    assert pair.command("USER alice").response.ok
    response = pair.command("PASS wrong").response
    return response.ok, response.text


def test_failed_pass_is_answered_after_a_growing_delay() -> None:
    pair = Pair.new()
    for _ in range(3):
        assert _fail_pass(pair)[0] is False
    assert pair.delays == [DEFAULTS.login_delay * 2**n for n in range(3)]


def test_failed_apop_and_auth_are_delayed_too() -> None:
    pair = Pair.new(auth_without_tls=True)
    assert not pair.command("APOP alice 0123456789abcdef0123456789abcdef").response.ok
    wrong = base64.b64encode(b"\0alice\0wrong").decode("ascii")
    assert not pair.command(f"AUTH PLAIN {wrong}").response.ok
    assert len(pair.delays) == 2


def test_login_failures_past_the_limit_close_the_session() -> None:
    pair = Pair.new()
    for _ in range(DEFAULTS.max_login_failures - 1):
        assert _fail_pass(pair) == (False, b"[AUTH] Authentication failed")
    ok, text = _fail_pass(pair)
    assert not ok and b"closing" in text
    assert pair.server.state is State.CLOSED


def test_commands_in_the_wrong_state_past_the_limit_close_the_session() -> None:
    pair = Pair.new()
    responses = [pair.command("RETR 1").response for _ in range(DEFAULTS.max_errors)]
    assert not any(response.ok for response in responses)
    assert b"closing" not in responses[-2].text and b"closing" in responses[-1].text
    assert pair.server.state is State.CLOSED
