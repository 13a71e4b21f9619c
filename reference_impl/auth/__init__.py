"""Accounts and SASL for the mail protocols: users, passwords and addresses (``Accounts``,
read from TOML; no database, so a protocol core that needs them imports no SQLite), the
server mechanisms PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195) as sans-IO state
machines, the exchange framing shared by SMTP, POP3 and IMAP, base64 helpers
(RFC 4954 §4) and the client-side messages.
"""

from ._accounts import Accounts, AccountsError, User
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
    "Accounts",
    "AccountsError",
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
    "User",
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
