"""The server's states and where each step of a session leads (RFC 5321 §4.1.4).

The core changes state only by looking up ``TRANSITIONS``; a step with no entry for the
current state is a fault of the core (``LocalProtocolError``), never a silent change.
Which command is in sequence in which state is the core's command table, beside the
handler that runs each command.
"""

from __future__ import annotations

import enum

__all__ = [
    "ALWAYS_ALLOWED_BEFORE_TLS",
    "ANY_INPUT",
    "CLIENT_TRANSITIONS",
    "INPUT_STATES",
    "PREVIOUS",
    "TRANSITIONS",
    "ClientState",
    "ClientStep",
    "State",
    "Step",
]


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

ANY_INPUT = INPUT_STATES


class Step(enum.Enum):
    """What happened in a session that moves it to another state."""

    HELLO = enum.auto()
    """EHLO or HELO accepted: a new session, "as if a RSET" (§4.1.4)."""
    RESET = enum.auto()
    """RSET accepted (§4.1.1.5)."""
    MAIL_ACCEPTED = enum.auto()
    RECIPIENT_ACCEPTED = enum.auto()
    DATA_ACCEPTED = enum.auto()
    """354 sent (§4.1.1.4)."""
    CHUNK_ANNOUNCED = enum.auto()
    """A BDAT command was read; its octets follow (RFC 3030 §2)."""
    CHUNK_ACCEPTED = enum.auto()
    CHUNK_REFUSED = enum.auto()
    MESSAGE_COMPLETE = enum.auto()
    """End of data or the LAST chunk: the shell stores the message."""
    TRANSACTION_ENDED = enum.auto()
    """The message was stored, failed or refused; its reply was sent."""
    SASL_CONTINUED = enum.auto()
    """334 sent (RFC 4954 §4)."""
    SASL_ENDED = enum.auto()
    TLS_ACCEPTED = enum.auto()
    """220 to STARTTLS sent (RFC 3207 §4)."""
    TLS_STARTED = enum.auto()
    """Handshake done: back to the start (RFC 3207 §4.2)."""
    CLOSED = enum.auto()
    """221 or 421 sent, or the connection ended."""


# The state before a BDAT chunk: where a refused chunk leaves the session.
PREVIOUS = None

_TRANSACTION = frozenset({State.READY, State.MAIL, State.RCPT, State.CHUNKING})

TRANSITIONS: dict[tuple[State, Step], State | None] = {
    **{(state, Step.HELLO): State.READY for state in ANY_INPUT},
    (State.CONNECTED, Step.RESET): State.CONNECTED,
    **{(state, Step.RESET): State.READY for state in _TRANSACTION},
    (State.READY, Step.MAIL_ACCEPTED): State.MAIL,
    (State.MAIL, Step.RECIPIENT_ACCEPTED): State.RCPT,
    (State.RCPT, Step.RECIPIENT_ACCEPTED): State.RCPT,
    (State.MAIL, Step.DATA_ACCEPTED): State.DATA,
    (State.RCPT, Step.DATA_ACCEPTED): State.DATA,
    **{(state, Step.CHUNK_ANNOUNCED): State.BDAT for state in ANY_INPUT},
    (State.BDAT, Step.CHUNK_ACCEPTED): State.CHUNKING,
    (State.BDAT, Step.CHUNK_REFUSED): PREVIOUS,
    (State.BDAT, Step.MESSAGE_COMPLETE): State.STORING,
    (State.DATA, Step.MESSAGE_COMPLETE): State.STORING,
    (State.DATA, Step.TRANSACTION_ENDED): State.READY,
    (State.BDAT, Step.TRANSACTION_ENDED): State.READY,
    (State.STORING, Step.TRANSACTION_ENDED): State.READY,
    (State.READY, Step.SASL_CONTINUED): State.AUTH,
    (State.AUTH, Step.SASL_CONTINUED): State.AUTH,
    (State.READY, Step.SASL_ENDED): State.READY,
    (State.AUTH, Step.SASL_ENDED): State.READY,
    **{(state, Step.TLS_ACCEPTED): State.TLS_HANDSHAKE for state in ANY_INPUT},
    (State.TLS_HANDSHAKE, Step.TLS_STARTED): State.CONNECTED,
    **{(state, Step.CLOSED): State.CLOSED for state in State},
}

