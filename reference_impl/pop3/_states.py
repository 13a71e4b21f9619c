"""The POP3 session states and which command is valid in which (RFC 1939 §3).

Everything that decides whether a command is in sequence lives in this file:
a command in a state not listed for it gets -ERR and changes nothing.
"""

from __future__ import annotations

import enum

__all__ = ["COMMAND_STATES", "INPUT_STATES", "LINE_STATES", "MULTILINE_COMMANDS", "State"]


class State(enum.Enum):
    AUTHORIZATION = enum.auto()
    """Greeting sent; the client must identify itself (RFC 1939 §4)."""
    SASL = enum.auto()
    """``+`` challenge sent; a base64 response line or ``*`` comes next (RFC 5034 §4)."""
    OPENING = enum.auto()
    """Credentials accepted; the shell is locking and listing the maildrop (RFC 1939 §4)."""
    TRANSACTION = enum.auto()
    """Maildrop locked and listed; message commands are valid (RFC 1939 §5)."""
    LOADING = enum.auto()
    """RETR or TOP accepted; the shell is reading the message from the store."""
    TLS_HANDSHAKE = enum.auto()
    """``+OK`` to STLS sent; octets before the handshake are discarded (RFC 2595 §4)."""
    UPDATE = enum.auto()
    """QUIT in TRANSACTION: the shell is removing the deleted messages (RFC 1939 §6)."""
    CLOSED = enum.auto()
    """Final response sent (or autologout); nothing more is read."""


# States in which a line is a command (the others wait for the shell or the peer).
INPUT_STATES = frozenset({State.AUTHORIZATION, State.TRANSACTION})
# States in which a line is read at all: commands, or a SASL response.
LINE_STATES = INPUT_STATES | {State.SASL}

_AUTHORIZATION = frozenset({State.AUTHORIZATION})
_TRANSACTION = frozenset({State.TRANSACTION})
_BOTH = INPUT_STATES

COMMAND_STATES: dict[str, frozenset[State]] = {
    # RFC 1939 §7 (optional) and §4: authentication, then the maildrop.
    "USER": _AUTHORIZATION,
    "PASS": _AUTHORIZATION,
    "APOP": _AUTHORIZATION,
    "AUTH": _AUTHORIZATION,  # RFC 5034 §4: "may only be given during the AUTHORIZATION state"
    "STLS": _AUTHORIZATION,  # RFC 2595 §4: "Valid states: AUTHORIZATION"
    "CAPA": _BOTH,  # RFC 2449 §5: valid in both states
    "QUIT": _BOTH,
    # RFC 1939 §5 and §7: TRANSACTION only.
    "STAT": _TRANSACTION,
    "LIST": _TRANSACTION,
    "RETR": _TRANSACTION,
    "DELE": _TRANSACTION,
    "NOOP": _TRANSACTION,
    "RSET": _TRANSACTION,
    "TOP": _TRANSACTION,
    "UIDL": _TRANSACTION,
}

# Commands whose +OK response is multi-line; a name maps to True when that is
# so only without an argument (LIST/UIDL with a message number answer in one
# line, RFC 1939 §5 and §7).  A bare AUTH lists the mechanisms (the RFC 1734
# convention many servers and clients keep; RFC 5034 does not define it).
MULTILINE_COMMANDS: dict[str, bool] = {
    "CAPA": False,
    "RETR": False,
    "TOP": False,
    "LIST": True,
    "UIDL": True,
    "AUTH": True,
}
