"""The wire rules of ``wire_script`` act on a real reference core, in memory."""

from __future__ import annotations

import dataclasses
from typing import Any

from wire_script import GREETING, Rule, Script, one_rule

from reference_impl._listeners import demo_accounts
from reference_impl.smtp import MessageReceived, ServerConfig, ServerConnection


def _core(script: Script) -> Any:
    core = script.core(ServerConnection)(
        ServerConfig(accounts=demo_accounts()), peer_ip="127.0.0.1"
    )
    core.data_to_send()  # the greeting
    return core


def _say(core: Any, data: bytes) -> bytes:
    core.receive_data(data)
    return bytes(core.data_to_send())


def test_reply_replaces_the_answer_and_counts_a_hit() -> None:
    script = one_rule(r"NOOP", reply=b"500 no\r\n")
    core = _core(script)
    assert _say(core, b"NOOP\r\n") == b"500 no\r\n"
    assert _say(core, b"RSET\r\n").startswith(b"250")
    assert script.hits[0] == 1 and not script.unfired()


def test_swallowed_line_never_reaches_the_core() -> None:
    script = one_rule(r"QUIT", send=b"", reply=b"221 bye\r\n")
    core = _core(script)
    assert _say(core, b"QUIT\r\n") == b"221 bye\r\n"
    assert _say(core, b"NOOP\r\n").startswith(b"250"), "the core never saw QUIT"


def test_each_pipelined_line_gets_its_own_rule() -> None:
    script = one_rule(r"RSET", rewrite=((rb"\A250", b"299"),))
    core = _core(script)
    out = _say(core, b"NOOP\r\nRSET\r\nNOOP\r\n")
    assert [line[:3] for line in out.splitlines()] == [b"250", b"299", b"250"]


def test_skip_leaves_the_first_matches_alone() -> None:
    script = one_rule(r"NOOP", skip=1, reply=b"500 second\r\n")
    core = _core(script)
    assert _say(core, b"NOOP\r\n").startswith(b"250")
    assert _say(core, b"NOOP\r\n") == b"500 second\r\n"


def test_unmatched_rules_are_reported_unfired() -> None:
    script = Script((Rule(r"XYZZY", reply=b"500\r\n"), Rule(GREETING, reply=b"554\r\n")))
    core = script.core(ServerConnection)(ServerConfig(accounts=demo_accounts()), peer_ip="::1")
    assert core.data_to_send() == b"554\r\n"
    _say(core, b"NOOP\r\n")
    assert script.unfired() == [script.rules[0]]


def test_data_rules_edit_only_mail_data_and_events_are_mapped() -> None:
    def no_trace(event: Any) -> Any:
        if isinstance(event, MessageReceived):
            return dataclasses.replace(event, trace=b"")
        return event

    script = Script((Rule(r"NOOP", in_data=True, edit=((rb"NOOP", b"noop"),)),), events=no_trace)
    core = _core(script)
    _say(core, b"EHLO c.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<alice@example.test>\r\n")
    assert _say(core, b"DATA\r\n").startswith(b"354")
    _say(core, b"NOOP in the body\r\n.\r\n")
    event = core.next_event()
    while event is not None and not isinstance(event, MessageReceived):
        event = core.next_event()
    assert event is not None and event.trace == b"" and event.content == b"noop in the body\r\n"
    assert not script.unfired()
