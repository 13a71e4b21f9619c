"""IMAP (IMAP4rev1, RFC 3501; IMAP4rev2, RFC 9051; with LITERAL+/-, SASL-IR, IDLE,
NAMESPACE, ID, ENABLE, UIDPLUS, MOVE, UNSELECT): a sans-IO server core and client core,
and asyncio shells (``reference_impl.imap.server``)."""

from reference_impl.imap._config import ServerConfig
from reference_impl.imap._events import ConnectionClosed, Event, StartTLS, StoreWork, WatchMailbox
from reference_impl.imap._framing import FramingLimits
from reference_impl.imap._grammar import Framed, ImapDefectKind, ImapSyntaxError, Tokens
from reference_impl.imap._server import ServerConnection
from reference_impl.imap._states import State
from reference_impl.imap._values import ImapValue, serialize

__all__ = [
    "ConnectionClosed",
    "Event",
    "Framed",
    "FramingLimits",
    "ImapDefectKind",
    "ImapSyntaxError",
    "ImapValue",
    "ServerConfig",
    "ServerConnection",
    "StartTLS",
    "State",
    "StoreWork",
    "Tokens",
    "WatchMailbox",
    "serialize",
]
