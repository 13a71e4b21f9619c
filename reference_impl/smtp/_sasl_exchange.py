"""The SMTP framing of a SASL exchange (RFC 4954 §4): 334 challenges,
base64 lines, ``*`` to cancel, 235 / 535 / 501 / 504 outcomes."""

from __future__ import annotations

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
from reference_impl.smtp import _codes as c
from reference_impl.smtp._config import ServerConfig

__all__ = ["SaslExchange"]


class SaslExchange:
    """One AUTH command from its line to its final reply.

    ``start`` and ``respond`` return either the reply to send (334 to go on,
    an error to stop) or the authenticated user name.
    """

    def __init__(self, config: ServerConfig) -> None:
        self._config = config
        self._mechanism: Mechanism | None = None

    def start(self, argument: bytes) -> c.ServerReply | str:
        name, _, initial = argument.strip(b" ").partition(b" ")
        mechanism_name = name.decode("ascii", "replace").upper()
        if mechanism_name not in self._config.auth_mechanisms:
            return c.S504_UNKNOWN_MECHANISM if name else c.S501_SYNTAX
        self._mechanism = server_mechanism(
            mechanism_name, self._config.accounts, self._config.hostname
        )
        if self._mechanism is None:
            return c.S504_UNKNOWN_MECHANISM
        if not initial:
            return self._outcome(self._mechanism.start(None))
        # RFC 4954 §4: "=" stands for an empty initial response.
        decoded = b"" if initial == b"=" else decode_sasl_base64(initial)
        if decoded is None:
            return c.S501_BAD_BASE64
        return self._outcome(self._mechanism.start(decoded))

    def respond(self, line: bytes) -> c.ServerReply | str:
        assert self._mechanism is not None
        if line.strip() == b"*":
            return c.S501_AUTH_CANCELLED  # RFC 4954 §4: cancel gets 501
        decoded = decode_sasl_base64(line)
        if decoded is None:
            return c.S501_BAD_BASE64
        return self._outcome(self._mechanism.step(decoded))

    def _outcome(self, step: SaslStep) -> c.ServerReply | str:
        if isinstance(step, Challenge):
            text = encode_sasl_base64(step.data).decode("ascii")
            return c.ServerReply(code=334, status="", lines=(text,))
        if isinstance(step, Succeeded):
            return step.authcid
        assert isinstance(step, Failed)
        return c.S501_SYNTAX if step.malformed else c.S535_AUTH_FAILED
