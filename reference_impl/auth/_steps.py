"""The outcome of one SASL server step (RFC 4422 §3.4, §3.6)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Challenge", "Failed", "SaslProtocolError", "SaslStep", "Succeeded"]


@dataclass(frozen=True, kw_only=True)
class Challenge:
    """Send ``data`` to the client and wait for its response.

    ``data`` is raw; the protocol shell base64-encodes it (RFC 4954 §4 "334", RFC 3501
    "+", RFC 5034 "+").
    """

    data: bytes


@dataclass(frozen=True, kw_only=True)
class Succeeded:
    """The exchange succeeded; the client acts as ``authzid``, proven as ``authcid``."""

    authzid: str
    authcid: str


@dataclass(frozen=True, kw_only=True)
class Failed:
    """The exchange failed.

    ``malformed`` means the client's message could not be parsed (SMTP 501, RFC 4954
    §4), as opposed to credentials that were well-formed but wrong (SMTP 535).
    ``reason`` is for logs, not for the peer.
    """

    reason: str
    malformed: bool


SaslStep = Challenge | Succeeded | Failed


class SaslProtocolError(Exception):
    """The caller misused a mechanism (stepped it before start or after it finished)."""
