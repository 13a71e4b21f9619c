"""RFC 2595 §4: the STLS command."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import pytest

from conformance import Pop3Account, Pop3Session, Security, TargetClosedConnection

from ._pop3 import expect_err, expect_ok

Connect = Callable[..., Pop3Session]


def _plain(pop3: Pop3Session) -> None:
    if pop3.tls_active:
        pytest.skip("the target is implicit TLS (pop3s://): STLS is not offered there")


@pytest.mark.rfc(
    2595,
    "4",
    "MUST",
    basis=(
        "STLS (§4) is defined to begin the TLS negotiation right after the CRLF of its "
        "+OK; advertising STLS states that this works."
    ),
)
@pytest.mark.requires("STLS")
def test_stls_starts_tls(pop3: Pop3Session) -> None:
    """A TLS negotiation begins immediately after the CRLF at the end of the +OK response
    from the server."""
    _plain(pop3)
    expect_ok(pop3.stls(), "STLS")
    assert pop3.tls_active
    expect_ok(pop3.capa(), "CAPA under TLS")


@pytest.mark.rfc(2595, "4", "MUST")
@pytest.mark.requires("STLS")
def test_pipelined_command_after_stls_not_executed(pop3: Pop3Session) -> None:
    """Once a client issues a STLS command, it MUST NOT issue further commands until a
    server response is seen and the TLS negotiation is complete.

    A command sent with STLS in one packet (CVE-2011-0411) must not be executed as if it
    had arrived under TLS: after the handshake the first response must answer the first
    command sent under TLS.
    """
    _plain(pop3)
    try:
        expect_ok(pop3.stls(trailing=b"QUIT\r\n"), "STLS with 'QUIT' in the same packet")
    except (ssl.SSLError, OSError, TargetClosedConnection):
        # Dropping the connection is allowed, unless it first answered the QUIT in the clear.
        assert pop3.plaintext_after_stls == b"", (
            f"sent STLS+QUIT, expected only the +OK to STLS before the handshake, got also "
            f"{pop3.plaintext_after_stls!r} in plaintext, and no TLS"
        )
        return
    response = pop3.command("NOOP")
    assert response.err and pop3.plaintext_after_stls == b"", (
        f"sent STLS+QUIT, then NOOP under TLS (not valid before login): expected -ERR to "
        f"NOOP and no answer to the QUIT, got {response} "
        f"(plaintext after +OK: {pop3.plaintext_after_stls!r})"
    )
    expect_ok(pop3.capa(), "CAPA under TLS (nothing else pending)")


@pytest.mark.rfc(2595, "4", "MAY")
@pytest.mark.requires("STLS")
def test_stls_refused_under_tls(pop3: Pop3Session) -> None:
    """A -ERR response MAY result if a security layer is already active."""
    _plain(pop3)
    expect_ok(pop3.stls(), "STLS")
    expect_err(pop3.command("STLS"), "STLS a second time, under TLS")


@pytest.mark.rfc(
    2595,
    "4",
    "MUST",
    basis=(
        "§4 defines the STLS capability as meaning the command is present and permitted "
        "in the current state: if advertised under TLS, STLS must then be accepted."
    ),
)
@pytest.mark.requires("STLS")
def test_stls_not_advertised_under_tls(pop3: Pop3Session) -> None:
    """The capability name "STLS" indicates this command is present and permitted in the
    current state."""
    _plain(pop3)
    expect_ok(pop3.stls(), "STLS")
    expect_ok(pop3.capa(), "CAPA under TLS")
    if "STLS" in pop3.capabilities:
        expect_ok(pop3.command("STLS"), "STLS, advertised under TLS")


@pytest.mark.rfc(
    2595,
    "4",
    "MUST",
    basis=(
        "STLS (§4) is 'only permitted in AUTHORIZATION state', a restriction; RFC 1939 §3"
        " says a server MUST answer a command in an incorrect state with -ERR."
    ),
)
@pytest.mark.requires("STLS")
def test_stls_refused_in_transaction(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """The STLS command is only permitted in AUTHORIZATION state and the server remains in
    AUTHORIZATION state, even if client credentials are supplied during the TLS
    negotiation."""
    _plain(pop3)
    response = pop3.login(pop3_account.user, pop3_account.password)
    if not response.ok:
        pytest.skip(f"USER/PASS refused before TLS ({response}): no TRANSACTION state to try")
    expect_err(pop3.command("STLS"), "STLS in the TRANSACTION state")


@pytest.mark.rfc(
    2595,
    "4",
    "MUST",
    basis=(
        "STLS (§4) is defined to leave the server in AUTHORIZATION state; RFC 1939 §3 "
        "says a server MUST answer a command in an incorrect state (STAT here) with -ERR."
    ),
)
@pytest.mark.requires("STLS")
def test_stls_stays_in_authorization(pop3: Pop3Session) -> None:
    """The STLS command is only permitted in AUTHORIZATION state and the server remains in
    AUTHORIZATION state, even if client credentials are supplied during the TLS
    negotiation."""
    _plain(pop3)
    expect_ok(pop3.stls(), "STLS")
    expect_err(pop3.command("STAT"), "STAT right after the TLS handshake")


@pytest.mark.rfc(
    2595,
    "4",
    "MUST",
    basis=(
        "STLS (§4) is defined to leave the server in AUTHORIZATION state, where the login"
        " commands are valid, so USER and PASS must work under TLS."
    ),
)
@pytest.mark.requires("STLS")
def test_login_after_stls(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """The STLS command is only permitted in AUTHORIZATION state and the server remains in
    AUTHORIZATION state, even if client credentials are supplied during the TLS
    negotiation."""
    _plain(pop3)
    expect_ok(pop3.stls(), "STLS")
    expect_ok(pop3.login(pop3_account.user, pop3_account.password), "USER/PASS under TLS")


@pytest.mark.rfc(8314, "3.1", "MUST")
def test_implicit_tls_greeting(pop3: Pop3Session) -> None:
    """After the server sends an +OK greeting, the server and client MUST enter the
    AUTHORIZATION state, even if a client certificate was supplied during the TLS
    handshake."""
    if pop3.target.security is not Security.IMPLICIT:
        pytest.skip("the target is not implicit TLS (pop3s://)")
    assert pop3.tls_active and pop3.greeting is not None and pop3.greeting.ok, (
        f"connected with TLS, expected '+OK' under TLS, got {pop3.greeting}"
    )
    expect_err(pop3.command("STAT"), "STAT right after the greeting (AUTHORIZATION)")
