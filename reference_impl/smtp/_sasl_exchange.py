"""The SMTP wording of a SASL exchange (RFC 4954 §4): 334 challenges, and 535 / 501 / 504
outcomes.  The exchange itself is reference_impl.auth's, shared with POP3 and IMAP."""

from __future__ import annotations

from reference_impl.auth import SaslExchange, SaslReplies
from reference_impl.smtp import _codes as c
from reference_impl.smtp._config import ServerConfig

__all__ = ["SMTP_SASL_REPLIES", "new_exchange"]


def _challenge(data: bytes) -> c.ServerReply:
    return c.ServerReply(code=334, status="", lines=(data.decode("ascii"),))


SMTP_SASL_REPLIES = SaslReplies[c.ServerReply](
    challenge=_challenge,
    unknown_mechanism=c.S504_UNKNOWN_MECHANISM,
    bad_base64=c.S501_BAD_BASE64,
    cancelled=c.S501_AUTH_CANCELLED,  # RFC 4954 §4: a cancelled exchange gets 501
    failed=c.S535_AUTH_FAILED,
    malformed=c.S501_SYNTAX,
)


def new_exchange(config: ServerConfig) -> SaslExchange[c.ServerReply]:
    return SaslExchange(
        SMTP_SASL_REPLIES,
        mechanisms=config.auth_mechanisms,
        accounts=config.accounts,
        hostname=config.hostname,
    )
