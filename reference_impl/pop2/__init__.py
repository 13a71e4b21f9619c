"""POP2 (RFC 937, historic): a sans-IO core for both roles and asyncio shells
(``reference_impl.pop2.server``, ``reference_impl.pop2.client``)."""

from reference_impl.pop2._client import (
    ClientConnection,
    ClientEvent,
    LocalProtocolError,
    MessageReceived,
    ReplyReceived,
    UnexpectedReply,
)
from reference_impl.pop2._config import ServerConfig
from reference_impl.pop2._events import (
    ConnectionClosed,
    ListedMessage,
    MailboxReleased,
    MailboxRequested,
    MessageRequested,
)
from reference_impl.pop2._replies import MAX_REPLY_LINE, Reply, ReplyKind, parse_reply, render
from reference_impl.pop2._server import INBOX, Event, ServerConnection
from reference_impl.pop2._states import (
    CLIENT_TRANSITIONS,
    SERVER_TRANSITIONS,
    ClientState,
    Command,
    State,
)
from reference_impl.pop2._syntax import parse_command_line, quote, split_words, unquote

__all__ = [
    "CLIENT_TRANSITIONS",
    "INBOX",
    "MAX_REPLY_LINE",
    "SERVER_TRANSITIONS",
    "ClientConnection",
    "ClientEvent",
    "ClientState",
    "Command",
    "ConnectionClosed",
    "Event",
    "ListedMessage",
    "LocalProtocolError",
    "MailboxReleased",
    "MailboxRequested",
    "MessageReceived",
    "MessageRequested",
    "Reply",
    "ReplyKind",
    "ReplyReceived",
    "ServerConfig",
    "ServerConnection",
    "State",
    "UnexpectedReply",
    "parse_command_line",
    "parse_reply",
    "quote",
    "render",
    "split_words",
    "unquote",
]
