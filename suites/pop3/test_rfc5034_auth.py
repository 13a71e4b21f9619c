"""RFC 5034 §4: the AUTH command with the PLAIN mechanism (RFC 4616)."""

from __future__ import annotations

import pytest

from conformance import Pop3Account, Pop3Session

from ._pop3 import expect_err, expect_ok, expect_still_authorization

pytestmark = pytest.mark.requires("SASL PLAIN")


def _ready(pop3: Pop3Session) -> None:
    """STLS first when SASL PLAIN is offered only under TLS (RFC 5034 §4)."""
    pop3.capa()
    if "PLAIN" in pop3.capabilities.get("SASL", "").upper().split():
        return
    if "STLS" in pop3.capabilities and not pop3.tls_active:
        expect_ok(pop3.stls(), "STLS before AUTH")
        pop3.capa()
    if "PLAIN" not in pop3.capabilities.get("SASL", "").upper().split():
        pytest.skip(f"SASL PLAIN not advertised in this session ({pop3.capabilities})")


@pytest.mark.rfc(
    5034,
    "4",
    "MUST",
    basis=(
        "AUTH (§4) is defined to answer a completed exchange with +OK and enter "
        "TRANSACTION; §4 also says servers MUST implement PLAIN."
    ),
)
def test_auth_plain_succeeds(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """Should the client successfully complete the exchange, the server issues a +OK reply.
    Additionally, upon success, the POP3 session enters the TRANSACTION state."""
    _ready(pop3)
    expect_ok(pop3.auth_plain(pop3_account.user, pop3_account.password), "AUTH PLAIN")
    expect_ok(pop3.stat(), "STAT after AUTH")


@pytest.mark.rfc(5034, "4", "MUST")
def test_auth_with_wrong_password(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """If the server is unable to authenticate the client, it MUST reject the AUTH command
    with an -ERR reply."""
    _ready(pop3)
    expect_err(pop3.auth_plain(pop3_account.user, pop3_account.password + "-x"), "AUTH PLAIN")
    expect_still_authorization(pop3, "the refused AUTH")


@pytest.mark.rfc(5034, "4", "MUST")
def test_cancel_with_star(pop3: Pop3Session) -> None:
    """If the client wishes to cancel the authentication exchange, it issues a line with a
    single "*".  If the server receives such a response, it MUST reject the AUTH command by
    sending an -ERR reply."""
    _ready(pop3)
    challenge = pop3.command("AUTH PLAIN")
    assert challenge.continuation, f"sent AUTH PLAIN, expected a '+ ' challenge, got {challenge}"
    expect_err(pop3.command("*"), "'*' to cancel AUTH")


@pytest.mark.rfc(5034, "4", "MUST")
def test_empty_challenge_is_plus_space(pop3: Pop3Session) -> None:
    """In POP3, an empty server challenge is defined as a line with only a "+", followed by
    a single space.  It MUST NOT contain any other data."""
    _ready(pop3)
    challenge = pop3.command("AUTH PLAIN")
    assert challenge.first_line == b"+ \r\n", (
        f"sent AUTH PLAIN without an initial response, expected '+ ' CRLF, got {challenge}"
    )
    pop3.command("*")


@pytest.mark.rfc(5034, "4", "MUST")
@pytest.mark.parametrize("response", [b"!!!not-base64!!!", b"=AAA", b"AAA=BBB"])
def test_bad_base64_refused(pop3: Pop3Session, response: bytes) -> None:
    """If the server cannot Base64 decode a client response, it MUST reject the AUTH
    command with an -ERR reply."""
    _ready(pop3)
    challenge = pop3.command("AUTH PLAIN")
    assert challenge.continuation, f"sent AUTH PLAIN, expected a '+ ' challenge, got {challenge}"
    expect_err(pop3.command(response), f"the response {response!r}")


@pytest.mark.rfc(
    5034,
    "4",
    "MUST",
    basis=(
        "AUTH (§4) is defined to reject an unsupported mechanism with -ERR, stated "
        "without a keyword; +OK would claim a mechanism the server does not have."
    ),
)
def test_unknown_mechanism_refused(pop3: Pop3Session) -> None:
    """If the requested authentication mechanism is not supported, the server rejects the
    AUTH command with an -ERR reply."""
    _ready(pop3)
    expect_err(pop3.command("AUTH X-NO-SUCH-MECHANISM"), "AUTH with an unknown mechanism")


@pytest.mark.rfc(5034, "4", "MUST")
def test_auth_after_success_refused(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """After a successful AUTH command completes, a server MUST reject any further AUTH
    commands with an -ERR reply."""
    _ready(pop3)
    expect_ok(pop3.auth_plain(pop3_account.user, pop3_account.password), "AUTH PLAIN")
    expect_err(pop3.auth_plain(pop3_account.user, pop3_account.password), "a second AUTH")


@pytest.mark.rfc(5034, "4", "MUST")
def test_failed_auth_leaves_no_trace(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """Likewise, the server MUST behave as if the client had not issued the AUTH command."""
    _ready(pop3)
    expect_err(pop3.auth_plain(pop3_account.user, pop3_account.password + "-x"), "AUTH PLAIN")
    expect_ok(pop3.auth_plain(pop3_account.user, pop3_account.password), "AUTH PLAIN again")
