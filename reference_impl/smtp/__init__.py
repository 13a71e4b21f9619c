"""SMTP (RFC 5321 and its extensions): a sans-IO core for both roles, and
asyncio shells (``reference_impl.smtp.server``)."""

from reference_impl._transparency import DataAccumulator, dot_stuff, dot_unstuff
from reference_impl.smtp._codes import ServerReply, render
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._events import ConnectionClosed, Envelope, MessageReceived, StartTLS
from reference_impl.smtp._replies import (
    MAX_REPLY_LINE,
    Reply,
    ReplyDefectKind,
    ReplyReader,
)
from reference_impl.smtp._server import ServerConnection
from reference_impl.smtp._states import State
from reference_impl.smtp._trace_syntax import stamp_faults

__all__ = [
    "MAX_REPLY_LINE",
    "ConnectionClosed",
    "DataAccumulator",
    "Envelope",
    "MessageReceived",
    "Reply",
    "ReplyDefectKind",
    "ReplyReader",
    "ServerConfig",
    "ServerConnection",
    "ServerReply",
    "StartTLS",
    "State",
    "dot_stuff",
    "dot_unstuff",
    "render",
    "stamp_faults",
]
