"""What a reference POP3 server is configured with."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from reference_impl._misuse import MisusePolicy
from reference_impl.auth import Accounts

__all__ = ["ServerConfig"]


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """Policy of one POP3 listener; defaults suit a test server on loopback.

    ``user_without_tls`` allows USER/PASS on a plaintext channel; RFC 2595 §2.4
    requires a configuration that refuses it, which ``False`` is.  SASL is
    offered before STLS only with ``auth_without_tls`` (RFC 5034 §4: "SHOULD be
    the default configuration" not to).  APOP sends no password and is always on.
    """

    hostname: str = "pop.example.test"
    accounts: Accounts
    tls_available: bool = False
    user_without_tls: bool = True
    auth_without_tls: bool = False
    auth_mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN", "CRAM-MD5")
    max_command_line: int = 255  # RFC 2449 §4, CRLF included
    # RFC 1939 §3 allowed 40 octets per argument; RFC 2449 §4 "increases the length
    # restrictions on commands and parameters" for a server with CAPA, as this one is.
    max_argument: int = 255
    max_sasl_line: int = 12288  # RFC 5034 §4: responses "may be of arbitrary length"
    # Delays after failed logins, and error limits (as RFC 5321 §7.8 allows SMTP)
    misuse: MisusePolicy = field(default_factory=MisusePolicy)
    clock: Callable[[], float] = time.time
    # What a judge's scenario makes the server do (reference_impl.pop3._scenarios): odd
    # but legal behaviour a client must handle, or an attacker's.
    capa_refused: bool = False  # -ERR to CAPA, as a server older than RFC 2449
    user_refused: bool = False  # -ERR to USER (RFC 1939 §7)
    stls_refused: bool = False  # STLS listed by CAPA, then answered -ERR
    injected_after_stls: bytes = b""  # plaintext after the +OK to STLS (CVE-2011-0411 class)
    hold_after_tls: float = 0.0  # the first command in TLS waits this long for its answer
    greeting_delay: float = 0.0  # the greeting comes this long after the connection
    pipelining: bool = True  # PIPELINING in CAPA (RFC 2449 §6.6)
    unterminated_retr: bool = False  # RETR's answer cut before its "." line, then close
