"""The sans-IO SMTP client: commands in, bytes out; bytes in, replies out.

It keeps the order of outstanding commands so every reply is paired with
the command it answers, even when commands are pipelined (RFC 2920 §3.1),
and refuses local misuse (sending message content without a 354, a command
while content is owed) with :class:`LocalProtocolError`.  A harness may send octets
past the framing on purpose (``raw``), saying how many replies they earn, so the
replies after them are still paired with the right commands.  Reply defects go
through the ``DefectPolicy`` it is given.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

from reference_impl._defects import RECORD, DefectPolicy
from reference_impl._transitions import LocalProtocolError, next_state
from reference_impl._transparency import END_OF_DATA, dot_stuff
from reference_impl.smtp._replies import DEFAULT_MAX_REPLY, Reply, ReplyReader
from reference_impl.smtp._states import CLIENT_TRANSITIONS, ClientState, ClientStep

__all__ = [
    "RAW",
    "ClientConnection",
    "ClientState",
    "LocalProtocolError",
    "ReplyReceived",
    "bdat_octets",
    "refuse_number_literal",
]


def _domains(line: bytes) -> list[bytes]:
    """The domains of an EHLO/HELO argument or of a MAIL/RCPT path (route included)."""
    verb, _, argument = line.partition(b" ")
    if verb.upper() in (b"EHLO", b"HELO"):
        return [argument.strip()]
    if verb.upper() not in (b"MAIL", b"RCPT"):
        return []
    path = argument.partition(b"<")[2].partition(b">")[0]
    route, mailbox = b"", path
    if path.startswith(b"@"):  # §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"
        route, _, mailbox = path.partition(b":")
    return [hop.lstrip(b"@") for hop in route.split(b",") if hop] + [mailbox.rpartition(b"@")[2]]


def bdat_octets(chunk: bytes, *, last: bool = False) -> bytes:
    """BDAT with the chunk's size, and the chunk (RFC 3030 §2)."""
    return f"BDAT {len(chunk)}{' LAST' if last else ''}\r\n".encode("ascii") + chunk


def refuse_number_literal(line: bytes) -> None:
    """Raise if a domain in ``line`` has RFC 821's "#" <number> element: Appendix F.4,
    "It is deprecated and MUST NOT be used"."""
    for domain in _domains(line):
        if any(element.startswith(b"#") for element in domain.split(b".")):
            raise LocalProtocolError(f"#-literal in {line[:80]!r} (RFC 5321 Appendix F.4)")


# What a reply to octets sent with ``raw`` answers.
RAW = "<raw>"


@dataclass(frozen=True, kw_only=True)
class ReplyReceived:
    """``reply`` answers ``command`` ("" for the greeting, "." for content, ``RAW`` for
    octets sent past the framing, "?" for nothing sent)."""

    command: str
    reply: Reply


