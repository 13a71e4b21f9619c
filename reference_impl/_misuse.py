"""What a server does about a client that guesses passwords or sends junk.

RFC 5321 §7.8 lets a server defend itself against a client that misuses it, and both
trusted servers do (Postfix: ``smtpd_error_sleep_time``, ``smtpd_hard_error_limit``;
Dovecot: ``auth_failure_delay``, three bad commands before login).  The counting is
the same for every protocol, so it lives here; each core says which of its replies is
a failed login or an error, and how it closes.

A delay is only a number of seconds: the core stops reading further commands until
its shell has waited that long (see ``ByteCore.delay``), so the sans-IO core never
sleeps and the shell's event loop never blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MisuseCounter", "MisusePolicy"]


@dataclass(frozen=True, kw_only=True)
class MisusePolicy:
    """Limits of one listener.  The defaults are modest: a client that fails a login
    now and then (as a conformance suite does on purpose) loses a fraction of a second,
    one that guesses loses seconds per guess and its connection after a few."""

    login_delay: float = 0.25
    """Seconds before the reply to the first failed login of a session; each further
    failure doubles it, up to ``max_login_delay``.  0 turns delays off."""
    max_login_delay: float = 4.0
    max_login_failures: int = 10
    """The failed login that reaches this count closes the session."""
    max_errors: int = 20
    """The unknown or out-of-sequence command that reaches this count closes the
    session (Postfix's hard error limit; Dovecot closes after 20 post-login)."""


@dataclass
class MisuseCounter:
    """One session's failures against its policy."""

    policy: MisusePolicy
    login_failures: int = 0
    errors: int = 0

    def login_failed(self) -> float | None:
        """Count a failed login: the seconds to wait before answering it, or None
        when the session must be closed instead."""
        self.login_failures += 1
        if self.login_failures >= self.policy.max_login_failures:
            return None
        delay = self.policy.login_delay * 2.0 ** (self.login_failures - 1)
        return min(delay, self.policy.max_login_delay)

    def error(self) -> bool:
        """Count an unknown or out-of-sequence command; True when the session must close."""
        self.errors += 1
        return self.errors >= self.policy.max_errors
