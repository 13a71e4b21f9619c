"""What a reference SMTP server is configured with."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reference_impl._misuse import MisusePolicy
from reference_impl.auth import Accounts

if TYPE_CHECKING:
    from reference_impl.smtp._attempts import FirstAttempts

__all__ = ["Script", "ServerConfig"]


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
    # Report the departures only a whole session shows (closing without QUIT, not
    # waiting for a reply, §4.1.1.10, §4.3.1): the judge's business; the plain server's
    # clients (the harness among them) pipeline and hang up as tests need.
    judging: bool = False
    # What a scenario of the judge makes the server do (reference_impl.smtp._scenarios):
    # legal behaviour a client must handle, or an attacker's (see _scripted.py).
    script: Script = field(default_factory=lambda: Script())
    # Shared by the connections of one client run: the attempts a script with
    # ``first_attempt_only`` refused once already (reference_impl.smtp._attempts).
    attempts: FirstAttempts | None = None


@dataclass(frozen=True, kw_only=True)
class Script:
    """How a judging server departs from the plain MX; the defaults change nothing.

    Every field is behaviour the RFCs allow a server (or, under ``hostile``, behaviour
    of an attacker a client must survive): the client is graded on how it copes."""

    greeting_lines: tuple[str, ...] = ()  # more 220- lines before the last (§4.2.1)
    ehlo_lines: tuple[str, ...] = ()  # odd but legal extra EHLO lines (§4.1.1.1)
    greeting_delay: float = 0.0  # seconds before the greeting (§4.3.1: clients wait)
    reply_delay: float = 0.0  # seconds before every other reply (§4.5.3.2 timeouts)
    split_replies: bool = False  # each line of a reply in its own TCP segment
    offer_pipelining: bool = True  # RFC 2920: advertise PIPELINING
    refuse_ehlo: bool = False  # 500 to EHLO: the client falls back to HELO (§4.1.1.1)
    refuse_mail: bool = False  # 550 to MAIL
    refuse_first_rcpt: bool = False  # 450 to the first RCPT of a transaction
    close_at: str = ""  # 421 and close instead of answering this verb (§3.8)
    drop_after_data: bool = False  # close after the final dot, before any reply
    refuse_starttls: bool = False  # advertise STARTTLS, then 454 to it (RFC 3207 §4)
    inject_after_starttls: bytes = b""  # plaintext after the 220 to STARTTLS (hostile)
    delay_after_tls: float = 0.0  # hold the first reply after the TLS handshake
    # Hostile: after the greeting's first line, ``flood[0]`` once, then ``flood[1]``
    # repeated without end, until the judge's own bound (``_scripted.flooded``) closes.
    flood: tuple[bytes, bytes] = (b"", b"")
    # Hostile: sent in place of the 250 to MAIL (the transaction is open all the same).
    mail_reply: bytes = b""
    # Refuse (close_at, refuse_first_rcpt, drop_after_data) only the first attempt at a
    # transaction (ServerConfig.attempts): its retry is served, so a queue is seen to
    # retry (RFC 5321 §4.2.1, §4.5.4.1).
    first_attempt_only: bool = False
