"""What a reference SMTP server is configured with."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from reference_impl._misuse import MisusePolicy
from reference_impl.auth import Accounts

__all__ = ["ServerConfig"]


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """Policy of one listener; defaults suit an MX on loopback.

    Limits follow RFC 5321 §4.5.3.1; the command-line limit leaves room above
    the 512-octet minimum for the parameters that advertised extensions add
    (RFC 1870 §5, RFC 3461 §5), and AUTH lines get RFC 4954 §4's 12288.
    """

    hostname: str = "mx.example.test"
    accounts: Accounts
    tls_available: bool = False
    require_tls: bool = False  # smtp+starttls: MAIL etc. refused before STARTTLS
    require_auth: bool = False  # submission (RFC 6409): MAIL refused before AUTH
    auth_without_tls: bool = False  # offer AUTH on a plaintext channel
    auth_mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN", "CRAM-MD5")
    max_message_size: int = 32 * 1024 * 1024
    max_recipients: int = 1000
    max_command_line: int = 1024
    max_auth_line: int = 12288
    max_text_line: int | None = 1000  # None: accept any line length
    vrfy_answers: bool = False  # answer VRFY/EXPN from the account list
    relay_allowed: bool = False  # accept non-local recipients (into the "relay" mailbox)
    # Refuse (554, then close) octets that arrive with DATA, before our 354: a client
    # that does not wait is sending a smuggled transaction or is out of step (RFC 2920
    # §3.1 lets DATA only end a group).  Hardening practice, as in Postfix and Exim.
    enforce_data_sync: bool = True
    # Delays after failed AUTH, and error limits (RFC 5321 §7.8)
    misuse: MisusePolicy = field(default_factory=MisusePolicy)
    clock: Callable[[], float] = time.time
