"""Authentication: AUTHENTICATE PLAIN with and without an initial response (RFC 3501
§6.2.2, SASL-IR RFC 4959), its cancellation and undecodable responses; LOGINDISABLED
(§7.2.1); STARTTLS's capabilities and its refusal once authenticated (§6.2.1)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from conformance import ImapSession
from conformance._errors import TargetTlsFailure
from conformance._imap_fixtures import ImapAccount
from conformance._imap_session import capabilities_in
from reference_impl.imap import CommandCompleted, ContinuationRequested

from ._imap import expect_bad, expect_ok, expect_refused, shown

PLAIN = "AUTH=PLAIN"


def _capabilities(session: ImapSession) -> set[str]:
    return capabilities_in(expect_ok(session.command("CAPABILITY"), "CAPABILITY").untagged)


def _ready_to_authenticate(session: ImapSession) -> ImapSession:
    """``session``, after STARTTLS where LOGINDISABLED says plaintext mechanisms wait for
    TLS (RFC 3501 §6.2.2 Note); skipped where AUTH=PLAIN is not offered then."""
    offered = _capabilities(session)
    if "LOGINDISABLED" in offered and "STARTTLS" in offered and not session.tls_active:
        expect_ok(session.starttls(), "STARTTLS")
        offered = _capabilities(session)
    if PLAIN not in offered:
        pytest.skip(f"this connection does not advertise {PLAIN}")
    return session


def _plain(account: ImapAccount) -> bytes:
    """The PLAIN message (RFC 4616 §2): empty authzid, authcid, password; base64."""
    return base64.b64encode(f"\0{account.user}\0{account.password}".encode())


def _authenticate_until_challenge(session: ImapSession) -> bytes:
    """``AUTHENTICATE PLAIN`` without an initial response, up to the server's ``+``."""
    tag = session.start("AUTHENTICATE", b"PLAIN")
    event = session.next_response()
    while not isinstance(event, ContinuationRequested):
        assert not isinstance(event, CommandCompleted), (
            f"sent AUTHENTICATE PLAIN, expected a '+' challenge, got {shown(event.response)}"
        )
        event = session.next_response()
    return tag


@pytest.mark.requires(PLAIN)
@pytest.mark.requires("SASL-IR")
@pytest.mark.rfc(
    4959,
    "3",
    "MUST",
    basis="§3 adds the initial response as the second argument of AUTHENTICATE; a server "
    "advertising SASL-IR takes it in place of the first client response",
)
def test_authenticate_plain_with_an_initial_response(
    imap_connect: Callable[[], ImapSession], imap_account: ImapAccount
) -> None:
    """If this second argument is present, it represents the contents of the "initial
    client response" defined in Section 5.1 of [RFC4422]."""
    session = _ready_to_authenticate(imap_connect())
    completed = session.command("AUTHENTICATE", b"PLAIN", _plain(imap_account))
    expect_ok(completed, f"AUTHENTICATE PLAIN <initial response for {imap_account.user}>")


@pytest.mark.requires(PLAIN)
@pytest.mark.rfc(
    3501,
    "6.2.2",
    "MUST",
    basis="§6.2.2: client and server implementations MUST implement AUTHENTICATE, and a "
    "server challenge is a '+' the client's base64 line answers",
)
def test_authenticate_plain_answers_the_challenge(
    imap_connect: Callable[[], ImapSession], imap_account: ImapAccount
) -> None:
    """A server challenge consists of a command continuation request response with the
    "+" token followed by a BASE64 encoded string."""
    session = _ready_to_authenticate(imap_connect())
    tag = _authenticate_until_challenge(session)
    session.continue_with(_plain(imap_account))
    expect_ok(session.completion(tag), "AUTHENTICATE PLAIN, then the PLAIN response")


@pytest.mark.requires(PLAIN)
@pytest.mark.rfc(3501, "6.2.2", "MUST")
def test_cancelled_authenticate_gets_bad(imap_connect: Callable[[], ImapSession]) -> None:
    """If the server receives such a response, it MUST reject the AUTHENTICATE command by
    sending a tagged BAD response."""
    session = _ready_to_authenticate(imap_connect())
    tag = _authenticate_until_challenge(session)
    session.continue_with(b"*")
    expect_bad(session.completion(tag), "AUTHENTICATE PLAIN, then '*' (cancel)")


@pytest.mark.requires(PLAIN)
@pytest.mark.rfc(
    3501,
    "6.2.2",
    "MUST",
    basis="§6.2.2 Result: an AUTHENTICATE is completed OK only once the exchange "
    "authenticated the client; an undecodable response authenticates no one",
)
def test_undecodable_authenticate_response_is_refused(
    imap_connect: Callable[[], ImapSession],
) -> None:
    """The client response consists of a single line consisting of a BASE64 encoded
    string."""
    session = _ready_to_authenticate(imap_connect())
    tag = _authenticate_until_challenge(session)
    session.continue_with(b"%%%not-base64%%%")
    expect_refused(session.completion(tag), "AUTHENTICATE PLAIN, then '%%%not-base64%%%'")


