"""The IMAP wording of a SASL exchange (RFC 9051 §6.2.2): ``+ base64`` continuations and
tagged NO / BAD outcomes.  The exchange is reference_impl.auth's, shared with SMTP and POP3."""

from __future__ import annotations

from reference_impl.auth import SaslExchange, SaslReplies
from reference_impl.imap._config import ServerConfig
from reference_impl.imap._responses import Reply, bad, no

__all__ = ["IMAP_SASL_REPLIES", "new_exchange"]


def _challenge(data: bytes) -> bytes:
    # RFC 9051 §6.2.2: "+" SP base64 (an empty challenge is "+ " alone).
    return b"+ " + data + b"\r\n"


IMAP_SASL_REPLIES = SaslReplies[Reply | bytes](
    challenge=_challenge,
    unknown_mechanism=no("unsupported mechanism"),
    # RFC 9051 §6.2.2: a response that cannot be decoded gets BAD; "*" cancels with BAD.
    bad_base64=bad("invalid base64"),
    cancelled=bad("authentication cancelled"),
    failed=no("authentication failed", b"AUTHENTICATIONFAILED"),  # RFC 5530 §3
    malformed=bad("malformed SASL message"),
)


def new_exchange(config: ServerConfig) -> SaslExchange[Reply | bytes]:
    return SaslExchange(
        IMAP_SASL_REPLIES,
        mechanisms=config.auth_mechanisms,
        accounts=config.accounts,
        hostname=config.hostname,
    )
