"""The POP3 framing of a SASL exchange (RFC 5034 §4): ``+ base64`` challenges,
base64 response lines, ``*`` to cancel, and -ERR / success outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from reference_impl.auth import (
    Challenge,
    Failed,
    Mechanism,
    SaslStep,
    Succeeded,
    decode_sasl_base64,
    encode_sasl_base64,
    server_mechanism,
)
from reference_impl.pop3 import _codes as c
from reference_impl.pop3._config import ServerConfig

__all__ = ["ContinueWith", "SaslExchange"]


@dataclass(frozen=True, kw_only=True)
class ContinueWith:
    """Send ``line`` (a ``+ base64`` continuation, CRLF included) and wait."""

    line: bytes


Outcome = ContinueWith | c.Response | str  # str: the authenticated user


class SaslExchange:
    """One AUTH command from its line to its final outcome."""

    def __init__(self, config: ServerConfig) -> None:
        self._config = config
        self._mechanism: Mechanism | None = None

    def start(self, name: bytes, initial: bytes | None) -> Outcome:
        mechanism_name = name.decode("ascii", "replace").upper()
        if mechanism_name in self._config.auth_mechanisms:
            self._mechanism = server_mechanism(
                mechanism_name, self._config.accounts, self._config.hostname
            )
        if self._mechanism is None:
            return c.ERR_UNKNOWN_MECHANISM
        if initial is None:
            return self._outcome(self._mechanism.start(None))
        decoded = decode_sasl_base64(initial)  # "=" is the empty response (RFC 5034 §4)
        if decoded is None:
            return c.ERR_BAD_BASE64
        return self._outcome(self._mechanism.start(decoded))

    def respond(self, line: bytes) -> Outcome:
        assert self._mechanism is not None
        if line == b"*":
            return c.ERR_AUTH_CANCELLED  # RFC 5034 §4: "MUST reject ... with an -ERR"
        decoded = decode_sasl_base64(line)
        if decoded is None:
            return c.ERR_BAD_BASE64
        return self._outcome(self._mechanism.step(decoded))

    @staticmethod
    def _outcome(step: SaslStep) -> Outcome:
        if isinstance(step, Challenge):
            # RFC 5034 §4: "+" SP base64; an empty challenge is "+ " alone.
            return ContinueWith(line=b"+ " + encode_sasl_base64(step.data) + b"\r\n")
        if isinstance(step, Succeeded):
            return step.authcid
        assert isinstance(step, Failed)
        return c.ERR_AUTH_MALFORMED if step.malformed else c.ERR_AUTH_FAILED
