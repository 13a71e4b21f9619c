"""IMAP session states (RFC 9051 §3, figure in §3.5), where each step leads, and which
commands each state accepts (the command table in ``_server`` names these sets).

Besides the four states of the RFC, the core has states in which it reads no command:
while a SASL exchange, the TLS handshake, IDLE or the store's work for a command is going
on.  Those return to the state they came from (``None`` entries, "back to previous").
"""

from __future__ import annotations

import enum

__all__ = [
    "ANY",
    "AUTHENTICATED_ONLY",
    "AUTHENTICATED_OR_SELECTED",
    "CLIENT_TRANSITIONS",
    "NOT_AUTHENTICATED_ONLY",
    "SELECTED_ONLY",
    "TRANSITIONS",
    "ClientState",
    "ClientStep",
    "State",
    "Step",
]


class State(enum.Enum):
    NOT_AUTHENTICATED = enum.auto()
    """RFC 9051 §3.1: before LOGIN or AUTHENTICATE."""
    AUTHENTICATED = enum.auto()
    """RFC 9051 §3.2: a mailbox must be selected before message commands."""
    SELECTED = enum.auto()
    """RFC 9051 §3.3: a mailbox is selected."""
    LOGOUT = enum.auto()
    """RFC 9051 §3.4: BYE sent; the connection closes."""
    SASL = enum.auto()
    """AUTHENTICATE: a ``+`` challenge was sent, a response line comes (RFC 9051 §6.2.2)."""
    TLS_HANDSHAKE = enum.auto()
    """STARTTLS answered OK: the handshake comes next (RFC 9051 §6.2.1)."""
    IDLE = enum.auto()
    """IDLE: updates are pushed until the client sends DONE (RFC 2177 §3)."""
    WAITING = enum.auto()
    """The shell runs a command's work on the store; input waits (pipelined)."""


COMMAND_STATES = frozenset({State.NOT_AUTHENTICATED, State.AUTHENTICATED, State.SELECTED})
ANY = COMMAND_STATES
NOT_AUTHENTICATED_ONLY = frozenset({State.NOT_AUTHENTICATED})
AUTHENTICATED_OR_SELECTED = frozenset({State.AUTHENTICATED, State.SELECTED})
AUTHENTICATED_ONLY = frozenset({State.AUTHENTICATED})
SELECTED_ONLY = frozenset({State.SELECTED})


class Step(enum.Enum):
    LOGGED_IN = enum.auto()
    """LOGIN or AUTHENTICATE succeeded (RFC 9051 §3.2)."""
    SASL_CONTINUED = enum.auto()
    SASL_ENDED = enum.auto()
    """AUTHENTICATE refused or cancelled: NOT AUTHENTICATED again."""
    SELECTED = enum.auto()
    """SELECT or EXAMINE succeeded (RFC 9051 §6.3.2)."""
    DESELECTED = enum.auto()
    """CLOSE, UNSELECT, or a failed SELECT/EXAMINE (RFC 9051 §6.3.2: "no mailbox is
    selected" after a failed one)."""
    TLS_ACCEPTED = enum.auto()
    TLS_STARTED = enum.auto()
    IDLE_STARTED = enum.auto()
    IDLE_DONE = enum.auto()
    WORK_STARTED = enum.auto()
    WORK_DONE = enum.auto()
    LOGGED_OUT = enum.auto()
    """LOGOUT, autologout, or a BYE (RFC 9051 §3.4)."""


TRANSITIONS: dict[tuple[State, Step], State | None] = {
    (State.NOT_AUTHENTICATED, Step.LOGGED_IN): State.AUTHENTICATED,
    (State.SASL, Step.LOGGED_IN): State.AUTHENTICATED,
    (State.NOT_AUTHENTICATED, Step.SASL_CONTINUED): State.SASL,
    (State.SASL, Step.SASL_CONTINUED): State.SASL,
    (State.SASL, Step.SASL_ENDED): State.NOT_AUTHENTICATED,
    (State.NOT_AUTHENTICATED, Step.SASL_ENDED): State.NOT_AUTHENTICATED,
    (State.AUTHENTICATED, Step.SELECTED): State.SELECTED,
    (State.SELECTED, Step.SELECTED): State.SELECTED,
    (State.AUTHENTICATED, Step.DESELECTED): State.AUTHENTICATED,
    (State.SELECTED, Step.DESELECTED): State.AUTHENTICATED,
    (State.NOT_AUTHENTICATED, Step.TLS_ACCEPTED): State.TLS_HANDSHAKE,
    (State.TLS_HANDSHAKE, Step.TLS_STARTED): State.NOT_AUTHENTICATED,
    (State.AUTHENTICATED, Step.IDLE_STARTED): State.IDLE,
    (State.SELECTED, Step.IDLE_STARTED): State.IDLE,
    (State.IDLE, Step.IDLE_DONE): None,
    **{(state, Step.WORK_STARTED): State.WAITING for state in COMMAND_STATES | {State.IDLE}},
    (State.WAITING, Step.WORK_DONE): None,
    **{(state, Step.LOGGED_OUT): State.LOGOUT for state in State},
}


class ClientState(enum.Enum):
    GREETING = enum.auto()
    """Connected; the greeting is awaited (RFC 9051 §7.1.1, §7.1.4, §7.1.5)."""
    READY = enum.auto()
    """Commands may be sent."""
    TLS = enum.auto()
    """OK to STARTTLS received: the handshake must come next (RFC 9051 §6.2.1)."""
    CLOSED = enum.auto()
    """BYE received, or the greeting was BYE."""


class ClientStep(enum.Enum):
    GREETED = enum.auto()
    TLS_ACCEPTED = enum.auto()
    TLS_STARTED = enum.auto()
    BYE = enum.auto()


CLIENT_TRANSITIONS: dict[tuple[ClientState, ClientStep], ClientState | None] = {
    (ClientState.GREETING, ClientStep.GREETED): ClientState.READY,
    (ClientState.READY, ClientStep.TLS_ACCEPTED): ClientState.TLS,
    (ClientState.TLS, ClientStep.TLS_STARTED): ClientState.READY,
    **{(state, ClientStep.BYE): ClientState.CLOSED for state in ClientState},
}
