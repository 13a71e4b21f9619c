"""The POP3 session states, which command is valid in which (RFC 1939 §3), and where each
step of a session leads.

The core changes state only by looking up ``TRANSITIONS`` (a step with no entry is
``LocalProtocolError``); which command is valid in which state is the core's command
table, beside the handler that runs it.
"""

from __future__ import annotations

import enum

__all__ = [
    "AUTHORIZATION_ONLY",
    "CLIENT_TRANSITIONS",
    "INPUT_STATES",
    "LINE_STATES",
    "MULTILINE_COMMANDS",
    "TRANSACTION_ONLY",
    "TRANSITIONS",
    "ClientState",
    "ClientStep",
    "State",
    "Step",
]


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

AUTHORIZATION_ONLY = frozenset({State.AUTHORIZATION})
TRANSACTION_ONLY = frozenset({State.TRANSACTION})

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


class Step(enum.Enum):
    """What happened in a session that moves it to another state."""

    SASL_CONTINUED = enum.auto()
    """``+`` challenge sent (RFC 5034 §4)."""
    SASL_ENDED = enum.auto()
    """AUTH refused or cancelled: "as if the client had not issued the AUTH command"."""
    CREDENTIALS_ACCEPTED = enum.auto()
    """PASS, APOP or AUTH succeeded: the maildrop is requested (RFC 1939 §4)."""
    MAILDROP_OPENED = enum.auto()
    MAILDROP_REFUSED = enum.auto()
    """Locked by another session (IN-USE) or unreadable: back to AUTHORIZATION."""
    MESSAGE_REQUESTED = enum.auto()
    """RETR or TOP accepted; the shell reads the message."""
    MESSAGE_SENT = enum.auto()
    """The message (or the failure to read it) was answered."""
    TLS_ACCEPTED = enum.auto()
    """+OK to STLS sent (RFC 2595 §4)."""
    TLS_STARTED = enum.auto()
    """Handshake done: AUTHORIZATION again, everything before it forgotten."""
    QUIT_IN_TRANSACTION = enum.auto()
    """QUIT in TRANSACTION: the UPDATE state removes the deleted messages (RFC 1939 §6)."""
    CLOSED = enum.auto()
    """Final response sent, autologout, or the connection ended."""


TRANSITIONS: dict[tuple[State, Step], State | None] = {
    (State.AUTHORIZATION, Step.SASL_CONTINUED): State.SASL,
    (State.SASL, Step.SASL_CONTINUED): State.SASL,
    (State.AUTHORIZATION, Step.SASL_ENDED): State.AUTHORIZATION,
    (State.SASL, Step.SASL_ENDED): State.AUTHORIZATION,
    (State.AUTHORIZATION, Step.CREDENTIALS_ACCEPTED): State.OPENING,
    (State.SASL, Step.CREDENTIALS_ACCEPTED): State.OPENING,
    (State.OPENING, Step.MAILDROP_OPENED): State.TRANSACTION,
    (State.OPENING, Step.MAILDROP_REFUSED): State.AUTHORIZATION,
    (State.TRANSACTION, Step.MESSAGE_REQUESTED): State.LOADING,
    (State.LOADING, Step.MESSAGE_SENT): State.TRANSACTION,
    (State.AUTHORIZATION, Step.TLS_ACCEPTED): State.TLS_HANDSHAKE,
    (State.TLS_HANDSHAKE, Step.TLS_STARTED): State.AUTHORIZATION,
    (State.TRANSACTION, Step.QUIT_IN_TRANSACTION): State.UPDATE,
    **{(state, Step.CLOSED): State.CLOSED for state in State},
}


class ClientState(enum.Enum):
    GREETING = enum.auto()
    """Connected; the +OK greeting is awaited (RFC 1939 §4)."""
    COMMANDS = enum.auto()
    """Commands may be sent."""
    SASL = enum.auto()
    """A ``+`` continuation arrived: a SASL response line is owed (RFC 5034 §4)."""
    TLS = enum.auto()
    """+OK to STLS received: the handshake must come next (RFC 2595 §4)."""
    RAW = enum.auto()
    """Octets the core did not frame were sent (a deliberate departure): responses are
    still paired in order, those to the raw octets move nothing, and the next framed
    command resumes the model."""
    CLOSED = enum.auto()
    """QUIT answered, or the greeting was negative."""


class ClientStep(enum.Enum):
    GREETED = enum.auto()
    """+OK greeting."""
    CONTINUATION = enum.auto()
    """A ``+`` SASL challenge (RFC 5034 §4)."""
    SASL_ANSWERED = enum.auto()
    TLS_ACCEPTED = enum.auto()
    """+OK to STLS."""
    TLS_STARTED = enum.auto()
    CLOSING = enum.auto()
    """QUIT answered, or a -ERR greeting."""
    RAW_SENT = enum.auto()
    """Octets sent as given, past the core's framing."""
    FRAMED = enum.auto()
    """A command the core framed, after raw octets."""


CLIENT_TRANSITIONS: dict[tuple[ClientState, ClientStep], ClientState | None] = {
    (ClientState.GREETING, ClientStep.GREETED): ClientState.COMMANDS,
    (ClientState.COMMANDS, ClientStep.CONTINUATION): ClientState.SASL,
    (ClientState.SASL, ClientStep.SASL_ANSWERED): ClientState.COMMANDS,
    (ClientState.COMMANDS, ClientStep.TLS_ACCEPTED): ClientState.TLS,
    (ClientState.TLS, ClientStep.TLS_STARTED): ClientState.COMMANDS,
    # Raw octets may go out whenever no handshake is due; after QUIT they probe a
    # closed session, which stays closed.
    **{
        (state, ClientStep.RAW_SENT): ClientState.RAW
        for state in (ClientState.GREETING, ClientState.COMMANDS, ClientState.SASL)
    },
    (ClientState.RAW, ClientStep.RAW_SENT): ClientState.RAW,
    (ClientState.CLOSED, ClientStep.RAW_SENT): ClientState.CLOSED,
    (ClientState.RAW, ClientStep.FRAMED): ClientState.COMMANDS,
    # A framed STLS before the raw octets still leads to the handshake.
    (ClientState.RAW, ClientStep.TLS_ACCEPTED): ClientState.TLS,
    **{
        (state, ClientStep.CLOSING): ClientState.CLOSED
        for state in ClientState
        if state is not ClientState.TLS
    },
}
