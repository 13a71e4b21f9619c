"""The POP3 wording of a SASL exchange (RFC 5034 §4): ``+ base64`` challenges and -ERR
outcomes.  The exchange itself is reference_impl.auth's, shared with SMTP and IMAP."""

from __future__ import annotations

from dataclasses import dataclass

from reference_impl.auth import SaslExchange, SaslReplies
from reference_impl.pop3 import _codes as c
from reference_impl.pop3._config import ServerConfig

__all__ = ["POP3_SASL_REPLIES", "ContinueWith", "new_exchange"]


@dataclass(frozen=True, kw_only=True)
class ContinueWith:
    """Send ``line`` (a ``+ base64`` continuation, CRLF included) and wait."""

    line: bytes


def _challenge(data: bytes) -> ContinueWith:
    # RFC 5034 §4: "+" SP base64; an empty challenge is "+ " alone.
    return ContinueWith(line=b"+ " + data + b"\r\n")


POP3_SASL_REPLIES = SaslReplies[c.Response | ContinueWith](
    challenge=_challenge,
    unknown_mechanism=c.ERR_UNKNOWN_MECHANISM,
    bad_base64=c.ERR_BAD_BASE64,
    cancelled=c.ERR_AUTH_CANCELLED,  # RFC 5034 §4: "MUST reject ... with an -ERR"
    failed=c.ERR_AUTH_FAILED,
    malformed=c.ERR_AUTH_MALFORMED,
)


def new_exchange(config: ServerConfig) -> SaslExchange[c.Response | ContinueWith]:
    return SaslExchange(
        POP3_SASL_REPLIES,
        mechanisms=config.auth_mechanisms,
        accounts=config.accounts,
        hostname=config.hostname,
    )
