"""Server mechanisms PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195), stepped in memory."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.auth import (
    LOGIN_PASSWORD_PROMPT,
    LOGIN_USERNAME_PROMPT,
    SERVER_MECHANISMS,
    Accounts,
    Challenge,
    CramMd5Mechanism,
    Failed,
    PlainCredentials,
    PlainMechanism,
    SaslProtocolError,
    Succeeded,
    User,
    cram_md5_response,
    login_responses,
    parse_cram_md5_response,
    parse_plain,
    plain_response,
    server_mechanism,
)

ACCOUNTS = Accounts(
    users=[
        User(name="alice", password="alice-pw", addresses=()),
        User(name="tim", password="tanstaaftanstaaf", addresses=()),
        User(name="jörg", password="pässwörd", addresses=()),
    ],
    local_domains=[],
)

# The worked example of RFC 2195 §2.
RFC2195_CHALLENGE_B64 = b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
RFC2195_RESPONSE_B64 = b"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
RFC2195_CHALLENGE = b"<1896.697170952@postoffice.reston.mci.net>"

nul_free = st.text(st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]))


def test_factory_knows_every_advertised_mechanism() -> None:
    for name in SERVER_MECHANISMS:
        mechanism = server_mechanism(name.lower(), ACCOUNTS, "localhost")
        assert mechanism is not None
        assert mechanism.name == name
    assert server_mechanism("GSSAPI", ACCOUNTS, "localhost") is None


# --- PLAIN -----------------------------------------------------------------------------


@given(authzid=nul_free, authcid=nul_free.filter(bool), password=nul_free.filter(bool))
def test_plain_round_trip(authzid: str, authcid: str, password: str) -> None:
    message = plain_response(authcid, password, authzid)
    assert parse_plain(message) == PlainCredentials(
        authzid=authzid, authcid=authcid, password=password
    )


@pytest.mark.parametrize(
    "message",
    [
        b"",
        b"alice\0alice-pw",  # one NUL
        b"\0alice\0alice-pw\0",  # three NULs
        b"\0\0alice-pw",  # empty authcid (1*SAFE)
        b"\0alice\0",  # empty passwd (1*SAFE)
        b"\0alice\0\xff",  # not UTF-8
    ],
)
def test_plain_rejects_malformed(message: bytes) -> None:
    assert parse_plain(message) is None
    mechanism = PlainMechanism(ACCOUNTS)
    result = mechanism.start(message)
    assert isinstance(result, Failed)
    assert result.malformed


def test_plain_with_initial_response() -> None:
    mechanism = PlainMechanism(ACCOUNTS)
    assert mechanism.start(plain_response("alice", "alice-pw")) == Succeeded(
        authzid="alice", authcid="alice"
    )


def test_plain_without_initial_response_sends_empty_challenge() -> None:
    # RFC 4422 §5 (a): a client-first mechanism without initial response: empty challenge.
    mechanism = PlainMechanism(ACCOUNTS)
    assert mechanism.start(None) == Challenge(data=b"")
    assert mechanism.step(plain_response("jörg", "pässwörd")) == Succeeded(
        authzid="jörg", authcid="jörg"
    )


def test_plain_authzid_equal_to_authcid_is_allowed() -> None:
    result = PlainMechanism(ACCOUNTS).start(plain_response("alice", "alice-pw", "alice"))
    assert result == Succeeded(authzid="alice", authcid="alice")


def test_plain_other_authzid_is_refused() -> None:
    result = PlainMechanism(ACCOUNTS).start(plain_response("alice", "alice-pw", "tim"))
    assert isinstance(result, Failed)
    assert not result.malformed


@pytest.mark.parametrize(("user", "password"), [("alice", "wrong"), ("nobody", "alice-pw")])
def test_plain_bad_credentials(user: str, password: str) -> None:
    result = PlainMechanism(ACCOUNTS).start(plain_response(user, password))
    assert result == Failed(reason="invalid credentials", malformed=False)


def test_plain_accepts_255_octet_fields() -> None:
    # RFC 4616 §2: servers MUST accept authzid, authcid and passwd up to 255 octets.
    long = "x" * 255
    accounts = Accounts(users=[User(name=long, password=long, addresses=())], local_domains=[])
    result = PlainMechanism(accounts).start(plain_response(long, long, long))
    assert result == Succeeded(authzid=long, authcid=long)


def test_plain_client_refuses_nul() -> None:
    with pytest.raises(ValueError):
        plain_response("a\0b", "pw")


# --- LOGIN -----------------------------------------------------------------------------


def test_login_conversation() -> None:
    user, password = login_responses("alice", "alice-pw")
    mechanism = server_mechanism("LOGIN", ACCOUNTS, "localhost")
    assert mechanism is not None
    assert mechanism.start(None) == Challenge(data=LOGIN_USERNAME_PROMPT)
    assert mechanism.step(user) == Challenge(data=LOGIN_PASSWORD_PROMPT)
    assert mechanism.step(password) == Succeeded(authzid="alice", authcid="alice")


def test_login_user_name_as_initial_response() -> None:
    mechanism = server_mechanism("LOGIN", ACCOUNTS, "localhost")
    assert mechanism is not None
    assert mechanism.start(b"alice") == Challenge(data=LOGIN_PASSWORD_PROMPT)
    assert mechanism.step(b"wrong") == Failed(reason="invalid credentials", malformed=False)


def test_login_rejects_non_utf8() -> None:
    mechanism = server_mechanism("LOGIN", ACCOUNTS, "localhost")
    assert mechanism is not None
    mechanism.start(None)
    result = mechanism.step(b"\xff")
    assert isinstance(result, Failed)
    assert result.malformed


# --- CRAM-MD5 --------------------------------------------------------------------------


def test_cram_md5_rfc2195_example_server() -> None:
    mechanism = CramMd5Mechanism(ACCOUNTS, "postoffice.reston.mci.net", challenge=RFC2195_CHALLENGE)
    first = mechanism.start(None)
    assert first == Challenge(data=base64.b64decode(RFC2195_CHALLENGE_B64))
    assert mechanism.step(base64.b64decode(RFC2195_RESPONSE_B64)) == Succeeded(
        authzid="tim", authcid="tim"
    )


def test_cram_md5_rfc2195_example_client() -> None:
    response = cram_md5_response(RFC2195_CHALLENGE, "tim", "tanstaaftanstaaf")
    assert response == b"tim b913a602c7eda7a495b4e6e7334d3890"
    assert base64.b64encode(response) == RFC2195_RESPONSE_B64


def test_cram_md5_challenge_is_msg_id_with_hostname_and_fresh() -> None:
    first = CramMd5Mechanism(ACCOUNTS, "mail.example.test").start(None)
    second = CramMd5Mechanism(ACCOUNTS, "mail.example.test").start(None)
    assert isinstance(first, Challenge)
    assert isinstance(second, Challenge)
    assert first.data.startswith(b"<")
    assert first.data.endswith(b"@mail.example.test>")
    assert first != second


def test_cram_md5_round_trip_with_generated_challenge() -> None:
    mechanism = CramMd5Mechanism(ACCOUNTS, "localhost")
    challenge = mechanism.start(None)
    assert isinstance(challenge, Challenge)
    response = cram_md5_response(challenge.data, "jörg", "pässwörd")
    assert mechanism.step(response) == Succeeded(authzid="jörg", authcid="jörg")


def test_cram_md5_refuses_initial_response() -> None:
    # RFC 4422 §5 (a): a server-first mechanism; an initial response fails the exchange.
    result = CramMd5Mechanism(ACCOUNTS, "localhost").start(b"tim 00")
    assert isinstance(result, Failed)
    assert result.malformed


@pytest.mark.parametrize(("user", "password"), [("tim", "wrong"), ("nobody", "tanstaaftanstaaf")])
def test_cram_md5_bad_credentials(user: str, password: str) -> None:
    mechanism = CramMd5Mechanism(ACCOUNTS, "localhost", challenge=RFC2195_CHALLENGE)
    mechanism.start(None)
    result = mechanism.step(cram_md5_response(RFC2195_CHALLENGE, user, password))
    assert result == Failed(reason="invalid credentials", malformed=False)


@pytest.mark.parametrize(
    "response",
    [
        b"",
        b"tim",
        b"tim b913a602c7eda7a495b4e6e7334d389",  # 31 hex digits
        b"tim B913A602C7EDA7A495B4E6E7334D3890",  # upper case (RFC 2195 §2: lower-case)
        b" b913a602c7eda7a495b4e6e7334d3890",  # no user
        b"\xff b913a602c7eda7a495b4e6e7334d3890",
    ],
)
def test_cram_md5_malformed_response(response: bytes) -> None:
    assert parse_cram_md5_response(response) is None
    mechanism = CramMd5Mechanism(ACCOUNTS, "localhost", challenge=RFC2195_CHALLENGE)
    mechanism.start(None)
    result = mechanism.step(response)
    assert isinstance(result, Failed)
    assert result.malformed


def test_cram_md5_user_name_with_space() -> None:
    assert parse_cram_md5_response(b"tim smith " + b"0" * 32) == ("tim smith", "0" * 32)


def test_cram_md5_needs_ascii_hostname() -> None:
    with pytest.raises(ValueError):
        CramMd5Mechanism(ACCOUNTS, "bücher.example")


# --- misuse ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVER_MECHANISMS)
def test_step_before_start_or_after_finish_is_a_local_error(name: str) -> None:
    mechanism = server_mechanism(name, ACCOUNTS, "localhost")
    assert mechanism is not None
    with pytest.raises(SaslProtocolError):
        mechanism.step(b"x")
    result = mechanism.start(None)
    while isinstance(result, Challenge):
        result = mechanism.step(b"\xff")
    assert isinstance(result, Failed)
    with pytest.raises(SaslProtocolError):
        mechanism.step(b"x")
    with pytest.raises(SaslProtocolError):
        mechanism.start(None)
