"""The sans-IO POP2 server (RFC 937): bytes in, replies and events out.

Usage by a shell::

    conn = ServerConnection(config)
    send(conn.data_to_send())            # the greeting "+ POP2 <host> ..."
    conn.receive_data(chunk)             # for every read
    while (event := conn.next_event()):  # MailboxRequested, MessageRequested, ...
        ...                              # answer with mailbox_opened(), message_loaded(), ...
    send(conn.data_to_send())

POP2's basic rule is "if anything goes wrong close the connection" (RFC 937 page 2):
an unknown or out-of-sequence command gets "- error" and the close (server decision
table action 1), never a second chance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reference_impl._core import ByteCore
from reference_impl._defects import ClientDefect, client_defect
from reference_impl._misuse import MisuseCounter
from reference_impl._transitions import LocalProtocolError, next_state
from reference_impl.pop2._client_defects import ClientDefectKind
from reference_impl.pop2._config import ServerConfig
from reference_impl.pop2._events import (
    ConnectionClosed,
    ListedMessage,
    MailboxReleased,
    MailboxRequested,
    MessageRequested,
)
from reference_impl.pop2._replies import ReplyKind, render
from reference_impl.pop2._states import (
    INPUT_STATES,
    SERVER_STEPS,
    SERVER_TRANSITIONS,
    Command,
    ServerStep,
    State,
)
from reference_impl.pop2._syntax import CommandLine, parse_command_line, parse_number

__all__ = ["INBOX", "Event", "ServerConnection"]

Event = MailboxRequested | MessageRequested | MailboxReleased | ConnectionClosed | ClientDefect

# The folder name that selects the user's default mailbox besides the user name itself
# (RFC 937 page 5 "Default Mailboxes" is system specific; this store names the default
# mailbox after the user).
INBOX = "INBOX"

_ERR_GARBAGE = "error: command unknown, malformed or out of sequence"
_ERR_TOO_LONG = "error: command line longer than 512 characters"
_ERR_LOGIN = "error: invalid user or password"
_ERR_UNAVAILABLE = "error: mailbox unavailable"
_ERR_LOCKED = "error: mailbox in use by another session"
_ERR_TIMEOUT = "error: timeout, closing the connection"


def _garbage_kind(line: bytes, unparsed: bool) -> ClientDefectKind:
    if b"\r" in line or b"\n" in line:
        return ClientDefectKind.BARE_LINE_END
    return ClientDefectKind.SYNTAX if unparsed else ClientDefectKind.BAD_SEQUENCE


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@dataclass
class _Session:
    """The selected mailbox and the reading position in it."""

    user: str | None = None
    mailbox: str | None = None  # the store mailbox; None: a folder that does not exist
    messages: tuple[ListedMessage, ...] = ()
    deleted: set[int] = field(default_factory=set)  # message numbers marked by ACKD
    current: int = 1  # "set to one when a new folder is selected" (page 2)


class ServerConnection(ByteCore[Event]):
    """One POP2 server session, driven entirely by the bytes it is given."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.state = State.AUTH
        self._command_target: State | None = None  # where the command being run leads
        self._session = _Session()
        super().__init__()
        self._after_release: Callable[[], None] | None = None
        self._handlers: dict[Command, Callable[[CommandLine], None]] = {
            Command.HELO: self._helo,
            Command.FOLD: self._fold,
            Command.READ: self._read,
            Command.RETR: self._retr,
            Command.ACKS: self._acks,
            Command.ACKD: self._ackd,
            Command.NACK: self._nack,
            Command.QUIT: self._quit,
        }
        # Action 2: "Send the greeting.  Go to AUTH state."  <greet> (page 16).
        self._reply(ReplyKind.OK, f"POP2 {config.hostname} mail-conformance server ready")

    @property
    def user(self) -> str | None:
        return self._session.user

    @property
    def current(self) -> int:
        """The current message indicator (RFC 937 page 7, READ)."""
        return self._session.current

    # -- the shell's interface ------------------------------------------------

    @property
    def _closed(self) -> bool:
        return self.state is State.DONE

    def mailbox_opened(self, messages: tuple[ListedMessage, ...]) -> None:
        """The requested mailbox, listed: answer "#NNN" (actions 3 (a) and 5)."""
        if self.state is not State.OPENING:
            return
        self._session.messages = messages
        self._counted()

    def mailbox_failed(self) -> None:
        """The store could not list the mailbox: "- error" and close (action 3 (b))."""
        if self.state is State.OPENING:
            self._close(_ERR_UNAVAILABLE, "mailbox unavailable")

    def mailbox_locked(self) -> None:
        """Another session (POP2 or POP3) holds the mailbox.  RFC 937 has no "busy"
        answer to HELO or FOLD, so it is the error of action 3 (b): "- error" and close."""
        if self.state is State.OPENING:
            self._close(_ERR_LOCKED, "mailbox locked")

    def message_loaded(self, data: bytes) -> None:
        """The message of the pending RETR, in transmission form (action 7)."""
        if self.state is not State.LOADING:
            return
        if len(data) != self._length(self._session.current):
            # The "=CCC" already sent is a promise about the octets to follow; a
            # message that changed since cannot keep it.
            self._close(None, "message changed since its length was sent")
            return
        self._outbox += data
        self._resume(ServerStep.MESSAGE_SENT)

    def message_failed(self) -> None:
        """The message cannot be read: close ("Else Close the connection", action 7)."""
        if self.state is State.LOADING:
            self._close(None, "message unavailable")

    def release_done(self) -> None:
        """The deletions of an awaited ``MailboxReleased`` are done (or failed: the
        reply is the same either way, ACKD page 9)."""
        if self.state is State.RELEASING and self._after_release is not None:
            after, self._after_release = self._after_release, None
            after()

    def timed_out(self) -> None:
        """Timeout T2 (page 11): decision table "Timeout" row, action 1."""
        if self.state is not State.DONE:
            self._close(_ERR_TIMEOUT, "timeout")

    def connection_lost(self) -> None:
        """The peer went away: the session ends and its mailbox is released."""
        if self.state is not State.DONE:
            self._step(ServerStep.CLOSED)
            self._inbox.clear()
            self._release(awaited=False)

    # -- input ------------------------------------------------------------------

    def _process(self) -> None:
        while self.state in INPUT_STATES and self._inbox and not self._delay:
            line = self._inbox.extract_line(self.config.max_command_line)
            if line is None and not self._inbox.discarding:
                return
            if line is None or line.too_long:
                start = b"" if line is None else line.content
                self._events.append(client_defect(ClientDefectKind.LINE_TOO_LONG, start))
                self._close(_ERR_TOO_LONG, "command line too long")
            else:
                self._command(line.content)

    def _command(self, line: bytes) -> None:
        # "End of Line" (page 5): CRLF "must be used for commands"; a bare CR or LF
        # inside a line fits no production.
        parsed = None if b"\r" in line or b"\n" in line else parse_command_line(line)
        target = None if parsed is None else SERVER_TRANSITIONS.get((self.state, parsed.command))
        if parsed is None or target is None:
            self._events.append(client_defect(_garbage_kind(line, parsed is None), line))
            self._close(_ERR_GARBAGE, "garbage")  # action 1
            return
        self._command_target = target
        self._handlers[parsed.command](parsed)

    def _resume(self, step: ServerStep) -> None:
        self._step(step)
        self._process()

    def _step(self, step: ServerStep) -> None:
        """Move to the state ``step`` leads to (``SERVER_STEPS``, in _states.py).

        Once the command's reply is out, the session must stand where the RFC's table
        (``SERVER_TRANSITIONS``) says that command leads: anything else is our fault.
        """
        self.state = next_state(SERVER_STEPS, self.state, step)
        if self.state in INPUT_STATES or self.state is State.DONE:
            target, self._command_target = self._command_target, None
            if target is not None and self.state not in (target, State.DONE):
                raise LocalProtocolError(f"a command for {target.name} ended in {self.state.name}")

    # -- replies ----------------------------------------------------------------

    def _reply(self, kind: ReplyKind, text: str = "", number: int | None = None) -> None:
        self._outbox += render(kind, text, number)

    def _close(self, error: str | None, reason: str) -> None:
        """Send "- ``error``" (nothing when None), release the mailbox and close."""
        if error is not None:
            self._reply(ReplyKind.ERROR, error)
        self._step(ServerStep.CLOSED)
        self._inbox.clear()
        self._release(awaited=False)
        self._events.append(ConnectionClosed(reason=reason))

    def _release(self, *, awaited: bool) -> bool:
        """ACKD (page 9): "The actual change is made when the mailbox is released at
        the end of the session or when the client selects another mailbox"."""
        session = self._session
        if session.mailbox is None or not session.deleted:
            return False
        uids = tuple(session.messages[n - 1].uid for n in sorted(session.deleted))
        session.deleted = set()
        self._events.append(MailboxReleased(mailbox=session.mailbox, uids=uids, awaited=awaited))
        return True

    def _then_release(self, after: Callable[[], None]) -> None:
        """Run ``after`` once the marked messages are gone (at once if there are none)."""
        if self._release(awaited=True):
            self._step(ServerStep.RELEASE_REQUESTED)
            self._after_release = after
        else:
            after()

    # -- AUTH ---------------------------------------------------------------------

    def _helo(self, command: CommandLine) -> None:
        user, password = (_text(argument) for argument in command.arguments)
        if (
            user is None
            or password is None
            or not self.config.accounts.authenticate(user, password)
        ):
            self._close(_ERR_LOGIN, "login refused")  # action 3 (b)
            self._delay_for(MisuseCounter(self.config.misuse).login_failed() or 0.0)
            return
        self._session.user = user
        self._select(user)  # "the number of messages in the default mailbox" (page 7)

    def _quit(self, command: CommandLine) -> None:
        # Action 4: "Send "+ Bye" and go to DONE state"; QUIT (page 10): ""+ OK"
        # and Close the connection".
        self._then_release(self._close_ok)

    def _close_ok(self) -> None:
        self._reply(ReplyKind.OK, "OK bye")
        self._close(None, "quit")

    # -- MBOX ---------------------------------------------------------------------

    def _mailbox_for(self, folder: bytes) -> str | None:
        """The store mailbox behind a folder name, None for one the user cannot read.

        FOLD (page 7): "The server must check that the user is permitted read access
        to this mailbox.  If the mailbox is empty or does not exist, the number of
        messages reported is zero."  A user reads only the mailbox named after them.
        """
        name = _text(folder)
        user = self._session.user
        if name is not None and user is not None and name.upper() in (INBOX, user.upper()):
            return user
        return None

    def _fold(self, command: CommandLine) -> None:
        mailbox = self._mailbox_for(command.arguments[0])
        self._then_release(lambda: self._select(mailbox))

    def _select(self, mailbox: str | None) -> None:
        session = self._session
        session.mailbox, session.messages, session.deleted = mailbox, (), set()
        session.current = 1
        if mailbox is None:
            self._counted()
            return
        assert session.user is not None
        self._step(ServerStep.MAILBOX_REQUESTED)
        self._events.append(MailboxRequested(user=session.user, mailbox=mailbox))

    def _counted(self) -> None:
        count = len(self._session.messages)
        self._reply(ReplyKind.COUNT, "messages" if count != 1 else "message", count)
        self._resume(ServerStep.COUNT_SENT)

    # -- ITEM and NEXT ------------------------------------------------------------

    def _length(self, number: int) -> int:
        """Page 5: "A length of zero means the message does not exist or is empty";
        a message marked by ACKD has length zero too (READ, page 7)."""
        messages = self._session.messages
        if not 1 <= number <= len(messages) or number in self._session.deleted:
            return 0
        return messages[number - 1].size

    def _send_length(self) -> None:
        number = self._session.current
        length = self._length(number)
        text = f"characters in message {number}" if length else "no such message"
        self._reply(ReplyKind.LENGTH, text, length)
        self._step(ServerStep.LENGTH_SENT)

    def _read(self, command: CommandLine) -> None:
        if command.arguments:
            # "this command sets the current message indicator to that value" (page 7)
            number = parse_number(command.arguments[0])
            assert number is not None  # the parser checked the digits
            self._session.current = number
        self._send_length()

    def _retr(self, command: CommandLine) -> None:
        number = self._session.current
        if self._length(number) == 0:
            # RETR (page 8): "The server will close the connection if asked to
            # transmit a message of zero characters".
            self._close(None, "RETR of a message of zero characters")
            return
        assert self._session.mailbox is not None
        self._step(ServerStep.MESSAGE_REQUESTED)
        uid = self._session.messages[number - 1].uid
        self._events.append(MessageRequested(mailbox=self._session.mailbox, uid=uid))

    def _acks(self, command: CommandLine) -> None:
        self._session.current += 1  # ACKS (page 8): "incremented"
        self._send_length()

    def _ackd(self, command: CommandLine) -> None:
        # ACKD (page 9): "Actually, the message is only marked for deletion."
        self._session.deleted.add(self._session.current)
        self._session.current += 1
        self._send_length()

    def _nack(self, command: CommandLine) -> None:
        self._send_length()  # NACK (page 9): "The current message indicator remains"
