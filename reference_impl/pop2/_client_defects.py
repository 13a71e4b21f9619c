"""What a POP2 client can do wrong, as the server core sees it (RFC 937).

POP2 answers every departure the same way, "- error" and the close (server decision
table, action 1); the core also reports a ``ClientDefect`` naming the rule, for the log
and for grading the client.  A wrong password is no departure.
"""

from __future__ import annotations

import enum

__all__ = ["ClientDefectKind"]


class ClientDefectKind(enum.Enum):
    """Departures of a POP2 client, with the rule each breaks."""

    BARE_LINE_END = 'bare CR or LF in a command (RFC 937 page 5: CRLF "must be used for commands")'
    LINE_TOO_LONG = "command line longer than 512 characters (RFC 937 page 12)"
    SYNTAX = "command line fits no command of the grammar (RFC 937 page 16)"
    BAD_SEQUENCE = "command not valid in the session's state (RFC 937 server decision table)"
