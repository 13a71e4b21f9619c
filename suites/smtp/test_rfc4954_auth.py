"""RFC 4954: SMTP Service Extension for Authentication, with the SASL mechanisms
PLAIN (RFC 4616) and CRAM-MD5 (RFC 2195)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

import pytest

from conformance import Account, Mailbox, SmtpSession
from reference_impl.smtp import Reply

from ._extensions import authentication_ready, expect, said

pytestmark = pytest.mark.requires("AUTH")

_BASE64 = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_MSG_ID = re.compile(rb"<[^<>@\s]+@[^<>@\s]+>")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _plain(account: Account, password: str | None = None) -> str:
    secret = account.password if password is None else password
    return _b64(b"\0" + account.user.encode() + b"\0" + secret.encode())


def _challenge(reply: Reply) -> bytes:
    return reply.raw[4:].rstrip(b"\r\n")


def _cram_md5(smtp: SmtpSession) -> bytes:
    """Start AUTH CRAM-MD5 and return the decoded challenge."""
    reply = smtp.command("AUTH CRAM-MD5")
    assert reply.code == 334, expect(reply, sent="AUTH CRAM-MD5", expected="334 and a challenge")
    try:
        return base64.b64decode(_challenge(reply), validate=True)
    except binascii.Error:
        pytest.fail(f"sent AUTH CRAM-MD5; expected a BASE64 challenge; got {said(reply)}")


def _digest(secret: str, challenge: bytes) -> str:
    return hmac.new(secret.encode(), challenge, hashlib.md5).hexdigest()


# -- RFC 4954 §4: the AUTH command ---------------------------------------------------------


@pytest.mark.rfc(4954, "4", "MUST")
def test_plain_offered_over_tls(smtp: SmtpSession) -> None:
    """To ensure interoperability, client and server implementations of this extension
    MUST implement the [PLAIN] SASL mechanism running over TLS [TLS] [SMTP-TLS]."""
    mechanisms = authentication_ready(smtp)
    if not smtp.tls_active:
        pytest.skip("no TLS on this connection: PLAIN is required only over TLS")
    assert "PLAIN" in mechanisms, (
        f"sent EHLO inside TLS; expected PLAIN among the AUTH mechanisms; got {mechanisms}"
    )


@pytest.mark.rfc(
    4954,
    "4",
    "MUST",
    basis="§4 defines 235 as the reply to a successfully completed exchange, without a keyword.",
)
def test_auth_plain_success_235(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """Should the client successfully complete the exchange, the SMTP server issues a 235
    reply."""
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[0])}")
    assert reply.code == 235, expect(
        reply, sent=f"AUTH PLAIN <valid credentials of {accounts[0].user}>", expected="235"
    )


@pytest.mark.rfc(
    4954,
    "4",
    "MUST",
    basis="§4 defines an empty server challenge as the line '334 ', a 334 reply with no text part.",
)
def test_empty_challenge_is_334_space(smtp: SmtpSession) -> None:
    """In SMTP, a server challenge that contains no data is defined as a 334 reply with
    no text part.  Note that there is still a space following the reply code, so the
    complete response line is "334 ".

    PLAIN without an initial response starts with an empty challenge (RFC 4422 §5.1).
    """
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command("AUTH PLAIN")
    assert reply.raw == b"334 \r\n", expect(reply, sent="AUTH PLAIN", expected="'334 '")


@pytest.mark.rfc(4954, "4", "MUST")
@pytest.mark.parametrize("mechanism", ["LOGIN", "CRAM-MD5"])
def test_challenge_is_only_base64(smtp: SmtpSession, mechanism: str) -> None:
    """A server challenge is sent as a 334 reply with the text part containing the
    [BASE64] encoded string supplied by the SASL mechanism.  This challenge MUST NOT
    contain any text other than the BASE64 encoded challenge."""
    authentication_ready(smtp, mechanism)
    reply = smtp.command(f"AUTH {mechanism}")
    assert reply.code == 334, expect(reply, sent=f"AUTH {mechanism}", expected="334")
    assert _BASE64.fullmatch(_challenge(reply)), expect(
        reply, sent=f"AUTH {mechanism}", expected="'334 ' and nothing but BASE64"
    )


@pytest.mark.rfc(4954, "4", "MUST")
def test_cancel_with_star_501(smtp: SmtpSession) -> None:
    """If the client wishes to cancel the authentication exchange, it issues a line with
    a single "*".  If the server receives such a response, it MUST reject the AUTH
    command by sending a 501 reply."""
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command("AUTH PLAIN")
    assert reply.code == 334, expect(reply, sent="AUTH PLAIN", expected="334")
    reply = smtp.command("*")
    assert reply.code == 501, expect(reply, sent="AUTH PLAIN, then '*'", expected="501")


@pytest.mark.rfc(4954, "4", "MUST")
def test_auth_after_success_503(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """After a successful AUTH command completes, a server MUST reject any further AUTH
    commands with a 503 reply."""
    authentication_ready(smtp, "PLAIN")
    first = smtp.command(f"AUTH PLAIN {_plain(accounts[0])}")
    assert first.code == 235, expect(first, sent="AUTH PLAIN <valid>", expected="235")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[1])}")
    assert reply.code == 503, expect(reply, sent="a second AUTH PLAIN after 235", expected="503")


@pytest.mark.rfc(4954, "4", "MUST")
def test_auth_during_transaction_503(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """The AUTH command is not permitted during a mail transaction.  An AUTH command
    issued during a mail transaction MUST be rejected with a 503 reply."""
    authentication_ready(smtp, "PLAIN")
    mail = smtp.mail(accounts[0].address)
    if mail.code != 250:
        pytest.skip(f"target does not open a transaction before AUTH ({mail})")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[0])}")
    assert reply.code == 503, expect(
        reply, sent="AUTH PLAIN <valid> after MAIL FROM (250)", expected="503"
    )


@pytest.mark.rfc(
    4954,
    "4",
    "MUST",
    basis=(
        "§4 defines 504 as the reply rejecting AUTH with an unsupported mechanism, "
        "without a keyword."
    ),
)
def test_unknown_mechanism_504(smtp: SmtpSession) -> None:
    """If the requested authentication mechanism is invalid (e.g., is not supported or
    requires an encryption layer), the server rejects the AUTH command with a 504 reply."""
    authentication_ready(smtp)
    reply = smtp.command("AUTH X-CONFORMANCE-UNKNOWN")
    assert reply.code == 504, expect(
        reply, sent="AUTH X-CONFORMANCE-UNKNOWN (not advertised)", expected="504"
    )


@pytest.mark.rfc(4954, "4", "MUST")
def test_equals_sign_is_an_empty_initial_response(smtp: SmtpSession) -> None:
    """If the client is transmitting an initial response of zero length, it MUST instead
    transmit the response as a single equals sign ("=").  This indicates that the
    response is present, but contains no data.

    An empty PLAIN message carries no credentials: the server must neither prompt for an
    initial response as if none had been sent (334) nor accept it (235).
    """
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command("AUTH PLAIN =")
    assert reply.severity in (4, 5), expect(
        reply, sent="AUTH PLAIN =", expected="a 4xx/5xx refusal of the empty response"
    )


@pytest.mark.rfc(4954, "4", "MUST")
def test_initial_response_to_server_first_mechanism_501(smtp: SmtpSession) -> None:
    """If the client uses an initial-response argument to the AUTH command with a SASL
    mechanism in which the client does not begin the authentication exchange, the server
    MUST reject the AUTH command with a 501 reply.

    CRAM-MD5 starts with the server's challenge (RFC 2195 §2).
    """
    authentication_ready(smtp, "CRAM-MD5")
    reply = smtp.command(f"AUTH CRAM-MD5 {_b64(b'user 0123456789abcdef0123456789abcdef')}")
    assert reply.code == 501, expect(reply, sent="AUTH CRAM-MD5 <initial response>", expected="501")


@pytest.mark.rfc(4954, "4", "MUST")
def test_undecodable_response_501(smtp: SmtpSession) -> None:
    """If the server cannot [BASE64] decode any client response, it MUST reject the AUTH
    command with a 501 reply (and an enhanced status code of 5.5.2)."""
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command("AUTH PLAIN")
    assert reply.code == 334, expect(reply, sent="AUTH PLAIN", expected="334")
    reply = smtp.command("not%base64!")
    assert reply.code == 501, expect(reply, sent="AUTH PLAIN, then 'not%base64!'", expected="501")


@pytest.mark.rfc(4954, "4", "MUST")
def test_pad_inside_base64_rejected_501(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """In particular, servers and clients MUST reject (and not ignore) any character not
    explicitly allowed by the BASE64 alphabet, and MUST reject any sequence of BASE64
    characters that contains the pad character ('=') anywhere other than the end of the
    string (e.g., "=AAA" and "AAA=BBB" are not allowed)."""
    authentication_ready(smtp, "PLAIN")
    valid = _plain(accounts[0])
    broken = "AAA=" + valid  # valid credentials behind a pad in the middle
    reply = smtp.command(f"AUTH PLAIN {broken}")
    assert reply.code == 501, expect(
        reply, sent=f"AUTH PLAIN {broken[:8]}... ('=' inside the BASE64)", expected="501"
    )


@pytest.mark.rfc(4954, "4", "SHOULD")
def test_wrong_password_535(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """If the server is unable to authenticate the client, it SHOULD reject the AUTH
    command with a 535 reply unless a more specific error code is appropriate."""
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[0], 'wrong-' + accounts[0].password)}")
    assert reply.code == 535, expect(reply, sent="AUTH PLAIN <wrong password>", expected="535")


@pytest.mark.rfc(4954, "4", "SHOULD")
def test_plaintext_mechanisms_not_offered_without_tls(smtp: SmtpSession) -> None:
    """Server sites SHOULD NOT use any configuration which permits a plaintext password
    mechanism without such a protection mechanism against password snooping."""
    if smtp.tls_active:
        pytest.skip("the connection is protected by TLS from the start (smtps target)")
    reply = smtp.ehlo()
    assert reply.code == 250, expect(reply, sent="EHLO", expected="250")
    mechanisms = smtp.extensions.get("AUTH", "").upper().split()
    exposed = sorted({"PLAIN", "LOGIN"} & set(mechanisms))
    assert not exposed, (
        f"sent EHLO without TLS; expected no plaintext password mechanism; "
        f"got AUTH {' '.join(mechanisms)}"
    )


@pytest.mark.rfc(4954, "4", "SHOULD")
def test_plain_refused_without_tls(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """Server sites SHOULD NOT use any configuration which permits a plaintext password
    mechanism without such a protection mechanism against password snooping.

    Valid credentials sent with PLAIN over a clear-text connection are not accepted.
    """
    if smtp.tls_active:
        pytest.skip("the connection is protected by TLS from the start (smtps target)")
    reply = smtp.ehlo()
    assert reply.code == 250, expect(reply, sent="EHLO", expected="250")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[0])}")
    assert reply.severity in (4, 5), expect(
        reply,
        sent="AUTH PLAIN <valid credentials> without TLS",
        expected="a refusal (4yz or 5yz, e.g. 538 or 503)",
    )


# -- RFC 4954 §5: the AUTH parameter of MAIL ------------------------------------------------


@pytest.mark.rfc(4954, "5", "MUST")
def test_mail_auth_parameter_accepted_unauthenticated(smtp: SmtpSession, sender: Mailbox) -> None:
    """For this reason, servers that advertise support for this extension MUST support
    the AUTH parameter to the MAIL FROM command even when the client has not authenticated
    itself to the server."""
    authentication_ready(smtp)
    plain = smtp.mail(sender.address)
    if plain.code != 250:
        pytest.skip(f"target refuses MAIL before AUTH ({plain}); nothing to compare")
    smtp.rset()
    reply = smtp.mail(sender.address, "AUTH=<>")
    assert reply.code == 250, expect(
        reply,
        sent=f"MAIL FROM:<{sender.address}> AUTH=<> (not authenticated)",
        expected="250, as without the parameter",
    )


# -- RFC 4616: PLAIN ----------------------------------------------------------------------


@pytest.mark.rfc(
    4616,
    "2",
    "MUST",
    basis=(
        "§2 defines PLAIN authentication as succeeding only if the password verifies; a "
        "server accepting a wrong one authenticates a client it did not verify. RFC 4954 "
        "§4's SHOULD concerns only the reply code (535)."
    ),
)
def test_plain_wrong_password_not_authenticated(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """Upon receipt of the message, the server will verify the presented (in the message)
    authentication identity (authcid) and password (passwd) with the system
    authentication database, and it will verify that the authentication credentials
    permit the client to act as the (presented or derived) authorization identity
    (authzid).  If both steps succeed, the user is authenticated."""
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[0], accounts[1].password)}")
    assert reply.severity in (4, 5), expect(
        reply,
        sent=f"AUTH PLAIN <{accounts[0].user} with another user's password>",
        expected="a refusal",
    )


@pytest.mark.rfc(4616, "2", "MUST")
def test_plain_accepts_255_octet_password(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """Servers MUST be capable of accepting authzid, authcid, and passwd productions up to
    and including 255 octets.

    A 255-octet (wrong) password is judged on its merits: refused as invalid
    credentials, not as a syntax or length error (500/501).
    """
    authentication_ready(smtp, "PLAIN")
    reply = smtp.command(f"AUTH PLAIN {_plain(accounts[0], 'p' * 255)}")
    assert reply.code not in (500, 501, 235) and reply.severity in (4, 5), expect(
        reply,
        sent="AUTH PLAIN with a 255-octet wrong password",
        expected="a credentials refusal such as 535 (not 500/501)",
    )


# -- RFC 2195: CRAM-MD5 ---------------------------------------------------------------------


@pytest.mark.rfc(
    2195,
    "2",
    "MUST",
    basis=(
        "§2: the challenge 'must correspond to' an RFC 822 msg-id. RFC 2195 does not use "
        "RFC 2119 keywords; its 'must' and 'should' are lower case."
    ),
)
def test_cram_md5_challenge_is_msg_id(smtp: SmtpSession) -> None:
    """The syntax of the unencoded form must correspond to that of an RFC 822 'msg-id'
    [RFC822] as described in [POP3]."""
    authentication_ready(smtp, "CRAM-MD5")
    challenge = _cram_md5(smtp)
    assert _MSG_ID.fullmatch(challenge), (
        f"sent AUTH CRAM-MD5; expected a challenge like <digits.timestamp@host>; got {challenge!r}"
    )


@pytest.mark.rfc(
    2195,
    "2",
    "SHOULD",
    basis=(
        "§2: with a correct digest the server 'should consider the client authenticated'."
        " RFC 2195 does not use RFC 2119 keywords; its 'must' and 'should' are lower "
        "case."
    ),
)
def test_cram_md5_correct_digest_authenticates(
    smtp: SmtpSession, accounts: tuple[Account, ...]
) -> None:
    """If the digest is correct, the server should consider the client authenticated and
    respond appropriately."""
    authentication_ready(smtp, "CRAM-MD5")
    account = accounts[0]
    challenge = _cram_md5(smtp)
    answer = f"{account.user} {_digest(account.password, challenge)}"
    reply = smtp.command(_b64(answer.encode()))
    assert reply.code == 235, expect(
        reply, sent=f"AUTH CRAM-MD5 answered with the digest for {account.user}", expected="235"
    )


@pytest.mark.rfc(
    2195,
    "2",
    "MUST",
    basis=(
        "§2 has the server verify the digest and authenticate the client only if it is "
        "correct; accepting a wrong digest authenticates a client it did not verify. RFC "
        "2195 does not use RFC 2119 keywords; its 'must' and 'should' are lower case."
    ),
)
def test_cram_md5_wrong_digest_refused(smtp: SmtpSession, accounts: tuple[Account, ...]) -> None:
    """When the server receives this client response, it verifies the digest provided."""
    authentication_ready(smtp, "CRAM-MD5")
    account = accounts[0]
    challenge = _cram_md5(smtp)
    answer = f"{account.user} {_digest('wrong-' + account.password, challenge)}"
    reply = smtp.command(_b64(answer.encode()))
    assert reply.severity in (4, 5), expect(
        reply,
        sent="AUTH CRAM-MD5 answered with a digest of a wrong secret",
        expected="a refusal (535)",
    )