class ClientConnection:
    def __init__(
        self, *, policy: DefectPolicy = RECORD, max_reply_octets: int = DEFAULT_MAX_REPLY
    ) -> None:
        self.state = ClientState.GREETING
        self.policy = policy
        self._max_reply_octets = max_reply_octets
        self._reader = self._new_reader()
        self._outstanding: collections.deque[str] = collections.deque([""])
        self._events: collections.deque[ReplyReceived] = collections.deque()

    @property
    def outstanding(self) -> int:
        """Commands sent whose replies have not arrived (pipelining depth)."""
        return len(self._outstanding)

    @property
    def pending(self) -> bytes:
        """Octets received that are not part of a complete reply yet (after a 220 to
        STARTTLS: everything received after it)."""
        return self._reader.pending

    def command(self, line: str | bytes) -> bytes:
        """The octets of one command line; its reply will be paired with it."""
        raw = line.encode("utf-8") if isinstance(line, str) else line
        self._may_frame(raw)
        if b"\r" in raw or b"\n" in raw:
            raise LocalProtocolError("a command line must not contain CR or LF (§2.3.8)")
        refuse_number_literal(raw)
        self._framing()
        verb = raw.split(b" ", 1)[0].decode("ascii", "replace").upper()
        self._outstanding.append(verb)
        if verb == "DATA":
            self._step(ClientStep.DATA_SENT)
        return raw + b"\r\n"

    def bdat(self, chunk: bytes, *, last: bool = False) -> bytes:
        """A BDAT command and its chunk (RFC 3030 §2): the octets go as they are."""
        self._may_frame(b"BDAT")
        self._framing()
        self._outstanding.append("BDAT")
        return bdat_octets(chunk, last=last)

    def raw(self, data: bytes, *, replies: int) -> bytes:
        """``data`` exactly as given, past every check: a deliberate departure from the
        protocol.  The caller says how many replies it earns; they are paired with
        ``RAW`` and move nothing but a close (221, 421)."""
        self._step(ClientStep.RAW_SENT)
        self._outstanding.extend([RAW] * replies)
        return data

    def _may_frame(self, raw: bytes) -> None:
        if self.state not in (ClientState.COMMANDS, ClientState.GREETING, ClientState.RAW):
            raise LocalProtocolError(f"cannot send {raw[:80]!r} in state {self.state.name}")

    def _framing(self) -> None:
        if self.state is ClientState.RAW:
            self._step(ClientStep.FRAMED)

    def content(self, message: bytes) -> bytes:
        """The dot-stuffed message and its terminator (§4.5.2), after a 354."""
        if self.state is not ClientState.CONTENT:
            raise LocalProtocolError("message content may only follow a 354 reply")
        if b"\r" in message.replace(b"\r\n", b"") or b"\n" in message.replace(b"\r\n", b""):
            raise LocalProtocolError("bare CR or LF in message content (§2.3.8)")
        self._outstanding.append(".")
        self._step(ClientStep.CONTENT_SENT)
        return dot_stuff(message) + END_OF_DATA[2:]

    def receive_data(self, data: bytes) -> None:
        self._reader.feed(data)
        # After a 220 to STARTTLS nothing more is read in the clear: what follows it
        # before the handshake is discarded by tls_started (RFC 3207 §4.2, CVE-2011-0411).
        while self.state is not ClientState.TLS and (reply := self._reader.next_reply()):
            self._events.append(self._pair(reply))

    def next_event(self) -> ReplyReceived | None:
        return self._events.popleft() if self._events else None

    def tls_started(self) -> None:
        """RFC 3207 §4.2: forget everything learnt before the handshake."""
        if self.state is not ClientState.TLS:
            raise LocalProtocolError("no 220 to STARTTLS was received")
        self._reader = self._new_reader()  # plaintext that came after the 220 is not a reply
        self._step(ClientStep.TLS_STARTED)

    def discard(self) -> None:
        """Forget every octet and reply not yet taken (a peer given up on)."""
        self._reader.discard()
        self._events.clear()

    def _new_reader(self) -> ReplyReader:
        return ReplyReader(max_octets=self._max_reply_octets, policy=self.policy)

    def _pair(self, reply: Reply) -> ReplyReceived:
        command = self._outstanding.popleft() if self._outstanding else "?"
        if (step := _step_of(command, reply.code)) is not None:
            self._step(step)
        return ReplyReceived(command=command, reply=reply)

    def _step(self, step: ClientStep) -> None:
        self.state = next_state(CLIENT_TRANSITIONS, self.state, step)


def _step_of(command: str, code: int) -> ClientStep | None:
    """The step a reply to ``command`` is, if it moves the client."""
    if code in (221, 421):
        return ClientStep.CLOSING
    if command == "":
        return ClientStep.GREETED if code == 220 else ClientStep.CLOSING
    if command == "DATA":
        return ClientStep.GO_AHEAD if code == 354 else ClientStep.DATA_REFUSED
    if command == "STARTTLS" and code == 220:
        return ClientStep.TLS_ACCEPTED
    return None
