"""POP3 (RFC 1939 with CAPA and response codes, RFC 2449; STLS, RFC 2595 §4;
SASL AUTH, RFC 5034): a sans-IO core for both roles and asyncio shells
(``reference_impl.pop3.server``, ``reference_impl.pop3.client``)."""

from reference_impl.pop3._client import (
    ClientConnection,
    ClientState,
    LocalProtocolError,
    ResponseReceived,
)
from reference_impl.pop3._codes import Response, render
from reference_impl.pop3._config import ServerConfig
from reference_impl.pop3._events import (
    ConnectionClosed,
    ListedMessage,
    Maildrop,
    MaildropRequested,
    MessageRequested,
    StartTLS,
    UpdateRequested,
)
from reference_impl.pop3._multiline import dot_stuff, dot_unstuff, multiline, top_of_message
from reference_impl.pop3._responses import (
    MAX_RESPONSE_LINE,
    Pop3DefectKind,
    Pop3Response,
    Pop3ResponseReader,
    parse_response,
    parse_status_line,
)
from reference_impl.pop3._server import Event, ServerConnection
from reference_impl.pop3._states import State
from reference_impl.pop3._syntax import unique_id

__all__ = [
    "MAX_RESPONSE_LINE",
    "ClientConnection",
    "ClientState",
    "ConnectionClosed",
    "Event",
    "ListedMessage",
    "LocalProtocolError",
    "Maildrop",
    "MaildropRequested",
    "MessageRequested",
    "Pop3DefectKind",
    "Pop3Response",
    "Pop3ResponseReader",
    "Response",
    "ResponseReceived",
    "ServerConfig",
    "ServerConnection",
    "StartTLS",
    "State",
    "UpdateRequested",
    "dot_stuff",
    "dot_unstuff",
    "multiline",
    "parse_response",
    "parse_status_line",
    "render",
    "top_of_message",
    "unique_id",
]
