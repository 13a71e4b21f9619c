"""The server's states and which command is accepted in which (RFC 5321 §4.1.4).

Everything that decides whether a command is in sequence lives in this
file: a command in a state not listed for it gets 503 and changes nothing.
"""

from __future__ import annotations

import enum

__all__ = ["ALWAYS_ALLOWED_BEFORE_TLS", "COMMAND_STATES", "INPUT_STATES", "State"]


class State(enum.Enum):
    CONNECTED = enum.auto()
    """Greeting sent, no EHLO/HELO yet (§4.1.4: mail needs EHLO first)."""
    READY = enum.auto()
    """EHLO/HELO accepted, no mail transaction open."""
    MAIL = enum.auto()
    """MAIL accepted, no recipient accepted yet (§3.3)."""
    RCPT = enum.auto()
    """At least one RCPT accepted: DATA or BDAT may follow (§3.3)."""
    CHUNKING = enum.auto()
    """Between BDAT chunks; only BDAT, RSET, NOOP, QUIT make sense (RFC 3030 §2)."""
    DATA = enum.auto()
    """354 sent, reading mail data up to <CRLF>.<CRLF> (§4.1.1.4)."""
    BDAT = enum.auto()
    """Reading the octets of a BDAT chunk (RFC 3030 §2)."""
    AUTH = enum.auto()
    """334 sent, waiting for a SASL response line (RFC 4954 §4)."""
    STORING = enum.auto()
    """Message complete; waiting for the shell to make it durable."""
    TLS_HANDSHAKE = enum.auto()
    """220 to STARTTLS sent; input before the handshake is discarded (RFC 3207 §6)."""
    CLOSED = enum.auto()
    """221 or 421 sent; nothing more is read."""


# States in which a line is a command (the others consume raw octets).
INPUT_STATES = frozenset({State.CONNECTED, State.READY, State.MAIL, State.RCPT, State.CHUNKING})

_ANY = INPUT_STATES
_SESSION = frozenset({State.READY, State.MAIL, State.RCPT})

COMMAND_STATES: dict[str, frozenset[State]] = {
    "EHLO": _ANY,
    "HELO": _ANY,
    "MAIL": frozenset({State.READY}),
    "RCPT": frozenset({State.MAIL, State.RCPT}),
    "DATA": frozenset({State.MAIL, State.RCPT}),
    # BDAT consumes its chunk in every state; the state check happens after
    # (RFC 3030 §2), so it is handled outside this table.
    "RSET": _ANY,
    "NOOP": _ANY,
    "QUIT": _ANY,
    "HELP": _ANY,
    "VRFY": _ANY,
    "EXPN": _ANY,
    "STARTTLS": _ANY - {State.CHUNKING},
    "AUTH": frozenset({State.READY}),
}

# RFC 3207 §4: with TLS required, 530 answers "every command other than NOOP,
# EHLO, STARTTLS, or QUIT".
ALWAYS_ALLOWED_BEFORE_TLS = frozenset({"NOOP", "EHLO", "STARTTLS", "QUIT"})
