"""The wire layer against hostile and broken targets, session by session.

Each test drives a harness session straight against one misbehaving server and checks
that what the target did becomes the right verdict: a close is never a reply, a framing
fault is noticed where it happens, every read is bounded, a silent target is given up on.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
from hostile_servers import BEHAVIOURS, HostileServer, Peer

from conformance import (
    Pop3Session,
    SmtpSession,
    TargetClosedConnection,
    TargetTimeout,
    Transcript,
    parse_target,
)
from conformance._errors import (
    HarnessError,
    SessionUnusable,
    TargetFramingError,
    TargetReplyTooLarge,
    TargetStoppedAnswering,
    TargetTlsFailure,
)
from conformance._guard import TargetGuard, WireLimits
from reference_impl._embedded import EmbeddedServers

Serve = Callable[[Callable[[Peer], None]], str]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """``serve(behaviour) -> "127.0.0.1:PORT"``; every server is closed after the test."""
    servers: list[HostileServer] = []

    def start(behaviour: Callable[[Peer], None]) -> str:
        server = HostileServer(behaviour)
        servers.append(server)
        return f"127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.close()


def _smtp(where: str, **kwargs: object) -> SmtpSession:
    return SmtpSession.connect(parse_target(f"smtp://{where}"), **kwargs)  # type: ignore[arg-type]


def _pop3(where: str, **kwargs: object) -> Pop3Session:
    return Pop3Session.connect(parse_target(f"pop3://{where}"), **kwargs)  # type: ignore[arg-type]


def _replies(*answers: bytes) -> Callable[[Peer], None]:
    """Greet, then answer the n-th command line with ``answers[n]``; close after the last."""

    def behaviour(peer: Peer) -> None:
        peer.send(answers[0])
        lines = peer.lines()
        for answer in answers[1:]:
            if next(lines, None) is None:
                return
            peer.send(answer)

    return behaviour


# -- a closed connection is never a reply -----------------------------------------------------


def test_close_mid_reply_is_a_close_and_stays_one(serve: Serve) -> None:
    transcript = Transcript()
    smtp = _smtp(serve(BEHAVIOURS["smtp_close_mid_reply"]), transcript=transcript)
    with pytest.raises(TargetClosedConnection, match="in the middle of a reply") as raised:
        smtp.noop()
    assert raised.value.partial == b"250-fake.test\r\n250 cut"
    assert "S: 250 cut" in transcript.render()  # the fragment stays as evidence
    for _ in range(2):  # and every later command fails the same way, never "250"
        with pytest.raises(TargetClosedConnection, match="had closed the connection"):
            smtp.noop()


def test_pop3_status_line_cut_off_by_a_close_is_not_ok(serve: Serve) -> None:
    pop3 = _pop3(serve(BEHAVIOURS["pop3_partial_then_close"]))
    with pytest.raises(TargetClosedConnection) as raised:
        pop3.stat()
    assert raised.value.partial == b"+OK partial"
    with pytest.raises(TargetClosedConnection):
        pop3.noop()


def test_pop2_close_mid_reply_stays_closed(serve: Serve) -> None:
    from conformance._pop2_session import Pop2Session

    where = serve(_replies(b"+ POP2 fake ready\r\n", b"#1 partial"))
    pop2 = Pop2Session.connect(parse_target(f"pop2://{where}"))
    with pytest.raises(TargetClosedConnection):
        pop2.read()
    with pytest.raises(TargetClosedConnection, match="had closed"):
        pop2.read()


# -- POP3 multi-line framing ------------------------------------------------------------------


def test_pop3_bare_lf_dot_inside_a_body_does_not_end_it(serve: Serve) -> None:
    body = b"+OK\r\nfirst\n.\nsecond\r\n.\r\n"  # "\n.\n" is not CRLF.CRLF (RFC 1939 §3)
    pop3 = _pop3(serve(_replies(b"+OK hi\r\n", body, b"+OK noop\r\n")))
    response = pop3.retr(1)
    assert response.lines == (b"first", b"", b"second")
    assert "BARE_LF" in {defect.kind.name for defect in response.defects}
    assert pop3.noop().text == b"noop"  # still in step with the target


def test_pop3_response_ended_by_bare_lf_dot_fails_the_target(serve: Serve) -> None:
    pop3 = _pop3(serve(BEHAVIOURS["pop3_bare_lf_terminator"]), timeout=0.5)
    with pytest.raises(TargetFramingError, match=r"CRLF\.CRLF"):
        pop3.capa()


# -- replies nobody asked for -----------------------------------------------------------------


def test_ehlo_lines_spilling_into_a_second_reply_fail_at_ehlo(serve: Serve) -> None:
    smtp = _smtp(serve(BEHAVIOURS["smtp_extra_lines"]))
    with pytest.raises(TargetFramingError, match="nobody asked for") as raised:
        smtp.ehlo()
    assert "250-PIPELINING" in str(raised.value)
    with pytest.raises(SessionUnusable):
        smtp.noop()  # out of step: no later verdict on this session would hold


def test_a_late_reply_nobody_asked_for_is_seen_before_the_next_command(serve: Serve) -> None:
    def late(peer: Peer) -> None:
        peer.send(b"220 fake.test\r\n")
        for line in peer.lines():
            peer.send(b"250 ok\r\n")
            if line.startswith(b"NOOP"):
                time.sleep(0.2)
                peer.send(b"250 one more\r\n")

    smtp = _smtp(serve(late))
    assert smtp.noop().code == 250
    time.sleep(0.5)  # let the surplus reply arrive before the next command
    with pytest.raises(TargetFramingError, match="one more"):
        smtp.rset()


def test_pop3_surplus_response_is_noticed(serve: Serve) -> None:
    pop3 = _pop3(serve(_replies(b"+OK hi\r\n", b"+OK 1 2\r\n+OK again\r\n")))
    with pytest.raises(TargetFramingError, match="again"):
        pop3.stat()


def test_pipelined_replies_are_not_taken_for_unasked_ones() -> None:
    with EmbeddedServers() as servers:
        target = parse_target(f"smtp://{servers.host}:{servers.ports['smtp']}")
        with SmtpSession.connect(target) as smtp:
            smtp.ehlo()
            smtp.send_raw(b"RSET\r\nNOOP\r\nNOOP\r\n", replies=3)
            assert smtp.read_reply().code == 250  # two replies are still owed
            assert smtp.noop().code == 250  # the harness no longer knows: no alarm
            assert smtp.quit().code in (250, 221)


# -- the greeting -----------------------------------------------------------------------------


def test_greeting_without_line_end_fails_the_greeting_and_stops_the_rest(serve: Serve) -> None:
    where = serve(BEHAVIOURS["smtp_greeting_without_crlf"])
    guard = TargetGuard(url=f"smtp://{where}")
    first = _smtp(where, timeout=0.3, guard=guard)
    with pytest.raises(TargetFramingError, match="did not end its line"):
        _ = first.greeting
    with pytest.raises(SessionUnusable, match="broken greeting"):
        first.noop()
    started = time.monotonic()
    second = _smtp(where, timeout=30, guard=guard)  # known now: no second wait
    assert time.monotonic() - started < 15
    with pytest.raises(TargetFramingError, match="never ends"):
        _ = second.greeting


def test_endless_greeting_fails_the_greeting(serve: Serve) -> None:
    def endless(peer: Peer) -> None:
        peer.stream(b"220 " + b"g" * 1000)

    where = serve(endless)
    guard = TargetGuard(url=where, limits=WireLimits(max_reply_octets=10_000))
    smtp = _smtp(where, guard=guard)
    with pytest.raises(TargetFramingError, match="did not end within 10000 octets"):
        _ = smtp.greeting


def test_greeting_that_is_no_reply_fails_the_greeting(serve: Serve) -> None:
    smtp = _smtp(serve(_replies(b"hello there\r\n")))
    with pytest.raises(TargetFramingError, match="not a reply"):
        _ = smtp.greeting
    pop3 = _pop3(serve(_replies(b"hello there\r\n")))
    with pytest.raises(TargetFramingError, match="not a response"):
        _ = pop3.greeting


# -- bounds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", ["smtp_endless_reply", "smtp_endless_line"])
def test_endless_reply_errors_at_the_bound(serve: Serve, behaviour: str) -> None:
    where = serve(BEHAVIOURS[behaviour])
    guard = TargetGuard(url=f"smtp://{where}", limits=WireLimits(max_reply_octets=100_000))
    transcript = Transcript(keep_received=10_000)
    smtp = _smtp(where, guard=guard, transcript=transcript)
    with pytest.raises(TargetReplyTooLarge, match="reply exceeds 100000 octets"):
        smtp.ehlo()
    with pytest.raises(SessionUnusable, match="abandoned"):
        smtp.noop()
    kept = sum(len(event.data) for event in transcript.events)
    assert kept < 10_000 + 70_000  # the head, one kept tail, the notes
    assert "octets from the target not kept" in transcript.render()


def test_endless_pop3_multiline_errors_at_the_bound(serve: Serve) -> None:
    where = serve(BEHAVIOURS["pop3_endless_multiline"])
    limits = WireLimits(max_multiline_octets=300_000)
    pop3 = _pop3(where, guard=TargetGuard(url=f"pop3://{where}", limits=limits))
    with pytest.raises(TargetReplyTooLarge, match="reply exceeds 300000 octets"):
        pop3.capa()


def test_abandoned_replies_do_not_stay_in_memory(serve: Serve) -> None:
    """A failed test's traceback lives on (pytest keeps the last one, caches keep theirs):
    it must not hold the megabytes of the reply that was given up on."""
    where = serve(BEHAVIOURS["pop3_endless_multiline"])
    limits = WireLimits(max_multiline_octets=2_000_000)
    kept: list[BaseException] = []
    tracemalloc.start()
    try:
        for _ in range(5):
            guard = TargetGuard(url=f"pop3://{where}", limits=limits)
            pop3 = _pop3(where, guard=guard, transcript=Transcript(keep_received=10_000))
            with pytest.raises(TargetReplyTooLarge) as raised:
                pop3.capa()
            kept.append(raised.value)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 2_000_000  # not one of the five 2 MB bodies


def test_pop3_multiline_line_count_is_bounded() -> None:
    from reference_impl.pop3._responses import Pop3ResponseReader, ResponseTooLarge

    reader = Pop3ResponseReader(max_lines=1000)
    reader.feed(b"+OK\r\n")
    with pytest.raises(ResponseTooLarge, match="1000 lines"):
        for _ in range(100):
            reader.feed(b"x\r\n" * 100)
            assert reader.next_response(multiline=True) is None


def test_pop2_announced_length_is_bounded(serve: Serve) -> None:
    from conformance._pop2_session import Pop2Session

    where = serve(_replies(b"+ POP2 fake\r\n", b"=999999999999\r\n", b""))
    limits = WireLimits(max_multiline_octets=1000)
    pop2 = Pop2Session.connect(
        parse_target(f"pop2://{where}"), guard=TargetGuard(url=where, limits=limits)
    )
    assert pop2.read(1).number == 999999999999
    with pytest.raises(TargetReplyTooLarge, match="exceeds 1000 octets"):
        pop2.retr()


# -- silence ----------------------------------------------------------------------------------


def test_target_that_stops_answering_is_given_up_on(serve: Serve) -> None:
    where = serve(BEHAVIOURS["smtp_silent_after_greeting"])
    guard = TargetGuard(url=f"smtp://{where}", limits=WireLimits(max_timeouts=2))
    for _ in range(2):
        with pytest.raises(TargetTimeout):
            _smtp(where, timeout=0.2, guard=guard).ehlo()
    started = time.monotonic()
    with pytest.raises(TargetStoppedAnswering, match="stopped answering: 2 replies in a row"):
        _smtp(where, timeout=30, guard=guard)
    assert time.monotonic() - started < 15


def test_short_probes_and_answers_do_not_count_as_silence(serve: Serve) -> None:
    def slow_noop(peer: Peer) -> None:
        peer.send(b"220 fake.test\r\n")
        for line in peer.lines():
            if line.startswith(b"NOOP"):
                time.sleep(0.3)
            peer.send(b"250 ok\r\n")

    where = serve(slow_noop)
    guard = TargetGuard(url=f"smtp://{where}", limits=WireLimits(max_timeouts=2))
    smtp = _smtp(where, timeout=5, guard=guard)
    for _ in range(3):
        smtp.send_raw(b"NOOP\r\n", replies=1)
        with pytest.raises(TargetTimeout):
            smtp.read_reply(timeout=0.05)  # a deliberate short wait: a probe
        assert smtp.read_reply().code == 250
    assert guard.stopped is None


# -- STARTTLS / STLS --------------------------------------------------------------------------


def test_starttls_handshake_garbage_is_the_targets_failure(serve: Serve) -> None:
    smtp = _smtp(serve(BEHAVIOURS["smtp_starttls_garbage"]))
    smtp.ehlo()
    with pytest.raises(TargetTlsFailure, match="220 to STARTTLS"):
        smtp.starttls()
    assert issubclass(TargetTlsFailure, AssertionError)  # a verdict, not a harness error


def test_stls_then_close_is_the_targets_failure(serve: Serve) -> None:
    pop3 = _pop3(serve(_replies(b"+OK hi\r\n", b"+OK begin TLS\r\n")))
    with pytest.raises(TargetTlsFailure, match="STLS"):
        pop3.stls()


def test_untrusted_certificate_is_a_harness_error_not_a_verdict() -> None:
    with EmbeddedServers() as servers:
        # Verification asked for, but without the servers' CA: our side refuses.
        target = parse_target(f"smtp+starttls://{servers.host}:{servers.ports['smtp']}")
        target = target.with_tls(target.tls.__class__(verify=True))
        with SmtpSession.connect(target) as smtp:
            smtp.ehlo()
            with pytest.raises(HarnessError, match="certificate"):
                smtp.starttls()


# -- escapes ----------------------------------------------------------------------------------


def test_reply_text_is_escaped_in_every_message(serve: Serve) -> None:
    smtp = _smtp(serve(BEHAVIOURS["smtp_escapes"]))
    assert smtp.greeting is not None
    assert "\x1b" not in str(smtp.greeting) and "\\x1b[2J" in str(smtp.greeting)
    reply = smtp.noop()
    assert "\x1b" not in str(reply) and "\\x1b" in str(reply)
