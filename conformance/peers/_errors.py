"""The one error the peers raise: a message a user can act on, with the logs' tail inside."""

from __future__ import annotations

__all__ = ["PeerError"]


class PeerError(RuntimeError):
    """Postfix or Dovecot could not be set up, started or stopped."""
