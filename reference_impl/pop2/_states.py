"""POP2 states and transitions, transcribed from RFC 937 ("Server State Diagram",
"Server Decision Table", "Client State Diagram", "Client Decision Table", pages 17-23).

Everything that decides whether a command is in sequence lives in this file.  A
command with no entry for the current state is action 1 of the server decision
table: "This is garbage.  Send "- error", and Close the connection."
"""

from __future__ import annotations

import enum

__all__ = [
    "CLIENT_TRANSITIONS",
    "INPUT_STATES",
    "SERVER_STEPS",
    "SERVER_TRANSITIONS",
    "ClientEnd",
    "ClientState",
    "ClientStep",
    "Command",
    "ServerStep",
    "State",
]


class Command(enum.Enum):
    """The eight commands (RFC 937 "Summary of Commands and Replies", page 6)."""

    HELO = "HELO"
    FOLD = "FOLD"
    READ = "READ"
    RETR = "RETR"
    ACKS = "ACKS"
    ACKD = "ACKD"
    NACK = "NACK"
    QUIT = "QUIT"


class State(enum.Enum):
    """Server states.  LSTN (before the connection) has no core: a core is made at
    "Open" and starts in AUTH with the greeting sent (decision table action 2)."""

    AUTH = enum.auto()
    """Greeting sent; HELO or QUIT expected (RFC 937 page 18)."""
    MBOX = enum.auto()
    """"#NNN" sent for the selected mailbox; FOLD, READ or QUIT expected."""
    ITEM = enum.auto()
    """"=CCC" sent for the current message; RETR, READ, FOLD or QUIT expected."""
    NEXT = enum.auto()
    """Message data sent; ACKS, ACKD or NACK expected."""
    DONE = enum.auto()
    """Final reply sent; the connection is being closed ("Close", action 9)."""
    OPENING = enum.auto()
    """HELO accepted or FOLD asked: the shell is counting the mailbox (not in the RFC:
    the core waits here for its shell; input stays buffered)."""
    LOADING = enum.auto()
    """RETR accepted: the shell is reading the message from the store."""
    RELEASING = enum.auto()
    """FOLD or QUIT with messages marked by ACKD: the shell is deleting them
    (ACKD, RFC 937 page 9: "The actual change is made when the mailbox is released")."""


# States in which a line is a command; in the others the core waits for its shell
# and input stays buffered.
INPUT_STATES = frozenset({State.AUTH, State.MBOX, State.ITEM, State.NEXT})

# Where a valid command leads; the command's reply is sent on the way (the diagram's
# "input / output" labels).  Actions 3-8 of the server decision table.
SERVER_TRANSITIONS: dict[tuple[State, Command], State] = {
    (State.AUTH, Command.HELO): State.MBOX,  # 3 (a): "#NNN"
    (State.AUTH, Command.QUIT): State.DONE,  # 4: "+ Bye"
    (State.MBOX, Command.FOLD): State.MBOX,  # 5: "#NNN"
    (State.MBOX, Command.READ): State.ITEM,  # 6: "=CCC"
    (State.MBOX, Command.QUIT): State.DONE,  # 4
    (State.ITEM, Command.FOLD): State.MBOX,  # 5
    (State.ITEM, Command.READ): State.ITEM,  # 6
    (State.ITEM, Command.RETR): State.NEXT,  # 7: the data
    (State.ITEM, Command.QUIT): State.DONE,  # 4
    (State.NEXT, Command.ACKS): State.ITEM,  # 8: "=CCC"
    (State.NEXT, Command.ACKD): State.ITEM,  # 8
    (State.NEXT, Command.NACK): State.ITEM,  # 8
}


class ServerStep(enum.Enum):
    """What the server core does on the way from a command to the state the RFC's table
    names for it: the replies it sends, and the waits for its shell."""

    MAILBOX_REQUESTED = enum.auto()
    """HELO or FOLD: the shell counts the mailbox."""
    COUNT_SENT = enum.auto()
    """"#NNN" sent (actions 3 (a), 5)."""
    LENGTH_SENT = enum.auto()
    """"=CCC" sent (actions 6, 8)."""
    MESSAGE_REQUESTED = enum.auto()
    """RETR: the shell reads the message."""
    MESSAGE_SENT = enum.auto()
    """The message data sent (action 7)."""
    RELEASE_REQUESTED = enum.auto()
    """FOLD or QUIT with marked messages: the shell deletes them (ACKD, page 9)."""
    CLOSED = enum.auto()
    """"Close" (actions 1, 4, 9), or the connection ended."""


