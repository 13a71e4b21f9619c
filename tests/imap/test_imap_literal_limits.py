"""Before login a literal carries no more than a user name, a password or a SASL
response, so the server asks for no large one: an unauthenticated client made it hold
up to 64 MiB per connection (Dovecot's imap-login refuses with
"* BYE Literal size too large").  After login APPEND takes large literals as before."""

from __future__ import annotations

from pathlib import Path

from imap_driver import driven, logged_in

BIG = 10 * 1024 * 1024


def test_large_synchronizing_literal_refused_before_login(tmp_path: Path) -> None:
    pair = driven(tmp_path)
    reply = pair.send(b"a LOGIN {%d}\r\n" % BIG)
    assert reply.startswith(b"a BAD [TOOBIG]"), reply
    assert b"+" not in reply[:1], reply
    assert pair.send(b"b NOOP\r\n") == b"b OK done\r\n"


def test_large_non_synchronizing_literal_refused_and_skipped_before_login(
    tmp_path: Path,
) -> None:
    pair = driven(tmp_path)
    reply = pair.send(b"a LOGIN {%d+}\r\n" % BIG + b"x" * BIG + b" pw\r\n")
    assert reply.startswith(b"a BAD [TOOBIG]"), reply[:200]
    assert pair.send(b"b NOOP\r\n") == b"b OK done\r\n"


def test_small_literal_still_taken_before_login(tmp_path: Path) -> None:
    pair = driven(tmp_path)
    assert pair.send(b"a LOGIN {5}\r\n") == b"+ Ready for literal data\r\n"
    assert pair.send(b"alice alice-pw\r\n").startswith(b"a OK")


def test_large_literal_still_asked_for_after_login(tmp_path: Path) -> None:
    pair = logged_in(tmp_path)
    assert pair.send(b"b APPEND INBOX {%d}\r\n" % BIG) == b"+ Ready for literal data\r\n"