# RFC 3207 §4: with TLS required, 530 answers "every command other than NOOP,
# EHLO, STARTTLS, or QUIT".
ALWAYS_ALLOWED_BEFORE_TLS = frozenset({"NOOP", "EHLO", "STARTTLS", "QUIT"})


class ClientState(enum.Enum):
    GREETING = enum.auto()
    """Connected; the 220 greeting is awaited (§3.1)."""
    COMMANDS = enum.auto()
    """Commands may be sent."""
    AWAITING_354 = enum.auto()
    """DATA sent; content may go only after its 354 (§4.1.1.4)."""
    CONTENT = enum.auto()
    """354 received: the message content is owed."""
    TLS = enum.auto()
    """220 to STARTTLS received: the handshake must come next (RFC 3207 §4)."""
    RAW = enum.auto()
    """Octets the core did not frame were sent (a deliberate departure, say a malformed
    command or a bare LF): replies are still paired in order, those to the raw octets
    move nothing, and the next framed command resumes the model."""
    CLOSED = enum.auto()
    """221 or 421 received."""


class ClientStep(enum.Enum):
    """What moves the client: a command it sent, or a reply it received."""

    GREETED = enum.auto()
    """220 greeting."""
    DATA_SENT = enum.auto()
    GO_AHEAD = enum.auto()
    """354 to DATA."""
    DATA_REFUSED = enum.auto()
    CONTENT_SENT = enum.auto()
    TLS_ACCEPTED = enum.auto()
    """220 to STARTTLS."""
    TLS_STARTED = enum.auto()
    CLOSING = enum.auto()
    """221 or 421 (§3.8), or a greeting other than 220 (§3.1)."""
    RAW_SENT = enum.auto()
    """Octets sent as given, past the core's framing."""
    FRAMED = enum.auto()
    """A command the core framed, after raw octets."""


# Raw octets may go out whenever the connection is not mid-handshake; after 221 or 421
# they probe a closed session, which stays closed.
_RAW_FROM = (
    ClientState.GREETING,
    ClientState.COMMANDS,
    ClientState.AWAITING_354,
    ClientState.CONTENT,
    ClientState.RAW,
)


CLIENT_TRANSITIONS: dict[tuple[ClientState, ClientStep], ClientState | None] = {
    (ClientState.GREETING, ClientStep.GREETED): ClientState.COMMANDS,
    (ClientState.AWAITING_354, ClientStep.GREETED): ClientState.AWAITING_354,
    # DATA may end a pipelined group (RFC 2920 §3.1): replies to the commands before
    # it arrive in AWAITING_354 and move nothing.
    (ClientState.COMMANDS, ClientStep.DATA_SENT): ClientState.AWAITING_354,
    (ClientState.GREETING, ClientStep.DATA_SENT): ClientState.AWAITING_354,
    (ClientState.AWAITING_354, ClientStep.GO_AHEAD): ClientState.CONTENT,
    (ClientState.AWAITING_354, ClientStep.DATA_REFUSED): ClientState.COMMANDS,
    (ClientState.CONTENT, ClientStep.CONTENT_SENT): ClientState.COMMANDS,
    (ClientState.COMMANDS, ClientStep.TLS_ACCEPTED): ClientState.TLS,
    (ClientState.TLS, ClientStep.TLS_STARTED): ClientState.COMMANDS,
    **{
        (state, ClientStep.CLOSING): ClientState.CLOSED
        for state in ClientState
        if state is not ClientState.TLS
    },
    **{(state, ClientStep.RAW_SENT): ClientState.RAW for state in _RAW_FROM},
    (ClientState.CLOSED, ClientStep.RAW_SENT): ClientState.CLOSED,
    (ClientState.RAW, ClientStep.FRAMED): ClientState.COMMANDS,
    # Replies to framed commands sent before the raw octets still arrive: a greeting, a
    # 354 (the raw octets are then the content, or what the test put in its place), and
    # a 220 to STARTTLS, after which the handshake comes next whatever followed it.
    (ClientState.RAW, ClientStep.GREETED): ClientState.RAW,
    (ClientState.RAW, ClientStep.GO_AHEAD): ClientState.RAW,
    (ClientState.RAW, ClientStep.DATA_REFUSED): ClientState.RAW,
    (ClientState.RAW, ClientStep.TLS_ACCEPTED): ClientState.TLS,
}
