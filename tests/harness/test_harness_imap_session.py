"""ImapSession against the reference server, and against scripted misbehaving peers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from conftest import Script, ScriptedServer

from conformance import (
    ImapSession,
    Target,
    TargetClosedConnection,
    TargetReplyTooLarge,
    TargetTimeout,
    TlsSettings,
    Transcript,
    parse_target,
)
from conformance._guard import TargetGuard, WireLimits
from reference_impl._embedded import EmbeddedServers
from reference_impl.imap import Literal

Start = Callable[[Script], ScriptedServer]
GREETING = b"* OK fake IMAP ready\r\n"


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _target(servers: EmbeddedServers, scheme: str = "imap") -> Target:
    tls = TlsSettings(verify=True, ca_file=servers.ca_file, server_name=servers.server_name)
    return parse_target(servers.url(scheme), tls=tls)


def test_literal_waits_for_the_continuation_and_fetch_is_byte_exact(
    servers: EmbeddedServers,
) -> None:
    content = b"Subject: x\r\n\r\nline one\r\n{5}\r\nA0001 OK fake\r\n"
    transcript = Transcript()
    with ImapSession.connect(_target(servers), transcript=transcript) as imap:
        assert imap.login("alice", "alice-password").response.status == b"OK"
        appended = imap.command("APPEND", b"INBOX", Literal(content))
        assert appended.response.status == b"OK"
        imap.command("SELECT", b"INBOX")
        fetched = imap.command("FETCH", b"*", b"(BODY.PEEK[])")
    (response,) = [r for r in fetched.untagged if r.keyword == b"FETCH"]
    assert response.framed.literals == (content,)
    # The '+' came before the literal went: the transcript shows them in that order.
    rendered = transcript.render()
    assert rendered.index("S: + ") < rendered.index("C: Subject: x")


def test_starttls_and_imaps(servers: EmbeddedServers) -> None:
    with ImapSession.connect(_target(servers)) as imap:
        assert imap.starttls().response.status == b"OK" and imap.tls_active
        assert imap.login("bob", "bob-password").response.status == b"OK"
    with ImapSession.connect(_target(servers, "imaps")) as imaps:
        assert imaps.tls_active and imaps.greeting is not None
        assert imaps.greeting.status == b"OK"


def test_close_in_the_middle_of_a_response_is_no_response(scripted_server: Start) -> None:
    script = Script(
        greeting=GREETING, reply=lambda line: b"* 1 FETCH (FLAGS", close_after_reply=True
    )
    target = parse_target(f"imap://127.0.0.1:{scripted_server(script).port}")
    with (
        ImapSession.connect(target, timeout=2) as imap,
        pytest.raises(TargetClosedConnection) as raised,
    ):
        imap.command("NOOP")
    assert raised.value.partial == b"* 1 FETCH (FLAGS"


def test_silence_is_a_timeout_naming_the_command(scripted_server: Start) -> None:
    server = scripted_server(Script(greeting=GREETING, reply=lambda line: b""))
    target = parse_target(f"imap://127.0.0.1:{server.port}")
    with (
        ImapSession.connect(target, timeout=0.3) as imap,
        pytest.raises(TargetTimeout) as raised,
    ):
        imap.command("NOOP")
    assert str(raised.value) == (
        f"no reply from imap://127.0.0.1:{server.port} within 0.3 s after 'A0001 NOOP'"
    )


def test_an_endless_literal_is_bounded(scripted_server: Start) -> None:
    endless = b"* 1 FETCH (BODY[] {999999999}\r\n" + b"x" * 20000
    server = scripted_server(Script(greeting=GREETING, reply=lambda line: endless))
    target = parse_target(f"imap://127.0.0.1:{server.port}")
    limits = WireLimits(max_reply_octets=4096, max_multiline_octets=8192)
    guard = TargetGuard(url=target.url, limits=limits)
    with (
        ImapSession.connect(target, timeout=2, guard=guard) as imap,
        pytest.raises(TargetReplyTooLarge, match="more than 8192 octets"),
    ):
        imap.command("NOOP")


def test_a_greeting_with_a_tag_is_kept_for_the_greeting_tests(scripted_server: Start) -> None:
    server = scripted_server(Script(greeting=b"A1 OK \x1b[31mhi\r\n"))
    target = parse_target(f"imap://127.0.0.1:{server.port}")
    transcript = Transcript()
    with ImapSession.connect(target, timeout=1, transcript=transcript) as imap:
        assert imap.greeting is not None and imap.greeting.tag == b"A1"
    assert "\\x1b[31mhi" in transcript.render()
