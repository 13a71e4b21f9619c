"""What an IMAP client can do wrong, as the server core sees it (RFC 9051, RFC 3501,
RFC 2177, RFC 7888).

The server answers each departure as the RFC says (BAD, NO, or nothing); besides, it
reports a ``ClientDefect`` naming the rule, for the log and for grading the client.  An
unknown command, a failed LOGIN, or a non-synchronizing literal under LITERAL+ break no
rule.

Two of the rules are about timing, which a server sees only in what it has buffered: a
client that sent octets the server had not yet asked for (a literal before the ``+``)
or a command with the tag of one whose completion it cannot yet have read.  Octets
received before the server wrote a response cannot have been sent after the client read
it, so what is buffered is evidence; what arrives later proves nothing either way, and
is not reported (no false alarm, at the cost of missing a slow pipeliner).
"""

from __future__ import annotations

import collections
import hashlib
import re

from reference_impl._defects import Level, RuleKind

__all__ = ["ClientDefectKind", "TagLedger", "evidence"]

_S = Level.SHOULD


class ClientDefectKind(RuleKind):
    """Departures of an IMAP client, with the rule each breaks."""

    BARE_LINE_END = (
        "bare CR or LF in a command line (RFC 9051 §2.2: interactions are lines that end with CRLF)"
    )
    SYNTAX = (
        "command breaks the grammar (RFC 9051 §2.2.1, RFC 3501 §2.2.1: clients MUST follow "
        "the syntax outlined in this specification strictly)"
    )
    BAD_STATE = (
        "command not valid in the session's state (RFC 9051 §3: it is a protocol error for "
        "the client to attempt a command while the connection is in an inappropriate state)"
    )
    TAG_REUSED = (
        "tag of an earlier command used again (RFC 9051 §2.2.1: the client SHOULD generate "
        "a unique tag for every command)",
        _S,
    )
    TAG_IN_PROGRESS = (
        "tag of a command whose completion the client had not yet received used again "
        "(RFC 9051 §2.2.1 SHOULD; §2.2.2: the tag identifies the command a completion "
        "applies to)",
        _S,
    )
    LITERAL_BEFORE_CONTINUATION = (
        "synchronizing literal sent before the server's '+' (RFC 9051 §4.3: the client "
        "MUST wait to receive a command continuation request before sending the octet data)"
    )
    NON_SYNC_TOO_BIG = (
        "non-synchronizing literal over 4096 octets under LITERAL- (RFC 7888 §5, "
        "RFC 9051 §4.3: MUST NOT be larger than 4096 octets)"
    )
    COMMAND_DURING_IDLE = (
        "command sent while IDLE waits for DONE (RFC 2177 §3, RFC 9051 §6.3.13: the client "
        "MUST NOT send a command while the server is waiting for the DONE)"
    )
    DONE_OUTSIDE_IDLE = (
        'DONE sent when no IDLE is in progress (RFC 9051 §9: idle = "IDLE" CRLF "DONE"; '
        "RFC 2177 §3)"
    )
    LOGIN_WHEN_DISABLED = (
        "LOGIN sent although LOGINDISABLED is advertised (RFC 9051 §6.2.3, RFC 3501 §6.2.3: "
        "a client implementation MUST NOT send a LOGIN command)"
    )
    COMMAND_AFTER_STARTTLS = (
        "octets sent after STARTTLS before its response and the TLS handshake (RFC 9051 "
        "§6.2.1: the client MUST NOT issue further commands until a server response is "
        "seen and the TLS negotiation is complete)"
    )
    SENT_BEFORE_GREETING = (
        "command sent before the greeting (RFC 9051 §3: the initial state is identified "
        "in the server greeting; a client that does not wait cannot know it)",
        _S,
    )
    INJECTED_RESPONSE_TAKEN = (
        "a second command sent in TLS before the first was answered: the client took "
        "plaintext sent before the handshake as that answer (RFC 9051 §6.2.1: the client "
        "MUST discard cached information about server capabilities; CVE-2011-0411 class)"
    )
    LOGIN_AFTER_PREAUTH = (
        "LOGIN or AUTHENTICATE after a PREAUTH greeting (RFC 9051 §7.1.4: the connection "
        "has already been authenticated by external means; §3: a command in an "
        "inappropriate state is a protocol error)"
    )
    STALE_SEQUENCE_NUMBER = (
        "a message sequence number only an EXPUNGE response sent earlier had taken away "
        "(RFC 3501 §7.4.1, RFC 9051 §7.5.1: the update from the EXPUNGE response MUST be "
        "recorded by the client)"
    )
    BAD_SASL_RESPONSE = (
        "AUTHENTICATE response is not base64 (RFC 9051 §6.2.2: the client response "
        "consists of a single line consisting of a base64-encoded string)"
    )


# A session's tags are remembered up to this many; past it a reused tag may go unseen,
# never wrongly reported.  Long tags are remembered by digest, so memory stays bounded.
_MAX_TAGS = 100_000
_SHORT_TAG = 32


class TagLedger:
    """The tags a session has seen, and the completions a client cannot yet have read.

    Offsets count the octets received on the connection.  A completion written when
    ``horizon`` octets had come is unread by the client for every command that had fully
    arrived by then (its end offset is at most ``horizon``).
    """

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self._unread: collections.deque[tuple[int, bytes]] = collections.deque()
        self._unread_tags: collections.Counter[bytes] = collections.Counter()

    def command(self, tag: bytes, *, end: int) -> ClientDefectKind | None:
        """A command with ``tag`` ended at offset ``end``: the rule its tag breaks, if any."""
        while self._unread and self._unread[0][0] < end:
            _, read = self._unread.popleft()
            self._unread_tags[read] -= 1
        key = _key(tag)
        if self._unread_tags[key] > 0:
            return ClientDefectKind.TAG_IN_PROGRESS
        if key in self._seen:
            return ClientDefectKind.TAG_REUSED
        if len(self._seen) < _MAX_TAGS:
            self._seen.add(key)
        return None

    def completed(self, tag: bytes, *, horizon: int, end: int) -> None:
        """The completion of ``tag`` was written when ``horizon`` octets had come, of
        which the input up to ``end`` is consumed; later input is sent before it was read."""
        if horizon > end:
            key = _key(tag)
            self._unread.append((horizon, key))
            self._unread_tags[key] += 1


def _key(tag: bytes) -> bytes:
    return tag if len(tag) <= _SHORT_TAG else hashlib.sha256(tag).digest()


_SECRET = re.compile(rb"(?i)\A(\S+ (?:LOGIN|AUTHENTICATE) \S*)")


def evidence(line: bytes) -> bytes:
    """The start of ``line`` to show as evidence, without a LOGIN's password."""
    found = _SECRET.match(line)
    return found.group(1) + b" ..." if found else line[:80]