_SELECTING = (State.AUTH, State.MBOX, State.ITEM, State.RELEASING)

# Where each step leads.  A command is accepted by SERVER_TRANSITIONS and ends in the
# state that table names for it; these steps are the way there.
SERVER_STEPS: dict[tuple[State, ServerStep], State | None] = {
    **{(state, ServerStep.MAILBOX_REQUESTED): State.OPENING for state in _SELECTING},
    **{(state, ServerStep.COUNT_SENT): State.MBOX for state in (*_SELECTING, State.OPENING)},
    (State.MBOX, ServerStep.LENGTH_SENT): State.ITEM,
    (State.ITEM, ServerStep.LENGTH_SENT): State.ITEM,
    (State.NEXT, ServerStep.LENGTH_SENT): State.ITEM,
    (State.ITEM, ServerStep.MESSAGE_REQUESTED): State.LOADING,
    (State.LOADING, ServerStep.MESSAGE_SENT): State.NEXT,
    (State.MBOX, ServerStep.RELEASE_REQUESTED): State.RELEASING,
    (State.ITEM, ServerStep.RELEASE_REQUESTED): State.RELEASING,
    **{(state, ServerStep.CLOSED): State.DONE for state in State},
}


class ClientState(enum.Enum):
    """Client states: each names the reply the client waits for (RFC 937 page 17)."""

    CALL = enum.auto()
    """Connected; the greeting "+ POP2 host" is awaited."""
    NMBR = enum.auto()
    """HELO or FOLD sent; "#NNN" is awaited."""
    SIZE = enum.auto()
    """READ, ACKS, ACKD or NACK sent; "=CCC" is awaited."""
    XFER = enum.auto()
    """RETR sent; exactly CCC octets of message data are awaited."""
    EXIT = enum.auto()
    """QUIT sent; "+" is awaited, then the close (client decision table action 6)."""
    RAW = enum.auto()
    """Octets the core did not frame were sent (a harness probing a server): the replies
    (and message data) they earn are taken as they come, and the client's model cannot
    resume, so only QUIT may be framed after them (as after garbage, action 1)."""
    CLOSED = enum.auto()
    """The server answered QUIT, refused HELO, or the connection ended."""


class ClientStep(enum.Enum):
    RAW_SENT = enum.auto()
    """Octets sent as given, past the core's framing."""


class ClientEnd(enum.Enum):
    CLOSED = enum.auto()
    """The server answered QUIT, said "-" (it closes after it, action 1), or the
    connection ended."""


# Which command the client may send once the reply its state waits for has arrived,
# and the state that command leads to (client decision table actions 2-5).  QUIT is
# allowed everywhere: action 1 answers anything unexpected with it.
CLIENT_TRANSITIONS: dict[
    tuple[ClientState, Command | ClientEnd | ClientStep], ClientState | None
] = {
    (ClientState.CALL, Command.HELO): ClientState.NMBR,  # 2 (a)
    (ClientState.NMBR, Command.READ): ClientState.SIZE,  # 3 (a)
    (ClientState.NMBR, Command.FOLD): ClientState.NMBR,  # 3 (c)
    (ClientState.SIZE, Command.RETR): ClientState.XFER,  # 4 (a)
    (ClientState.SIZE, Command.READ): ClientState.SIZE,  # 4 (c)
    (ClientState.SIZE, Command.FOLD): ClientState.NMBR,  # the diagram's SIZE -> NMBR edge
    (ClientState.XFER, Command.ACKS): ClientState.SIZE,  # 5 (a)
    (ClientState.XFER, Command.ACKD): ClientState.SIZE,  # 5 (b)
    (ClientState.XFER, Command.NACK): ClientState.SIZE,  # 5 (c)
    **{
        (state, Command.QUIT): ClientState.EXIT
        for state in ClientState
        if state not in (ClientState.EXIT, ClientState.CLOSED)
    },
    **{(state, ClientEnd.CLOSED): ClientState.CLOSED for state in ClientState},
    # Even after the model ended (garbage, "-", QUIT answered) raw octets probe what the
    # server still does.
    **{(state, ClientStep.RAW_SENT): ClientState.RAW for state in ClientState},
}
