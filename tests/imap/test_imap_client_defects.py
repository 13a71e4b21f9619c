"""The IMAP server core reports what the client did wrong as ``ClientDefect`` events
(RFC 9051, RFC 2177, RFC 7888); what the client may do reports nothing.

Each wire below is what one client sent; the octets arrive in chunks as listed, so a
chunk that holds more than one step was sent without waiting for the server's answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from imap_driver import Driven, driven

from reference_impl._defects import ClientDefect, Level
from reference_impl.imap._client_defects import ClientDefectKind as Kind
from reference_impl.imap._framing import FramingLimits
from reference_impl.store import MailStore

LOGIN = b"L LOGIN alice alice-pw\r\n"


def _kinds(pair: Driven) -> list[Kind]:
    return [e.defect.kind for e in pair.events if isinstance(e, ClientDefect)]


def _run(tmp_path: Path, *chunks: bytes, **changes: object) -> list[Kind]:
    store = MailStore(tmp_path)
    store.deliver("alice", b"Subject: one\r\n\r\nbody\r\n")
    pair = driven(tmp_path, store, **changes)
    for chunk in chunks:
        pair.send(chunk)
    return _kinds(pair)


@pytest.mark.parametrize(
    ("chunks", "kind"),
    [
        # RFC 9051 §2.2: lines end with CRLF.
        ((b"a NOOP\nb NOOP\r\n",), Kind.BARE_LINE_END),
        ((b"a NOOP\rb NOOP\r\n",), Kind.BARE_LINE_END),
        # RFC 9051 §2.2.1: clients MUST follow the syntax strictly.
        ((b"a  NOOP\r\n",), Kind.SYNTAX),
        ((b"a NOOP extra\r\n",), Kind.SYNTAX),
        ((b"+x NOOP\r\n",), Kind.SYNTAX),
        # RFC 9051 §3: a command in an inappropriate state is a protocol error.
        ((b"a SELECT INBOX\r\n",), Kind.BAD_STATE),
        ((LOGIN, b"a LOGIN alice alice-pw\r\n"), Kind.BAD_STATE),
        ((b"a APPEND INBOX {3}\r\n",), Kind.BAD_STATE),  # refused before its "+"
        # RFC 9051 §2.2.1 SHOULD: a unique tag for every command.
        ((b"a NOOP\r\n", b"a NOOP\r\n"), Kind.TAG_REUSED),
        # ... and the worse case: reused before the first one's completion could be read.
        ((b"a NOOP\r\na NOOP\r\n",), Kind.TAG_IN_PROGRESS),
        # RFC 9051 §4.3: MUST wait for "+" before a synchronizing literal's octets.
        ((b"a LOGIN {5}\r\nalice alice-pw\r\n",), Kind.LITERAL_BEFORE_CONTINUATION),
        # RFC 2177 §3: MUST NOT send a command while the server waits for DONE.
        ((LOGIN, b"i IDLE\r\n", b"n NOOP\r\n"), Kind.COMMAND_DURING_IDLE),
        # RFC 9051 §9: DONE is only IDLE's continuation.
        ((LOGIN, b"DONE\r\n"), Kind.DONE_OUTSIDE_IDLE),
        # RFC 9051 §6.2.2: the AUTHENTICATE response is base64.
        ((b"a AUTHENTICATE PLAIN\r\n", b"not base64!\r\n"), Kind.BAD_SASL_RESPONSE),
    ],
)
def test_each_departure_is_one_client_defect(
    tmp_path: Path, chunks: tuple[bytes, ...], kind: Kind
) -> None:
    assert _run(tmp_path, *chunks) == [kind]


@pytest.mark.parametrize(
    "chunks",
    [
        (b"a noop\r\n", b"b CAPABILITY\r\n"),  # keywords are case-insensitive
        (b"a FROB\r\n",),  # an unknown command is the client's to try
        (b"a LOGIN alice wrong\r\n",),  # a failed login breaks no rule
        # RFC 9051 §5.5: the client MAY pipeline, with distinct tags.
        (b"a NOOP\r\nb NOOP\r\nc CAPABILITY\r\n",),
        # RFC 9051 §4.3: the literal after the "+".
        (b"a LOGIN {5}\r\n", b"alice {8}\r\n", b"alice-pw\r\n"),
        # RFC 7888 §4: a non-synchronizing literal needs no "+" under LITERAL+.
        (b"a LOGIN {5+}\r\nalice {8+}\r\nalice-pw\r\n",),
        # RFC 2177 §3: IDLE, then DONE, then a command.
        (LOGIN, b"s SELECT INBOX\r\n", b"i IDLE\r\n", b"done\r\n", b"n NOOP\r\n"),
        # A tag reused after its completion was read is allowed to a server, but
        # distinct tags throughout report nothing.
        (b"a1 NOOP\r\n", b"a2 NOOP\r\n", b"a3 LOGOUT\r\n"),
    ],
)
def test_what_the_client_may_do_reports_nothing(tmp_path: Path, chunks: tuple[bytes, ...]) -> None:
    assert _run(tmp_path, *chunks) == []


def test_login_despite_logindisabled(tmp_path: Path) -> None:
    """RFC 9051 §6.2.3: a client MUST NOT send LOGIN when LOGINDISABLED is advertised;
    the evidence leaves the password out."""
    store = MailStore(tmp_path)
    pair = driven(tmp_path, store, login_without_tls=False, tls_available=True)
    assert b"LOGINDISABLED" in pair.send(b"c CAPABILITY\r\n")
    assert b"l NO [PRIVACYREQUIRED]" in pair.send(b"l LOGIN alice alice-pw\r\n")
    [event] = [e for e in pair.events if isinstance(e, ClientDefect)]
    assert event.defect.kind is Kind.LOGIN_WHEN_DISABLED
    assert "alice-pw" not in event.defect.detail


def test_a_command_pipelined_after_starttls(tmp_path: Path) -> None:
    """RFC 9051 §6.2.1: no further command until the response and the handshake."""
    kinds = _run(tmp_path, b"t STARTTLS\r\nc CAPABILITY\r\n", tls_available=True)
    assert kinds == [Kind.COMMAND_AFTER_STARTTLS]
    assert _run(tmp_path / "waits", b"t STARTTLS\r\n", tls_available=True) == []


def test_a_non_synchronizing_literal_over_4096_under_literal_minus(tmp_path: Path) -> None:
    """RFC 7888 §5: under LITERAL- the client MUST NOT send one over 4096 octets."""
    limits = FramingLimits(literal_minus=True)
    wire = b"a LOGIN {4097+}\r\n" + b"x" * 4097 + b" pw\r\n"
    assert _run(tmp_path, wire, limits=limits) == [Kind.NON_SYNC_TOO_BIG]


def test_a_tag_is_in_progress_only_while_its_completion_is_unread(tmp_path: Path) -> None:
    """Three commands in one chunk: the third reuses the first's tag before it could
    read that completion; a fourth, sent after, reuses it again only as a repeat."""
    kinds = _run(tmp_path, b"a NOOP\r\nb NOOP\r\na NOOP\r\n", b"a NOOP\r\n")
    assert kinds == [Kind.TAG_IN_PROGRESS, Kind.TAG_REUSED]


def test_tag_and_greeting_rules_are_should_and_the_others_must() -> None:
    """RFC 9051 §2.2.1 says "SHOULD generate a unique tag"; waiting for the greeting is
    described, not required (§3); the rest are MUST rules."""
    should = {kind for kind in Kind if kind.level is Level.SHOULD}
    assert should == {Kind.TAG_REUSED, Kind.TAG_IN_PROGRESS, Kind.SENT_BEFORE_GREETING}


@pytest.mark.parametrize(
    "wire",
    [
        b'a LOGIN alice "secret\r\n',
        b"b LOGIN alice secret extra\r\n",
        b"c LOGIN alice (secret)\r\n",
    ],
)
def test_a_login_syntax_error_shows_no_password(tmp_path: Path, wire: bytes) -> None:
    """The defect names the rule broken; the rest of a LOGIN line may be the password."""
    pair = driven(tmp_path, MailStore(tmp_path))
    pair.send(wire)
    [event] = [e for e in pair.events if isinstance(e, ClientDefect)]
    assert event.defect.kind is Kind.SYNTAX and "secret" not in str(event.defect)
