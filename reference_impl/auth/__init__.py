"""SASL for the mail protocols: server mechanisms PLAIN (RFC 4616), LOGIN and
CRAM-MD5 (RFC 2195) as sans-IO state machines, base64 framing helpers (RFC 4954 §4)
and the client-side messages.
"""

from ._client import cram_md5_digest, cram_md5_response, login_responses, plain_response
from ._codec import decode_sasl_base64, encode_sasl_base64
from ._exchange import (
    SaslAuthenticated,
    SaslContinue,
    SaslExchange,
    SaslOutcome,
    SaslRefused,
    SaslReplies,
)
from ._server import (
    LOGIN_PASSWORD_PROMPT,
    LOGIN_USERNAME_PROMPT,
    SERVER_MECHANISMS,
    CramMd5Mechanism,
    CredentialStore,
    LoginMechanism,
    Mechanism,
    PlainCredentials,
    PlainMechanism,
    parse_cram_md5_response,
    parse_plain,
    server_mechanism,
)
from ._steps import Challenge, Failed, SaslProtocolError, SaslStep, Succeeded

__all__ = [
    "LOGIN_PASSWORD_PROMPT",
    "LOGIN_USERNAME_PROMPT",
    "SERVER_MECHANISMS",
    "Challenge",
    "CramMd5Mechanism",
    "CredentialStore",
    "Failed",
    "LoginMechanism",
    "Mechanism",
    "PlainCredentials",
    "PlainMechanism",
    "SaslAuthenticated",
    "SaslContinue",
    "SaslExchange",
    "SaslOutcome",
    "SaslProtocolError",
    "SaslRefused",
    "SaslReplies",
    "SaslStep",
    "Succeeded",
    "cram_md5_digest",
    "cram_md5_response",
    "decode_sasl_base64",
    "encode_sasl_base64",
    "login_responses",
    "parse_cram_md5_response",
    "parse_plain",
    "plain_response",
    "server_mechanism",
]
