"""Bad input never crashes a session: random command lines built from the grammar's
pieces get BAD/NO/OK and the session goes on (issue: "bad input never crashes a session
or the server")."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imap_driver import logged_in

from reference_impl.store import MailStore

PIECES = [
    b"FETCH", b"STORE", b"SEARCH", b"COPY", b"MOVE", b"UID", b"SELECT", b"EXAMINE", b"LIST",
    b"STATUS", b"APPEND", b"EXPUNGE", b"CLOSE", b"IDLE", b"ENABLE", b"CREATE", b"RENAME",
    b"1", b"*", b"1:*", b"*:4", b"0", b"$", b"INBOX", b'""', b'"a\\"b"', b"NIL", b"(", b")",
    b"[", b"]", b"<0.5>", b"BODY[]", b"BODY.PEEK[1.MIME]", b"FLAGS", b"+FLAGS", b"-FLAGS.SILENT",
    b"\\Seen", b"\\Recent", b"(\\Deleted)", b"OR", b"NOT", b"HEADER", b"BEFORE", b"1-Jan-2020",
    b"{3+}\r\nabc", b"{0}\r\n", b"%", b"&-", b"&Jjo-", b"\xff", b"\x00", b"CHARSET", b"UTF-8",
]  # fmt: skip

lines = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(b" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(commands=st.lists(lines, min_size=1, max_size=6))
def test_random_commands_get_an_answer_and_the_session_survives(
    tmp_path: Path, commands: list[bytes]
) -> None:
    store = MailStore(tmp_path / "store")
    if not store.messages("alice"):
        store.deliver("alice", b"Subject: x\r\n\r\nbody\r\n")
    pair = logged_in(store.root, store)
    pair.send(b"s SELECT INBOX\r\n")
    for number, command in enumerate(commands):
        tag = b"h%d" % number
        reply = pair.send(tag + b" " + command + b"\r\n")
        if reply.startswith(b"+ "):
            reply += pair.send(b"DONE\r\n" if b"IDLE" in command else b"*\r\n")
    if pair.conn.state.name == "LOGOUT":
        return
    assert re.search(rb"(^|\n)z OK", pair.send(b"z NOOP\r\n")), "the session stopped answering"
    store.close()
