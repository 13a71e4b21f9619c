"""What a reference POP2 server is configured with."""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl._misuse import MisusePolicy
from reference_impl.auth import Accounts

__all__ = ["ServerConfig"]


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """Policy of one POP2 listener.

    ``hostname`` goes in the greeting (``<greet>``, RFC 937 page 16, must be a <host>).
    ``max_command_line``: RFC 937 "Sizes" (page 12), "including the command word
    and the CRLF".
    """

    hostname: str = "pop.example.test"
    accounts: Accounts
    max_command_line: int = 512
    # A refused HELO closes the session (RFC 937 action 3 (b)), so only the delay of
    # a first failure applies: it slows a client guessing over new connections.
    misuse: MisusePolicy = field(default_factory=MisusePolicy)