@pytest.mark.requires(PLAIN)
@pytest.mark.requires("IMAP4rev2")
@pytest.mark.rfc(9051, "6.2.2", "MUST")
def test_invalid_base64_response_gets_bad(imap_connect: Callable[[], ImapSession]) -> None:
    """If the server receives such a response, or if it receives an invalid base64
    string (e.g., characters outside the base64 alphabet or non-terminal "="), it MUST
    reject the AUTHENTICATE command by sending a tagged BAD response."""
    session = _ready_to_authenticate(imap_connect())
    tag = _authenticate_until_challenge(session)
    session.continue_with(b"AAA=BBB")
    expect_bad(session.completion(tag), "AUTHENTICATE PLAIN, then 'AAA=BBB'")


@pytest.mark.requires("LOGINDISABLED")
@pytest.mark.rfc(
    3501,
    "7.2.1",
    "MUST",
    basis="§7.2.1 defines LOGINDISABLED by this NO; §6.2.3 requires servers to offer a "
    "configuration that does not permit LOGIN",
)
def test_login_refused_with_no_while_logindisabled(
    imap_connect: Callable[[], ImapSession], imap_account: ImapAccount
) -> None:
    """The LOGINDISABLED capability indicates that the LOGIN command is disabled, and that
    the server will respond with a tagged NO response to any attempt to use the LOGIN
    command even if the user name and password are valid."""
    session = imap_connect()
    if "LOGINDISABLED" not in _capabilities(session):
        pytest.skip("this connection does not advertise LOGINDISABLED")
    completed = session.login(imap_account.user, imap_account.password)
    assert completed.response.status == b"NO", (
        f"LOGIN {imap_account.user} with the right password while LOGINDISABLED is "
        f"advertised: expected NO, got {shown(completed.response)}"
    )


@pytest.mark.requires("STARTTLS")
@pytest.mark.rfc(9051, "6.2.1", "SHOULD")
def test_capability_after_starttls_no_longer_offers_starttls(
    imap_connect: Callable[[], ImapSession],
) -> None:
    """The server MAY advertise different capabilities and, in particular, SHOULD NOT
    advertise the STARTTLS capability, after a successful STARTTLS command."""
    session = imap_connect()
    expect_ok(session.starttls(), "STARTTLS")
    after = _capabilities(session)
    assert "STARTTLS" not in after and after & {"IMAP4REV1", "IMAP4REV2"}, (
        f"CAPABILITY after STARTTLS: {sorted(after)}"
    )


@pytest.mark.requires("STARTTLS")
@pytest.mark.rfc(
    3501,
    "3",
    "MUST",
    basis="§6.2 lists STARTTLS among the commands of the not authenticated state only; "
    "§3 says a command in the wrong state is refused",
)
def test_starttls_refused_once_authenticated(imap_login: Callable[[], ImapSession]) -> None:
    """It is a protocol error for the client to attempt a command while the connection is
    in an inappropriate state, and the server will respond with a BAD or NO (depending
    upon server implementation) command completion result."""
    session = imap_login()
    completed = session.command("STARTTLS")
    expect_refused(completed, "STARTTLS after LOGIN")


@pytest.mark.requires("STARTTLS")
@pytest.mark.rfc(9051, "6.2.1", "MUST")
def test_octets_after_starttls_are_not_run_as_commands(
    imap_connect: Callable[[], ImapSession],
) -> None:
    """In order to avoid this vulnerability, server implementations MUST do one of the
    following if any data is received in the same TCP buffer after the CRLF that starts
    the STARTTLS command:

    Sent in one write: STARTTLS and "S2 NOOP"; once TLS is up, a NOOP.  No completion of
    S2 may come: the octets are thrown away, or taken as the start of the handshake (it
    then fails, which is the first option of RFC 9051 §6.2.1, and passes).
    """
    session = imap_connect()
    try:
        started = session.starttls(trailing=b"S2 NOOP\r\n")
    except TargetTlsFailure:
        return  # the octets went into the handshake and broke it: nothing was run
    expect_ok(started, "STARTTLS with 'S2 NOOP' in the same write")
    tag = session.start("NOOP")
    seen = []
    while (event := session.next_response()).response.tag != tag:
        seen.append(event.response)
    injected = [r for r in seen if r.tag == b"S2"]
    assert not injected, (
        "'S2 NOOP' sent in the clear in the same write as STARTTLS was run after the "
        f"handshake: {[shown(r) for r in injected]}"
    )
