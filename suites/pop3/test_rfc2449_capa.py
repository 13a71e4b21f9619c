"""RFC 2449: CAPA, and capabilities that match what the server does."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from conformance import Pop3Account, Pop3Capabilities, Pop3Messages, Pop3Session

from ._pop3 import expect_ok

Login = Callable[[], Pop3Session]

# RFC 2449 §3: capa-tag = 1*cchar, cchar = %x21-2D / %x2F-7F (printable ASCII but ".").
_CAPABILITY = re.compile(rb"[\x21-\x2d\x2f-\x7f]+(?: [\x21-\x7e]+)*")


@pytest.mark.rfc(
    2449,
    "5",
    "MUST",
    basis=(
        "§5 defines CAPA as available in both the AUTHORIZATION and TRANSACTION states, "
        "stated without a keyword; the definition binds a server implementing RFC 2449."
    ),
)
def test_capa_in_authorization(pop3: Pop3Session) -> None:
    """The POP3 CAPA command returns a list of capabilities supported by the POP3 server.
    It is available in both the AUTHORIZATION and TRANSACTION states."""
    expect_ok(pop3.capa(), "CAPA in the AUTHORIZATION state")


@pytest.mark.rfc(
    2449,
    "5",
    "MUST",
    basis=(
        "§5 defines CAPA as available in the TRANSACTION state as well as in "
        "AUTHORIZATION, stated without a keyword; the definition binds a server "
        "implementing RFC 2449."
    ),
)
def test_capa_in_transaction(pop3_login: Login) -> None:
    """The POP3 CAPA command returns a list of capabilities supported by the POP3 server.
    It is available in both the AUTHORIZATION and TRANSACTION states."""
    expect_ok(pop3_login().capa(), "CAPA in the TRANSACTION state")


@pytest.mark.rfc(
    2449,
    "3",
    "MUST",
    basis=(
        "The §3 ABNF is the grammar of the CAPA response (§5 points to it); a line outside"
        " it is not a capability a client can parse."
    ),
)
def test_capability_lines_syntax(pop3: Pop3Session) -> None:
    """capa-resp = single-line *capability "." CRLF ... capa-tag = 1*cchar ... capability =
    capa-tag *(SP param) CRLF ... cchar = %x21-2D / %x2F-7F ... param = 1*VCHAR"""
    response = expect_ok(pop3.capa(), "CAPA")
    bad = [line for line in response.lines if not _CAPABILITY.fullmatch(line)]
    assert not bad, f"sent CAPA, expected 'capa-tag *(SP param)' lines, got {bad}"


@pytest.mark.rfc(
    2449,
    "5",
    "MUST",
    basis=(
        "§5 defines each capability line as limited to 512 octets including CRLF, and the"
        " §3 ABNF marks it '512 octets maximum'; a limit clients size buffers by."
    ),
)
def test_capability_lines_fit_in_512_octets(pop3: Pop3Session) -> None:
    """Each capability line is limited to 512 octets (including the CRLF)."""
    response = expect_ok(pop3.capa(), "CAPA")
    long = [len(line) + 2 for line in response.lines if len(line) + 2 > 512]
    assert not long, f"sent CAPA, got capability lines of {long} octets"


@pytest.mark.rfc(2449, "5", "MUST")
def test_authorization_capabilities_announced_in_transaction(
    pop3: Pop3Session, pop3_account: Pop3Account
) -> None:
    """Capabilities available in the AUTHORIZATION state MUST be announced in both states.

    STLS is left out: RFC 2595 §4 permits it in the AUTHORIZATION state only.
    """
    expect_ok(pop3.capa(), "CAPA before login")
    before = set(pop3.capabilities)
    expect_ok(pop3.login(pop3_account.user, pop3_account.password), "USER/PASS")
    expect_ok(pop3.capa(), "CAPA after login")
    after = set(pop3.capabilities)
    missing = sorted(before - after - {"STLS"})
    assert not missing, f"CAPA before login listed {missing}; CAPA after login did not"


@pytest.mark.rfc(
    2449,
    "6.1",
    "MUST",
    basis=(
        "§6.1 defines the TOP capability as indicating that TOP is available: advertising"
        " it states that TOP works."
    ),
)
@pytest.mark.requires("TOP")
def test_top_advertised_and_available(pop3_login: Login, pop3_messages: Pop3Messages) -> None:
    """The TOP capability indicates the optional TOP command is available."""
    session = pop3_login()
    number = pop3_messages.some(session)
    expect_ok(session.top(number, 0), f"TOP {number} 0 with TOP advertised")


@pytest.mark.rfc(
    2449,
    "6.8",
    "MUST",
    basis=(
        "§6.8 defines the UIDL capability as indicating that UIDL is supported: "
        "advertising it states that UIDL works."
    ),
)
@pytest.mark.requires("UIDL")
def test_uidl_advertised_and_available(pop3_login: Login) -> None:
    """The UIDL capability indicates that the optional UIDL command is supported."""
    expect_ok(pop3_login().uidl(), "UIDL with UIDL advertised")


@pytest.mark.rfc(
    2449,
    "6.2",
    "MAY",
    basis=(
        "§6.2: USER means USER and PASS are supported, 'although they may not be "
        "available to all users', so a refusal for this account is allowed; only a "
        "warning."
    ),
)
@pytest.mark.requires("USER")
def test_user_advertised_and_available(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """The USER capability indicates that the USER and PASS commands are supported,
    although they may not be available to all users."""
    caps = expect_ok(pop3.capa(), "CAPA")
    if "USER" not in pop3.capabilities:
        pytest.skip(f"USER is advertised only after STLS here ({caps})")
    expect_ok(pop3.login(pop3_account.user, pop3_account.password), "USER/PASS")


@pytest.mark.rfc(2449, "6.6", "MUST")
@pytest.mark.requires("PIPELINING")
def test_pipelined_commands_answered_in_order(pop3_login: Login) -> None:
    """If a server supports PIPELINING, it MUST process each command in turn."""
    session = pop3_login()
    session.send_raw(b"NOOP\r\nSTAT\r\nXYZZY\r\nNOOP\r\n", replies=4)
    statuses = [session.read_response().status for _ in range(4)]
    assert statuses[0] == b"+OK" and statuses[2] == b"-ERR" and statuses[3] == b"+OK", (
        f"pipelined NOOP, STAT, XYZZY, NOOP: expected +OK, +OK, -ERR, +OK, got {statuses}"
    )
    assert statuses[1] == b"+OK", f"pipelined STAT: expected +OK, got {statuses[1]!r}"


@pytest.mark.rfc(
    2449,
    "6.4",
    "MUST",
    basis=(
        "§6.4 defines that with RESP-CODES every response text starting with '[' is an "
        "extended response code, whose syntax is the resp-code ABNF of §3."
    ),
)
@pytest.mark.requires("RESP-CODES")
def test_response_codes_are_well_formed(pop3: Pop3Session, pop3_account: Pop3Account) -> None:
    """The RESP-CODES capability indicates that any response text issued by this server
    which begins with an open square bracket ("[") is an extended response code (see
    section 8)."""
    pop3.user(pop3_account.user)
    response = pop3.pass_(pop3_account.password + "-wrong")
    if response.text.startswith(b"["):
        assert response.code is not None, (
            f"sent a wrong password, expected '[' to start a response code "
            f"'[level/level...]', got {response}"
        )


@pytest.mark.rfc(
    2449,
    "5",
    "MAY",
    basis=(
        "RFC 2449 is an extension: §5 lets a server answer CAPA with -ERR (not "
        "implemented), so CAPA support is optional; its absence is only a warning."
    ),
)
def test_capa_available(pop3_capabilities: Pop3Capabilities) -> None:
    """An -ERR response indicates the capability command is not implemented and the client
    will have to probe for capabilities as before."""
    assert pop3_capabilities.before_tls, "sent CAPA, got no capabilities (-ERR or empty)"


@pytest.mark.rfc(2449, "4", "MUST")
def test_command_of_255_octets_supported(
    pop3_connect: Callable[..., Pop3Session], pop3_account: Pop3Account
) -> None:
    """Servers which support the CAPA command MUST support commands up to 255 octets."""
    session = pop3_connect()
    if not session.capa().ok:
        pytest.skip("the target does not support CAPA, so RFC 2449 section 4 does not bind it")
    short = session.command(b"USER no-such-user")
    # USER and CRLF take 7 octets: the line is exactly 255 octets on the wire.
    line = b"USER no-such-user-" + b"x" * (255 - 7 - len(b"no-such-user-"))
    long = session.command(line)
    assert long.ok == short.ok, (
        f"sent USER with a 12-octet unknown name, got {short}; sent the same with a name "
        f"making the line 255 octets, expected the same status, got {long}"
    )
    response = session.login(pop3_account.user, pop3_account.password)
    assert response.ok, (
        f"sent a 255-octet USER line, then USER and PASS of {pop3_account.user}: expected "
        f"one response per line and +OK, got {response}"
    )
