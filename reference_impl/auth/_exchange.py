"""The framing of one SASL exchange, written once for every protocol.

SMTP AUTH (RFC 4954 §4), POP3 AUTH (RFC 5034 §4) and IMAP AUTHENTICATE (RFC 9051 §6.2.2)
run the same exchange: a mechanism name and an optional base64 initial response, then
base64 challenges and response lines, a line holding ``*`` to cancel, and one outcome.
They differ only in how each step is worded on the wire (334 / ``+`` / ``+``, 235 / +OK /
OK, 535 / -ERR / NO ...): a protocol gives those words as a ``SaslReplies`` table.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from ._codec import decode_sasl_base64, encode_sasl_base64
from ._server import CredentialStore, Mechanism, server_mechanism
from ._steps import Challenge, Failed, SaslStep, Succeeded

__all__ = [
    "SaslAuthenticated",
    "SaslContinue",
    "SaslExchange",
    "SaslOutcome",
    "SaslRefused",
    "SaslReplies",
]

ReplyT = TypeVar("ReplyT")


@dataclass(frozen=True, kw_only=True)
class SaslReplies(Generic[ReplyT]):
    """One protocol's words for the steps of an exchange."""

    challenge: Callable[[bytes], ReplyT]
    """The continuation carrying a base64 challenge (the argument, without CRLF)."""
    unknown_mechanism: ReplyT
    bad_base64: ReplyT
    cancelled: ReplyT
    failed: ReplyT
    """Well-formed credentials that are wrong."""
    malformed: ReplyT
    """A client message the mechanism cannot parse."""


@dataclass(frozen=True, kw_only=True)
class SaslContinue(Generic[ReplyT]):
    """Send ``reply`` and read the client's next line as a SASL response."""

    reply: ReplyT


@dataclass(frozen=True, kw_only=True)
class SaslRefused(Generic[ReplyT]):
    """The exchange is over without authentication: send ``reply``; the next line is a
    command again (RFC 4954 §4, RFC 5034 §4: as if AUTH had not been issued)."""

    reply: ReplyT


@dataclass(frozen=True, kw_only=True)
class SaslAuthenticated:
    """The exchange succeeded for ``user``; the protocol sends its own success reply."""

    user: str


SaslOutcome = SaslContinue[ReplyT] | SaslRefused[ReplyT] | SaslAuthenticated


class SaslExchange(Generic[ReplyT]):
    """One exchange from the AUTH command to its outcome."""

    def __init__(
        self,
        replies: SaslReplies[ReplyT],
        *,
        mechanisms: Collection[str],
        accounts: CredentialStore,
        hostname: str,
    ) -> None:
        self._replies = replies
        self._mechanisms = mechanisms
        self._accounts = accounts
        self._hostname = hostname
        self._mechanism: Mechanism | None = None

    def start(self, name: bytes, initial: bytes | None) -> SaslOutcome[ReplyT]:
        """The AUTH command: the mechanism's name and the initial response, if sent."""
        mechanism_name = name.decode("ascii", "replace").upper()
        if mechanism_name in self._mechanisms:
            self._mechanism = server_mechanism(mechanism_name, self._accounts, self._hostname)
        if self._mechanism is None:
            return SaslRefused(reply=self._replies.unknown_mechanism)
        if initial is None:
            return self._outcome(self._mechanism.start(None))
        decoded = decode_sasl_base64(initial)  # "=" is the empty initial response
        if decoded is None:
            return SaslRefused(reply=self._replies.bad_base64)
        return self._outcome(self._mechanism.start(decoded))

    def respond(self, line: bytes) -> SaslOutcome[ReplyT]:
        """A client line read while the exchange goes on."""
        if self._mechanism is None:
            raise RuntimeError("respond() before a successful start()")
        if line.strip() == b"*":
            return SaslRefused(reply=self._replies.cancelled)
        decoded = decode_sasl_base64(line)
        if decoded is None:
            return SaslRefused(reply=self._replies.bad_base64)
        return self._outcome(self._mechanism.step(decoded))

    def _outcome(self, step: SaslStep) -> SaslOutcome[ReplyT]:
        if isinstance(step, Challenge):
            return SaslContinue(reply=self._replies.challenge(encode_sasl_base64(step.data)))
        if isinstance(step, Succeeded):
            return SaslAuthenticated(user=step.authcid)
        assert isinstance(step, Failed)
        refusal = self._replies.malformed if step.malformed else self._replies.failed
        return SaslRefused(reply=refusal)
