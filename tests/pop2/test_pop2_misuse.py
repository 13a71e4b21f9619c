"""A refused POP2 HELO closes the session (RFC 937 action 3 (b)); the refusal is also
held back by the first failure's delay, which slows guessing over new connections."""

from __future__ import annotations

from pop2_pair import Pair

from reference_impl._misuse import MisusePolicy


def test_a_refused_helo_is_answered_after_the_login_delay() -> None:
    pair = Pair.new()
    pair.server.receive_data(b"HELO alice wrong\r\n")
    assert pair.server.delay == MisusePolicy().login_delay
    assert pair.server.data_to_send().startswith(b"-")
