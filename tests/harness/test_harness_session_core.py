"""The SMTP session drives the client core: pipelined replies are paired by it, and a
session that the core considers ended (221, 421) can still probe the target."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Script, ScriptedServer

from conformance import SmtpSession, parse_target

Start = Callable[[Script], ScriptedServer]


def _session(server: ScriptedServer) -> SmtpSession:
    return SmtpSession.connect(parse_target(f"smtp://127.0.0.1:{server.port}"))


def test_a_command_after_an_early_goodbye_still_reaches_the_target(
    scripted_server: Start,
) -> None:
    # A target answering NOOP with 221 but staying open: a test may go on probing it.
    server = scripted_server(
        Script(reply=lambda line: b"221 bye\r\n" if b"NOOP" in line else b"250 ok\r\n")
    )
    with _session(server) as smtp:
        assert smtp.noop().code == 221
        assert smtp.command("RSET").code == 250
        assert smtp.pipeline("RSET", "RSET") and smtp.bdat(b"x").code == 250


def test_pipelined_replies_come_back_in_command_order(scripted_server: Start) -> None:
    answers = {b"MAIL": b"250 sender\r\n", b"RCPT": b"550 no\r\n", b"NOOP": b"250 noop\r\n"}
    server = scripted_server(Script(reply=lambda line: answers.get(line[:4], b"500 ?\r\n")))
    with _session(server) as smtp:
        replies = smtp.pipeline("MAIL FROM:<a@example.org>", "RCPT TO:<b@example.org>", "NOOP")
    assert [(reply.code, reply.text) for reply in replies] == [
        (250, "sender"),
        (550, "no"),
        (250, "noop"),
    ]
