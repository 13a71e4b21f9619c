"""What a reference IMAP server is configured with."""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.auth import Accounts
from reference_impl.imap._framing import FramingLimits

__all__ = ["ServerConfig"]


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """Policy of one IMAP listener; defaults suit a test server on loopback.

    ``login_without_tls`` False advertises LOGINDISABLED and refuses LOGIN (and
    AUTHENTICATE) before TLS: RFC 9051 §6.2.3 requires a server to "implement a
    configuration" that does so, which False is; sites "SHOULD NOT" permit LOGIN without
    TLS, but a test server on loopback does.  ``limits.literal_minus`` advertises LITERAL-
    instead of LITERAL+ (RFC 7888 §5: never both).
    """

    hostname: str = "imap.example.test"
    accounts: Accounts
    tls_available: bool = False
    login_without_tls: bool = True
    auth_mechanisms: tuple[str, ...] = ("PLAIN",)
    limits: FramingLimits = field(default_factory=FramingLimits)
    max_sasl_line: int = 12288
    # RFC 2177 §3 and RFC 9051 §5.4: the autologout timer is at least 30 minutes.
    autologout: float = 30 * 60.0
    # What a judge's scenario makes the server do (reference_impl.imap._scenarios): odd
    # but legal behaviour a client must handle, or an attacker's (_judged).
    starttls_refused: bool = False  # STARTTLS advertised, then answered BAD
    inject_after_starttls: bool = False  # plaintext responses after the OK to STARTTLS
    hold_after_tls: float = 0.0  # the first command in TLS waits this long for its answer
    greeting_delay: float = 0.0  # the greeting comes this long after the connection
    select_refused: bool = False  # NO to every SELECT and EXAMINE
    unsolicited: bool = False  # EXISTS and FETCH again before each completion in SELECTED
    bye_after: int = 0  # untagged BYE and close after this many commands (0: never)
    endless_literal: bool = False  # a FETCH literal of 10**20 octets, cut off by a close
    preauth: str = ""  # greet with PREAUTH, this user already authenticated
    expunge_elsewhere: bool = False  # SELECT's last message removed as by another session
    mail_during_idle: bool = False  # a new message arrives as the first IDLE starts
