"""IMAP (IMAP4rev1, RFC 3501; IMAP4rev2, RFC 9051, selected by ENABLE): a sans-IO server
core (``ServerConnection``), a sans-IO client core (``ClientConnection``) and the asyncio
server shell (``reference_impl.imap.server``).

Extensions: LITERAL+ or LITERAL- (RFC 7888), SASL-IR (4959), ID (2971), IDLE (2177),
NAMESPACE (2342), UIDPLUS (4315), MOVE (6851), UNSELECT (3691), ENABLE (5161), CHILDREN,
ESEARCH (4731), SEARCHRES (5182), LIST-EXTENDED (5258), LIST-STATUS (5819), CONDSTORE
(7162 §3.1: HIGHESTMODSEQ, MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE with MODIFIED, SEARCH
MODSEQ), QRESYNC (7162 §3.2: VANISHED, SELECT ... (QRESYNC ...), UID FETCH ...
VANISHED), SPECIAL-USE and CREATE-SPECIAL-USE (6154), STATUS=SIZE (8438),
APPENDLIMIT (7889: the literal limit, the same for every mailbox), SORT (5256 §3; not
THREAD).

Choices the RFCs leave open:

- The core never touches the store: each command that needs it is handed to the shell as
  ``StoreWork`` and run in a worker thread, while the session's input waits.
- Other sessions' changes are found by comparing the session's view with the store at
  the end of each command (and, under IDLE, when the store's change feed says so), so
  sessions in other processes sharing the store are seen too.  EXPUNGE waits while
  FETCH, STORE, SEARCH or COPY by sequence number is answered (RFC 9051 §7.4.1).
- \\Recent (rev1 only) is claimed per store, user and mailbox in this process's memory:
  after a restart no message is recent again.
- A sequence number past the last message is BAD; a UID that does not exist is skipped.
- POP3 and IMAP on one INBOX: IMAP takes no lock (RFC 9051 allows concurrent sessions),
  so it never waits for POP3's maildrop lock.  What a POP3 UPDATE removes reaches IMAP
  sessions as EXPUNGE at their next command; what IMAP expunges never renumbers a POP3
  session, which lists its maildrop once at login (RFC 1939 §4) and answers -ERR for a
  message that is gone.
- A literal past ``FramingLimits.max_literal`` (``max_literal_before_login`` before
  login) is refused with BAD [TOOBIG]; a refused non-synchronizing literal is read and
  dropped (RFC 7888 §4, choice 1).
"""

from reference_impl.imap._client import (
    ClientConnection,
    CommandCompleted,
    ContinuationRequested,
    Literal,
    ResponseReceived,
)
from reference_impl.imap._config import ServerConfig
from reference_impl.imap._events import ConnectionClosed, Event, StartTLS, StoreWork, WatchMailbox
from reference_impl.imap._framing import FramingLimits
from reference_impl.imap._grammar import Framed, ImapDefectKind, ImapSyntaxError, Tokens
from reference_impl.imap._response_parser import ImapResponse, parse_response
from reference_impl.imap._server import ServerConnection
from reference_impl.imap._states import ClientState, State
from reference_impl.imap._values import ImapValue, serialize

__all__ = [
    "ClientConnection",
    "ClientState",
    "CommandCompleted",
    "ConnectionClosed",
    "ContinuationRequested",
    "Event",
    "Framed",
    "FramingLimits",
    "ImapDefectKind",
    "ImapResponse",
    "ImapSyntaxError",
    "ImapValue",
    "Literal",
    "ResponseReceived",
    "ServerConfig",
    "ServerConnection",
    "StartTLS",
    "State",
    "StoreWork",
    "Tokens",
    "WatchMailbox",
    "parse_response",
    "serialize",
]
