"""SmtpSession against the reference server, and against scripted misbehaving peers."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Script, ScriptedServer

from conformance import (
    Direction,
    SmtpSession,
    Target,
    TargetClosedConnection,
    TargetTimeout,
    TargetUnreachable,
    TlsSettings,
    Transcript,
    dot_stuff,
    parse_target,
    write_pcap,
)
from reference_impl._embedded import EmbeddedServers


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _target(servers: EmbeddedServers, scheme: str = "smtp", port: int | None = None) -> Target:
    tls = TlsSettings(verify=True, ca_file=servers.ca_file, server_name=servers.server_name)
    return parse_target(f"{scheme}://{servers.host}:{port or servers.ports['smtp']}", tls=tls)


def test_dot_stuffing() -> None:
    assert dot_stuff(b".a\r\nb\r\n.\r\n..c\r\n") == b"..a\r\nb\r\n..\r\n...c\r\n"
    assert dot_stuff(b"no dots\r\n") == b"no dots\r\n"


def test_greeting_ehlo_and_transcript(servers: EmbeddedServers) -> None:
    transcript = Transcript()
    with SmtpSession.connect(_target(servers), transcript=transcript) as smtp:
        assert smtp.greeting is not None and smtp.greeting.code == 220
        assert smtp.ehlo().code == 250
        assert "STARTTLS" in smtp.extensions
    text = transcript.render()
    assert "C: EHLO conformance.test\\r\\n" in text
    assert "S: 220 " in text
    assert transcript.payload("smtp#1", Direction.SENT) == b"EHLO conformance.test\r\n"


def test_mail_transaction_with_dot_stuffed_body(servers: EmbeddedServers) -> None:
    transcript = Transcript()
    body = b"Subject: t\r\n\r\n.starts with a dot\r\nend"
    with SmtpSession.connect(_target(servers), transcript=transcript) as smtp:
        smtp.ehlo()
        assert smtp.mail("alice@example.test").code == 250
        assert smtp.rcpt("bob@example.test").code == 250
        assert smtp.data(body).code == 250
        assert smtp.quit().code == 221
        assert smtp.expect_closed(5)
    sent = transcript.payload("smtp#1", Direction.SENT)
    assert b"\r\n\r\n..starts with a dot\r\nend\r\n.\r\n" in sent


def test_data_returns_the_refusal_when_there_is_no_354(servers: EmbeddedServers) -> None:
    with SmtpSession.connect(_target(servers)) as smtp:
        smtp.ehlo()
        assert smtp.data(b"x\r\n").code == 503  # no MAIL yet (RFC 5321 §4.1.4)


def test_send_raw_data_sends_exactly_the_payload(servers: EmbeddedServers) -> None:
    transcript = Transcript()
    with SmtpSession.connect(_target(servers), transcript=transcript) as smtp:
        smtp.ehlo()
        smtp.mail("alice@example.test")
        smtp.rcpt("bob@example.test")
        assert smtp.send_raw_data(b"Subject: raw\r\n\r\nbody\r\n.\r\n").code == 250
    assert transcript.payload("smtp#1", Direction.SENT).endswith(b"body\r\n.\r\n")


def test_starttls_and_auth_mechanisms(servers: EmbeddedServers) -> None:
    transcript = Transcript()
    target = _target(servers)
    for auth in ("auth_plain", "auth_login", "auth_cram_md5"):
        with SmtpSession.connect(target, transcript=transcript) as smtp:
            smtp.ehlo()
            assert smtp.starttls().code == 220
            assert smtp.tls_active and smtp.extensions == {}
            assert smtp.ehlo().code == 250
            assert "AUTH" in smtp.extensions
            assert getattr(smtp, auth)("alice", "alice-password").code == 235, auth
            assert getattr(smtp, auth)("alice", "wrong").code in (503, 535)
    assert "== TLS started: TLS" in transcript.render()


def test_establish_and_implicit_tls(servers: EmbeddedServers) -> None:
    target = _target(servers, "smtp+starttls")
    with SmtpSession.connect(target) as smtp:
        assert smtp.establish().code == 250
        assert smtp.tls_active
    with SmtpSession.connect(_target(servers, "smtps", servers.ports["smtps"])) as smtp:
        assert smtp.tls_active and smtp.ehlo().code == 250


def test_unreachable_has_a_one_line_message(closed_port: int) -> None:
    target = parse_target(f"smtp://127.0.0.1:{closed_port}")
    with pytest.raises(TargetUnreachable) as raised:
        SmtpSession.connect(target)
    assert str(raised.value) == (
        f"cannot connect to smtp://127.0.0.1:{closed_port}: connection refused"
    )


Start = Callable[[Script], ScriptedServer]


def test_silence_times_out_with_the_command(scripted_server: Start) -> None:
    server = scripted_server(Script(reply=lambda line: b""))
    target = parse_target(f"smtp://127.0.0.1:{server.port}")
    with SmtpSession.connect(target, timeout=0.3) as smtp:
        started = time.monotonic()
        with pytest.raises(TargetTimeout) as raised:
            smtp.mail("a@b")
        assert time.monotonic() - started < 2
    assert str(raised.value) == (
        f"no reply from smtp://127.0.0.1:{server.port} within 0.3 s after 'MAIL FROM:<a@b>'"
    )


def test_silent_greeting_times_out(scripted_server: Start) -> None:
    server = scripted_server(Script(greeting=None))
    target = parse_target(f"smtp://127.0.0.1:{server.port}")
    with pytest.raises(TargetTimeout, match="after the greeting"):
        SmtpSession.connect(target, timeout=0.2)


def test_close_without_reply_is_a_target_failure(scripted_server: Start) -> None:
    server = scripted_server(Script(reply=lambda line: None))
    target = parse_target(f"smtp://127.0.0.1:{server.port}")
    transcript = Transcript()
    with (
        SmtpSession.connect(target, transcript=transcript) as smtp,
        pytest.raises(TargetClosedConnection, match="without replying to 'NOOP'"),
    ):
        smtp.noop()
    assert "== connection closed by the target" in transcript.render()


def test_partial_reply_then_close_is_a_close_not_a_reply(scripted_server: Start) -> None:
    script = Script(reply=lambda line: b"250-first\r\n250 no end", close_after_reply=True)
    server = scripted_server(script)
    target = parse_target(f"smtp://127.0.0.1:{server.port}")
    with SmtpSession.connect(target, timeout=2) as smtp:
        with pytest.raises(TargetClosedConnection) as raised:
            smtp.noop()
        assert raised.value.partial == b"250-first\r\n250 no end"


def test_expect_closed_is_false_while_the_peer_stays(scripted_server: Start) -> None:
    server = scripted_server(Script())
    target = parse_target(f"smtp://127.0.0.1:{server.port}")
    with SmtpSession.connect(target) as smtp:
        started = time.monotonic()
        assert smtp.expect_closed(0.3) is False
        assert 0.25 < time.monotonic() - started < 2


def test_transcript_escapes_and_abbreviates() -> None:
    transcript = Transcript()
    transcript.open_session("smtp#1", host="127.0.0.1", port=25, client_port=40000)
    transcript.received("smtp#1", b"220 h\\i\r\n")
    transcript.sent("smtp#1", b"DATA\r\n" + b"".join(b"l%d\xff\r\n" % i for i in range(500)))
    transcript.received("smtp#1", b"250 bare lf\n")
    text = transcript.render()
    assert "S: 220 h\\\\i\\r\\n" in text
    assert "C: l0\\xff\\r\\n" in text and "C: l499\\xff\\r\\n" in text
    assert "C: l250" not in text
    assert "lines (" in text and "not shown; the whole run is" in text
    assert "S: 250 bare lf\\n\n" in text


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_pcap_is_dissected_as_smtp(servers: EmbeddedServers, tmp_path: Path) -> None:
    transcript = Transcript()
    big = b"Subject: big\r\n\r\n" + b"x" * 70 + b"\r\n"
    with SmtpSession.connect(_target(servers), transcript=transcript) as smtp:
        smtp.ehlo()
        smtp.mail("alice@example.test")
        smtp.rcpt("bob@example.test")
        assert smtp.data(big * 100).code == 250  # 8800 octets: several segments
        smtp.quit()
    path = write_pcap(transcript, tmp_path / "t.pcap")
    port = servers.ports["smtp"]
    fields = ["-T", "fields", "-e", "smtp.req.command", "-e", "smtp.response.code"]
    output = subprocess.run(
        ["tshark", "-r", str(path), "-d", f"tcp.port=={port},smtp", "-Y", "smtp", *fields],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    rows = [line.split("\t") for line in output.splitlines()]
    commands = [row[0] for row in rows if row[0]]
    codes = [row[1] for row in rows if len(row) > 1 and row[1]]
    assert commands == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]
    assert codes[0] == "220" and "354" in codes and codes[-1] == "221"
    analysis = subprocess.run(
        ["tshark", "-r", str(path), "-Y", "tcp.analysis.flags && !tcp.analysis.window_update"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert analysis.strip() == ""  # no lost segments, retransmissions or bad acks
    data_sizes = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-e", "tcp.len"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert max(int(size) for size in data_sizes) == 1460


def test_starttls_sends_trailing_octets_in_the_same_write(servers: EmbeddedServers) -> None:
    transcript = Transcript()
    with SmtpSession.connect(_target(servers), transcript=transcript) as smtp:
        smtp.ehlo()
        assert smtp.starttls(trailing=b"NOOP\r\n").code == 220
        assert smtp.tls_active and smtp.plaintext_after_starttls == b""
    sent = [e.data for e in transcript.events if e.direction is Direction.SENT]
    assert b"STARTTLS\r\nNOOP\r\n" in sent  # one write, as CVE-2011-0411 probes need


def test_establish_on_a_submission_target_starts_tls_and_authenticates(
    servers: EmbeddedServers,
) -> None:
    tls = TlsSettings(verify=True, ca_file=servers.ca_file, server_name=servers.server_name)
    url = f"submission://alice:alice-password@{servers.host}:{servers.ports['submission']}"
    with SmtpSession.connect(parse_target(url, tls=tls)) as smtp:
        assert smtp.establish().code == 250
        assert smtp.tls_active and smtp.authenticated
        assert smtp.authenticate() is None  # done once per TLS session
        assert smtp.mail("alice@example.test").code == 250


def test_timeout_inside_a_multiline_reply_keeps_the_partial_reply(scripted_server: Start) -> None:
    server = scripted_server(Script(reply=lambda line: b"250-first\r\n250-second\r\n"))
    target = parse_target(f"smtp://127.0.0.1:{server.port}")
    transcript = Transcript()
    with (
        SmtpSession.connect(target, transcript=transcript, timeout=0.3) as smtp,
        pytest.raises(TargetTimeout) as raised,
    ):
        smtp.ehlo()
    assert raised.value.partial == b"250-first\r\n250-second\r\n"
    assert "incomplete reply" in str(raised.value) and "250-second" in str(raised.value)
    assert "23 octets pending" in transcript.render()


def test_long_runs_are_elided_for_display_only() -> None:
    transcript = Transcript()
    transcript.open_session("smtp#1", host="127.0.0.1", port=25, client_port=1234)
    payload = b"x" * 200_000 + b"\r\nlast line\r\n"
    transcript.sent("smtp#1", payload)
    text = transcript.render()
    assert len(text) < 10_000
    assert f"the whole run is {len(payload)} octets" in text
    assert "C: last line\\r\\n" in text
    assert transcript.payload("smtp#1", Direction.SENT) == payload
