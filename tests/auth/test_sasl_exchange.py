"""The one SASL exchange framing, worded by a protocol's reply table."""

from __future__ import annotations

import pytest

from reference_impl.auth import (
    SaslAuthenticated,
    SaslContinue,
    SaslExchange,
    SaslRefused,
    SaslReplies,
    encode_sasl_base64,
    login_responses,
    plain_response,
)

WORDS = SaslReplies[str](
    challenge=lambda data: "go " + data.decode("ascii"),
    unknown_mechanism="unknown",
    bad_base64="bad64",
    cancelled="cancelled",
    failed="failed",
    malformed="malformed",
)


class _Accounts:
    def authenticate(self, user: str, password: str) -> bool:
        return (user, password) == ("alice", "pw")

    def password_of(self, user: str) -> str | None:
        return "pw" if user == "alice" else None


def _exchange(*mechanisms: str) -> SaslExchange[str]:
    return SaslExchange(
        WORDS, mechanisms=mechanisms or ("PLAIN", "LOGIN"), accounts=_Accounts(), hostname="h"
    )


def test_plain_with_an_initial_response_authenticates() -> None:
    initial = encode_sasl_base64(plain_response("alice", "pw"))
    assert _exchange().start(b"plain", initial) == SaslAuthenticated(user="alice")


def test_login_continues_until_both_answers_came() -> None:
    exchange = _exchange()
    first = exchange.start(b"LOGIN", None)
    assert isinstance(first, SaslContinue) and first.reply.startswith("go ")
    user, password = (encode_sasl_base64(answer) for answer in login_responses("alice", "pw"))
    assert isinstance(exchange.respond(user), SaslContinue)
    assert exchange.respond(password) == SaslAuthenticated(user="alice")


@pytest.mark.parametrize(
    ("name", "initial", "words"),
    [
        (b"GSSAPI", None, "unknown"),  # not offered
        (b"CRAM-MD5", None, "unknown"),  # known, but not among this server's mechanisms
        (b"PLAIN", b"not base64!", "bad64"),
        (b"PLAIN", encode_sasl_base64(plain_response("alice", "wrong")), "failed"),
        (b"PLAIN", encode_sasl_base64(b"no separators"), "malformed"),
    ],
)
def test_refusals_use_the_protocols_words(name: bytes, initial: bytes | None, words: str) -> None:
    assert _exchange().start(name, initial) == SaslRefused(reply=words)


@pytest.mark.parametrize("line", [b"*", b"* "])
def test_a_star_line_cancels(line: bytes) -> None:
    exchange = _exchange()
    assert isinstance(exchange.start(b"PLAIN", None), SaslContinue)
    assert exchange.respond(line) == SaslRefused(reply="cancelled")
