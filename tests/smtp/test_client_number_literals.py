"""RFC 5321 Appendix F.4: RFC 821's "#" <number> host form "is deprecated and MUST NOT be
used".  The reference client core and the harness session refuse to send it, so neither
can emit one by mistake (the raw ``SmtpSession.command`` stays free for probes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from conformance import Direction, SmtpSession, TlsSettings, Transcript, parse_target
from reference_impl._embedded import EmbeddedServers
from reference_impl.smtp._client import ClientConnection, LocalProtocolError

NUMBER_LITERALS = [
    b"EHLO #3232235777",
    b"HELO #3232235777",
    b"EHLO client.#17.example",
    b"MAIL FROM:<alice@#3232235777>",
    b"RCPT TO:<bob@#3232235777>",
    b"RCPT TO:<@#17,@relay.example:bob@example.test>",
]
# "#" is atext in a local-part (RFC 5322 §3.2.3), and address literals are no #-literals.
NOT_NUMBER_LITERALS = [
    b"EHLO client.example",
    b"EHLO [192.0.2.1]",
    b"MAIL FROM:<#alice@example.test>",
    b"RCPT TO:<bob.#1@example.test>",
    b"RCPT TO:<@relay.example:bob@example.test>",
    b"RCPT TO:<bob@[IPv6:2001:db8::1]>",
    b"NOOP #1",
]


def _ready_client() -> ClientConnection:
    client = ClientConnection()
    client.receive_data(b"220 mx.example.test ESMTP\r\n")
    return client


@pytest.mark.parametrize("line", NUMBER_LITERALS)
def test_client_core_refuses_number_literals(line: bytes) -> None:
    client = _ready_client()
    with pytest.raises(LocalProtocolError, match=r"F\.4"):
        client.command(line)
    assert client.outstanding == 0  # nothing queued for a reply


@pytest.mark.parametrize("line", NOT_NUMBER_LITERALS)
def test_client_core_sends_other_hash_signs(line: bytes) -> None:
    assert _ready_client().command(line) == line + b"\r\n"


@pytest.fixture(scope="module")
def servers() -> Iterator[EmbeddedServers]:
    with EmbeddedServers() as running:
        yield running


def _session(servers: EmbeddedServers, transcript: Transcript) -> SmtpSession:
    tls = TlsSettings(verify=True, ca_file=servers.ca_file, server_name=servers.server_name)
    target = parse_target(f"smtp://{servers.host}:{servers.ports['smtp']}", tls=tls)
    return SmtpSession.connect(target, transcript=transcript)


@pytest.mark.parametrize(
    "send",
    [
        lambda smtp: smtp.ehlo("#3232235777"),
        lambda smtp: smtp.helo("#3232235777"),
        lambda smtp: smtp.mail("alice@#3232235777"),
        lambda smtp: smtp.rcpt("bob@#3232235777"),
    ],
    ids=["ehlo", "helo", "mail", "rcpt"],
)
def test_harness_session_refuses_number_literals(
    servers: EmbeddedServers, send: Callable[[SmtpSession], object]
) -> None:
    transcript = Transcript()
    with _session(servers, transcript) as smtp, pytest.raises(LocalProtocolError, match=r"F\.4"):
        send(smtp)
    assert transcript.payload("smtp#1", Direction.SENT) == b""
