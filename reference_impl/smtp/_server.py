"""The sans-IO SMTP server: bytes in, replies and events out.

Usage by a shell::

    conn = ServerConnection(config, peer_ip="127.0.0.1")
    send(conn.data_to_send())            # the 220 greeting
    conn.receive_data(chunk)             # for every read
    while (event := conn.next_event()):  # MessageReceived, StartTLS, ConnectionClosed
        ...
    send(conn.data_to_send())

No sockets, no asyncio, no disk: storing a message, the TLS handshake and
closing the connection are the shell's, announced by events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reference_impl._core import ByteCore
from reference_impl._defects import ClientDefect, client_defect
from reference_impl._misuse import MisuseCounter
from reference_impl._transitions import next_state
from reference_impl._transparency import DataAccumulator
from reference_impl.auth import (
    SaslAuthenticated,
    SaslContinue,
    SaslExchange,
    SaslOutcome,
    SaslRefused,
)
from reference_impl.smtp import _codes as c
from reference_impl.smtp._attempts import attempt_key, deferral, deferred_by, digest_of
from reference_impl.smtp._client_defects import ClientDefectKind, defect_of_reply
from reference_impl.smtp._config import ServerConfig
from reference_impl.smtp._events import (
    ConnectionClosed,
    MessageReceived,
    RecipientsDeferred,
    StartTLS,
)
from reference_impl.smtp._sasl_exchange import new_exchange
from reference_impl.smtp._scripted import (
    FLOOD_BOUND,
    flooded,
    greeting,
    in_place_of,
    paced,
    scripted_refusal,
)
from reference_impl.smtp._session_facts import auth_offered, extensions, lookup, protocol_keyword
from reference_impl.smtp._states import (
    ALWAYS_ALLOWED_BEFORE_TLS,
    ANY_INPUT,
    TRANSITIONS,
    State,
    Step,
)
from reference_impl.smtp._syntax import (
    CommandLine,
    parse_command_line,
    parse_domain_argument,
)
from reference_impl.smtp._transaction import Transaction, check_message, trace_field
from reference_impl.smtp._watch import ClientWatch

__all__ = ["Event", "ServerConnection"]

Event = MessageReceived | StartTLS | ConnectionClosed | ClientDefect | RecipientsDeferred

# §4.3.2 / §4.2.4: 502 for commands we know but do not implement.
_OBSOLETE = frozenset({"SEND", "SOML", "SAML", "TURN"})
# What a pipelining client sends after MAIL without its reply: their 503 after a failed
# MAIL or RCPT is no departure, the client could not know (RFC 2920 §3.1).
_GROUPED = frozenset({"RCPT", "DATA", "BDAT"})
_BDAT = re.compile(rb"(?i)([0-9]{1,18})(?: (LAST))?")


@dataclass
class _Session:
    """What the server knows about the client; STARTTLS forgets it (RFC 3207 §4.2)."""

    helo_name: str = ""
    esmtp: bool = False
    authenticated_as: str | None = None
    transaction: Transaction | None = None
    failed_chunking: bool = False  # a BDAT failed: RSET needed (RFC 3030 §2)
    extensions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Command:
    states: frozenset[State]
    run: Callable[[CommandLine], None]


class ServerConnection(ByteCore[Event]):
    """One SMTP server session, driven entirely by the bytes it is given."""

    def __init__(self, config: ServerConfig, *, peer_ip: str, tls_active: bool = False) -> None:
        self.config = config
        self.peer_ip = peer_ip
        self.tls_active = tls_active
        self.state = State.CONNECTED  # where every session starts (§3.1)
        self._session = _Session()
        super().__init__()
        self._data: DataAccumulator | None = None
        self._chunk_left = 0
        self._chunk_last = False
        self._chunk_error: c.ServerReply | None = None
        self._return_state = State.CONNECTED  # where a BDAT chunk returns to
        self._sasl: SaslExchange[c.ServerReply] | None = None
        self._evidence = b""  # what the client sent that the next reply answers
        self._misuse = MisuseCounter(config.misuse)  # per connection: STARTTLS keeps it
        # One table: the states each command is in sequence in (RFC 5321 §4.1.4; a
        # command outside them gets 503 and changes nothing), and what runs it.  BDAT
        # consumes its chunk in every state and checks the state after (RFC 3030 §2), so
        # it is dispatched before this table.
        session, mail = frozenset({State.READY}), frozenset({State.MAIL, State.RCPT})
        self._commands: dict[str, _Command] = {
            "EHLO": _Command(ANY_INPUT, self._ehlo),
            "HELO": _Command(ANY_INPUT, self._helo),
            "MAIL": _Command(session, self._mail),
            "RCPT": _Command(mail, self._rcpt),
            "DATA": _Command(mail, self._data_command),
            "RSET": _Command(ANY_INPUT, self._rset),
            "NOOP": _Command(ANY_INPUT, self._noop),
            "QUIT": _Command(ANY_INPUT, self._quit),
            "HELP": _Command(ANY_INPUT, self._help),
            "VRFY": _Command(ANY_INPUT, self._vrfy),
            "EXPN": _Command(ANY_INPUT, self._expn),
            "STARTTLS": _Command(ANY_INPUT - {State.CHUNKING}, self._starttls),
            "AUTH": _Command(session, self._auth),
        }
        self._watch = ClientWatch()
        self._rcpts_tried = 0  # RCPT commands of the open transaction
        # What held output the client is waiting for, if any: its departure if it
        # does not wait (the script's delays, _input_while_held).
        self._held_for: ClientDefectKind | None = None
        self._hold_next = 0.0  # hold the next reply this long (after a TLS handshake)
        self._verb = ""  # of the command being run
        script = config.script
        if script.greeting_delay:
            self._held_for = ClientDefectKind.EARLY_COMMAND
        if script.flood[1]:
            self._send_paced(flooded(config.hostname, script))
        else:
            rendered = c.render(greeting(config.hostname, script), enhanced=False)
            self._emit(rendered, delay=script.greeting_delay)

    # -- the shell's interface ------------------------------------------------

    @property
    def _closed(self) -> bool:
        return self.state is State.CLOSED

    def message_stored(self) -> None:
        """The shell made the message durable: acknowledge it (§4.1.1.4)."""
        self._finish_storing(c.S250_QUEUED)

    def message_failed(self) -> None:
        """The shell could not store the message: a transient failure (451)."""
        self._finish_storing(c.S451_LOCAL_ERROR)

    def tls_started(self) -> None:
        """Handshake done: back to the initial state (RFC 3207 §4.2)."""
        self.tls_active = True
        self._session = _Session()
        self._inbox.clear()
        self._step(Step.TLS_STARTED)
        self._watch.tls_started()
        if self.config.script.delay_after_tls:
            # Plaintext was injected after our 220: a client that took it for the reply
            # to its EHLO sends its next command before our real reply (RFC 3207 §4.2).
            self._hold_next = self.config.script.delay_after_tls

    def timed_out(self) -> None:
        """The shell's idle timer fired (§4.5.3.2): 421 and close."""
        self._close(c.S421_TIMEOUT, "timeout")

    def shutting_down(self) -> None:
        self._close(c.S421_SHUTTING_DOWN, "shutdown")

    def connection_lost(self) -> None:
        """The client closed the connection: mail data it left unended is its departure."""
        evidence = f"closed in {self.state.name}".encode()
        if self.state in (State.DATA, State.BDAT):
            self._events.append(client_defect(ClientDefectKind.DATA_NOT_ENDED, evidence))
        if self.config.judging:
            if b"\n" in bytes(self._inbox) and self.state in ANY_INPUT:
                # A command ended by a bare LF waits for a CRLF that never came.
                self._events.append(
                    client_defect(ClientDefectKind.BARE_LINE_END, bytes(self._inbox))
                )
            mid_session = self.state not in (State.CLOSED, State.TLS_HANDSHAKE)
            for kind in self._watch.closed_by_client(mid_session=mid_session):
                self._events.append(client_defect(kind, evidence))

    def pace_served(self) -> None:
        if self.config.script.flood[1] and len(self._later) == 1 and not self._closed:
            # The flood's last piece goes now: the judge's bound, the client still reads.
            self._step(Step.CLOSED)
            self._events.append(ConnectionClosed(reason=FLOOD_BOUND))
        super().pace_served()
        if not self._later:
            self._held_for = None

    def _input_while_held(self) -> None:
        """The client sent while a reply was held: a departure unless it may pipeline
        (RFC 2920) and the held reply is not one a client must always wait for."""
        kind = self._held_for
        if kind is ClientDefectKind.NOT_WAITING and self._may_pipeline():
            return
        if kind is not None and self._watch.once(kind):
            self._events.append(client_defect(kind, bytes(self._inbox)))

    def _may_pipeline(self) -> bool:
        return "PIPELINING" in self._session.extensions

    # -- input loop -------------------------------------------------------------

    def _process(self) -> None:
        while self._inbox and not self._holding:
            if self.state is State.DATA:
                self._consume_data()
            elif self.state is State.BDAT:
                self._consume_chunk()
            elif self.state is State.TLS_HANDSHAKE:
                # RFC 3207 §4 / CVE-2011-0411: octets pipelined after STARTTLS
                # must not be executed inside the TLS session.
                self._inbox.clear()
            elif self.state in (State.STORING, State.CLOSED) or not self._consume_line():
                return

    def _consume_line(self) -> bool:
        # The buffer's bound is the longest line any state accepts (an AUTH line,
        # RFC 4954 §4); _command applies the shorter bound of other commands.
        line = self._inbox.extract_line(self.config.max_auth_line)
        if line is None:
            return False
        self._evidence = line.content
        if line.too_long:
            if self.state is State.AUTH:
                # RFC 4954 §4: a reply other than 334 ends the exchange; the
                # next line is a command again, not a SASL response.
                self._sasl = None
                self._step(Step.SASL_ENDED)
            self._reply(c.S500_LINE_TOO_LONG)
        elif self.state is State.AUTH:
            self._sasl_response(line.content)
        else:
            self._command(line.content)
        return True

    def _command(self, line: bytes) -> None:
        if b"\r" in line or b"\n" in line:
            self._reply(c.S500_BARE_LINE_END)
            return
        parsed = parse_command_line(line)
        if parsed is None:
            self._error(c.S500_UNRECOGNIZED)
            self._events.append(client_defect(ClientDefectKind.SYNTAX, line))
            return
        self._verb = parsed.verb
        self._judge_command(parsed, line)
        limit = self.config.max_auth_line if parsed.verb == "AUTH" else self.config.max_command_line
        if len(line) + 2 > limit:
            self._reply(c.S500_LINE_TOO_LONG)
        elif parsed.verb == "BDAT":
            self._bdat(parsed)
        elif parsed.verb in _OBSOLETE:
            self._reply(c.S502_NOT_IMPLEMENTED)
        elif (rule := self._commands.get(parsed.verb)) is None:
            self._error(c.S500_UNRECOGNIZED)
        elif self._tls_required() and parsed.verb not in ALWAYS_ALLOWED_BEFORE_TLS:
            self._reply(c.S530_TLS_REQUIRED)
        elif self.state not in rule.states:
            self._error(c.S503_BAD_SEQUENCE)
        elif (scripted := self._scripted(parsed)) is not None:
            reply, closes = scripted
            if closes:
                self._close(reply, "scripted 421")
            else:
                self._reply(reply)
        else:
            rule.run(parsed)

    def _judge_command(self, parsed: CommandLine, line: bytes) -> None:
        """Report what this command shows of the client (``ClientWatch``), and a command
        that came with the next one in one read although PIPELINING was not offered
        (§4.3.1; a BDAT's chunk and the octets after DATA are judged elsewhere).  Only
        when judging: the plain server's clients pipeline and hang up as tests need."""
        if not self.config.judging:
            return
        kinds = self._watch.command(parsed.verb, parsed.argument, tls_active=self.tls_active)
        waits = parsed.verb in ("BDAT", "DATA") or self.state not in ANY_INPUT
        # After the injected plaintext was taken for a reply, not waiting is its effect.
        injected = ClientDefectKind.PLAINTEXT_INJECTION_ACCEPTED in self._watch.reported
        grouped = self._inbox and not waits and not injected and not self._may_pipeline()
        # The first command after the handshake of the injection scenario, sent with the
        # next: the client did not wait because it took the injected lines for the reply.
        kind = ClientDefectKind.PLAINTEXT_INJECTION_ACCEPTED if self._hold_next else None
        kind = kind or ClientDefectKind.NOT_WAITING
        if grouped and self._watch.once(kind):
            kinds.append(kind)
        self._events.extend(client_defect(kind, line) for kind in kinds)

    def _scripted(self, parsed: CommandLine) -> tuple[c.ServerReply, bool] | None:
        """The script's reply in place of running the command (``_scripted``), noting
        the refusals whose aftermath the watch judges and the recipients deferred."""
        verb = parsed.verb
        found = scripted_refusal(self.config.script, verb, recipients_tried=self._rcpts_tried)
        if verb == "RCPT":
            self._rcpts_tried += 1
        if found is None or not self._first_attempt(verb, parsed.argument):
            return None  # no refusal here, or the retry of one: served
        self._watch.ehlo_refused |= verb == "EHLO"
        self._watch.tls_refused |= verb == "STARTTLS"
        reply, closes = found
        self._deferred(
            deferred_by(verb, parsed.argument, self._session.transaction, closes=closes), reply.code
        )
        return found

    def _first_attempt(self, verb: str, argument: bytes) -> bool:
        """Whether a scripted refusal of ``verb`` falls on this attempt: always, unless
        the script refuses first attempts only and this one was refused before."""
        session, attempts = self._session, self.config.attempts
        if not self.config.script.first_attempt_only or attempts is None:
            return True
        helo, transaction = session.helo_name, session.transaction
        return attempts.first(attempt_key(verb, argument, helo_name=helo, transaction=transaction))

    def _deferred(self, recipients: tuple[str, ...], code: int) -> None:
        """Record, for the judge, recipients answered with a transient failure."""
        event = deferral(self._session.helo_name, self._session.transaction, recipients, code)
        if self.config.judging and event is not None:
            self._events.append(event)

    def _tls_required(self) -> bool:
        return self.config.require_tls and not self.tls_active

    def _step(self, step: Step) -> None:
        """Move to the state ``step`` leads to (``TRANSITIONS``, in _states.py)."""
        self.state = next_state(TRANSITIONS, self.state, step, previous=self._return_state)

    # -- replies -------------------------------------------------------------

    def _reply(self, reply: c.ServerReply, *, plain: bool = False) -> None:
        # RFC 2034 §4: status codes on every reply "regardless of whether or
        # not EHLO is employed", except the greeting and HELO/EHLO replies.
        rendered = in_place_of(self.config.script, self._verb, reply.code)
        rendered = rendered or c.render(reply, enhanced=not plain)
        if self._hold_next:
            self._held_for = ClientDefectKind.PLAINTEXT_INJECTION_ACCEPTED
        elif self.config.script.reply_delay or self.config.script.split_replies:
            waited_for = ClientDefectKind.DATA_BEFORE_354 if reply.code == 354 else None
            self._held_for = waited_for or ClientDefectKind.NOT_WAITING
        self._emit(rendered, delay=self._hold_next or self.config.script.reply_delay)
        self._hold_next = 0.0
        if reply == c.S552_TOO_BIG and self.state is State.READY:
            self._watch.size_refused = True  # RFC 1870 §6.2: RSET or QUIT next
        if self._verb == "MAIL" and reply.code // 100 == 5 and self.state is State.READY:
            self._watch.refused_mail = self._evidence.partition(b" ")[2]
        if reply.code == 503 and self._verb in _GROUPED and self._may_pipeline():
            return  # RFC 2920 §3.1: sent in a group, before the failure was known
        if (defect := defect_of_reply(reply, self._evidence)) is not None:
            self._events.append(defect)

    def _emit(self, data: bytes, *, delay: float) -> None:
        """Send ``data``, held ``delay`` seconds and split as the script says."""
        self._send_paced(paced(data, self.config.script, delay=delay))

    def _send_paced(self, pieces: list[tuple[float, bytes]]) -> None:
        for pause, piece in pieces:
            if pause:
                self._send_later(piece, pause)
            else:
                self._send(piece)

    def _error(self, reply: c.ServerReply) -> None:
        """An unknown or out-of-sequence command: ``reply``, or 421 past the limit."""
        if self._misuse.error():
            self._close(c.S421_TOO_MANY_ERRORS, "too many errors")
        else:
            self._reply(reply)

    def _close(self, reply: c.ServerReply, reason: str) -> None:
        self._reply(reply)
        self._step(Step.CLOSED)
        self._inbox.clear()
        self._events.append(ConnectionClosed(reason=reason))

    # -- session commands ----------------------------------------------------

    def _ehlo(self, command: CommandLine) -> None:
        name = parse_domain_argument(command.argument)
        if name is None:
            self._reply(c.S501_SYNTAX)  # §4.1.4: state unchanged on failure
            return
        self._start_session(name, esmtp=True)
        self._session.extensions = self._extensions()
        lines = [f"{self.config.hostname} greets {name}", *self.config.script.ehlo_lines]
        lines += [f"{k} {v}".rstrip() for k, v in self._session.extensions.items()]
        self._reply(c.ServerReply(code=250, status="", lines=tuple(lines)), plain=True)

    def _extensions(self) -> dict[str, str]:
        # A method, so a server variant can change what it advertises (tests/suites).
        return extensions(self.config, tls_active=self.tls_active)

    def _helo(self, command: CommandLine) -> None:
        name = parse_domain_argument(command.argument)
        if name is None:
            self._reply(c.S501_SYNTAX)
            return
        self._start_session(name, esmtp=False)
        self._reply(c.S250_OK.with_text(f"{self.config.hostname}"), plain=True)

    def _start_session(self, name: str, *, esmtp: bool) -> None:
        # §4.1.4: a later EHLO resets "exactly as if a RSET command had been issued".
        authenticated = self._session.authenticated_as
        self._session = _Session(helo_name=name, esmtp=esmtp, authenticated_as=authenticated)
        self._step(Step.HELLO)

    def _rset(self, command: CommandLine) -> None:
        if command.argument:
            self._reply(c.S501_NO_ARGUMENTS)
            return
        self._session.transaction = None
        self._session.failed_chunking = False
        self._step(Step.RESET)
        self._reply(c.S250_RESET)

    def _noop(self, command: CommandLine) -> None:
        # §4.1.1.9: "If a parameter string is specified, servers SHOULD ignore it."
        self._reply(c.S250_OK)

    def _quit(self, command: CommandLine) -> None:
        if command.argument:
            self._reply(c.S501_NO_ARGUMENTS)
            return
        self._close(c.S221_BYE.with_text(f"{self.config.hostname} closing connection"), "quit")

    def _help(self, command: CommandLine) -> None:
        topic = command.argument.strip().upper().decode("ascii", "replace")
        if topic and topic not in self._commands:
            self._reply(c.S504_UNKNOWN_TOPIC)
            return
        self._reply(c.S214_HELP)

    def _vrfy(self, command: CommandLine) -> None:
        if not command.argument:
            self._reply(c.S501_SYNTAX)
        elif not self.config.vrfy_answers:
            self._reply(c.S252_CANNOT_VRFY)  # §3.5.3: 252 when not verifying
        else:
            self._reply(lookup(self.config, command.argument))

    def _expn(self, command: CommandLine) -> None:
        if not command.argument:
            self._reply(c.S501_SYNTAX)
        elif not self.config.vrfy_answers:
            self._reply(c.S502_NOT_IMPLEMENTED)
        else:
            self._reply(lookup(self.config, command.argument))

    def _starttls(self, command: CommandLine) -> None:
        if command.argument:
            self._reply(c.S501_NO_ARGUMENTS)
        elif self.tls_active:
            self._reply(c.S503_TLS_ACTIVE)
        elif not self.config.tls_available:
            self._reply(c.S454_TLS_UNAVAILABLE)
        else:
            # Never held: the handshake starts once this is out.  What the script
            # injects after it is the plaintext a client must discard (RFC 3207 §4.2).
            self._outbox += c.render(c.S220_READY_TLS, enhanced=True)
            self._outbox += self.config.script.inject_after_starttls
            self._step(Step.TLS_ACCEPTED)
            self._inbox.clear()
            self._events.append(StartTLS())

    # -- AUTH (RFC 4954) -------------------------------------------------------

    def _auth(self, command: CommandLine) -> None:
        if not auth_offered(self.config, tls_active=self.tls_active):
            if self.config.auth_mechanisms and not self.tls_active:
                self._reply(c.S538_ENCRYPTION_REQUIRED)
            else:
                self._reply(c.S502_NOT_IMPLEMENTED)
            return
        if self._session.authenticated_as is not None:
            self._reply(c.S503_ALREADY_AUTHENTICATED)
            return
        name, _, initial = command.argument.strip(b" ").partition(b" ")
        if not name:
            self._reply(c.S501_SYNTAX)
            return
        self._sasl = new_exchange(self.config)
        self._auth_step(self._sasl.start(name, initial or None))

    def _sasl_response(self, line: bytes) -> None:
        assert self._sasl is not None
        self._auth_step(self._sasl.respond(line))

    def _auth_step(self, outcome: SaslOutcome[c.ServerReply]) -> None:
        match outcome:
            case SaslAuthenticated(user=user):
                self._session.authenticated_as = user
                self._sasl = None
                self._step(Step.SASL_ENDED)
                self._reply(c.S235_AUTH_OK)
            case SaslContinue(reply=reply):
                self._step(Step.SASL_CONTINUED)
                self._emit(c.render(reply, enhanced=False), delay=self.config.script.reply_delay)
            case SaslRefused(reply=reply):
                self._sasl = None
                self._step(Step.SASL_ENDED)
                if reply is c.S535_AUTH_FAILED:
                    self._auth_failed(reply)
                else:
                    self._reply(reply)

    def _auth_failed(self, reply: c.ServerReply) -> None:
        """Wrong credentials: answered after a growing delay, and 421 past the limit."""
        delay = self._misuse.login_failed()
        if delay is None:
            self._close(c.S421_TOO_MANY_AUTH_FAILURES, "too many failed authentications")
            return
        self._reply(reply)
        self._delay_for(delay)

    # -- mail transactions -----------------------------------------------------

    def _mail(self, command: CommandLine) -> None:
        if self.config.require_auth and self._session.authenticated_as is None:
            self._reply(c.S530_AUTH_REQUIRED)
            return
        transaction, reply = Transaction.begin(
            command.argument,
            config=self.config,
            esmtp=self._session.esmtp,
            authenticated=self._session.authenticated_as is not None,
        )
        if transaction is not None:
            self._session.transaction = transaction
            self._rcpts_tried = 0
            self._step(Step.MAIL_ACCEPTED)
        self._reply(reply)

    def _rcpt(self, command: CommandLine) -> None:
        transaction = self._session.transaction
        assert transaction is not None
        reply = transaction.add_recipient(command.argument)
        if transaction.recipients:
            self._step(Step.RECIPIENT_ACCEPTED)
        if reply.code == 452:  # §4.5.3.1.10: too many recipients, for a later transaction
            self._deferred(deferred_by("RCPT", command.argument, transaction, closes=False), 452)
        self._reply(reply)

    def _data_command(self, command: CommandLine) -> None:
        if command.argument:
            self._reply(c.S501_NO_ARGUMENTS)
        elif self.state is State.MAIL:
            self._reply(c.S554_NO_VALID_RECIPIENTS)  # §3.3: 503 or 554
        elif self._inbox and self.config.enforce_data_sync:
            # The octets came with DATA, so the client did not wait for our 354 (RFC
            # 2920 §3.1): read as data they could hold a second, smuggled transaction;
            # read as commands they would be executed.  Neither: close the session.
            self._close(c.S554_SYNCHRONIZATION, "mail data before 354")
        else:
            self._data = DataAccumulator(max_size=self.config.max_message_size)
            self._step(Step.DATA_ACCEPTED)
            self._reply(c.S354_START_INPUT)

    def _consume_data(self) -> None:
        assert self._data is not None
        done = self._data.feed(self._inbox.extract_all())
        if done is None:
            return
        stuffed, leftover = done
        self._inbox.unread(leftover)
        oversized = self._data.oversized
        self._data = None
        self._complete(stuffed, stuffed=True, oversized=oversized)

    def _bdat(self, command: CommandLine) -> None:
        match = _BDAT.fullmatch(command.argument)
        if match is None:
            self._reply(c.S501_SYNTAX)  # no size: nothing to discard
            return
        self._chunk_left = int(match.group(1))
        self._chunk_last = match.group(2) is not None
        self._chunk_error = self._bdat_refusal()
        self._return_state = self.state
        self._step(Step.CHUNK_ANNOUNCED)
        self._consume_chunk()

    def _bdat_refusal(self) -> c.ServerReply | None:
        transaction = self._session.transaction
        if self._tls_required():
            return c.S530_TLS_REQUIRED
        if self._session.failed_chunking or self.state not in (State.RCPT, State.CHUNKING):
            return c.S503_BAD_SEQUENCE
        assert transaction is not None
        if len(transaction.chunks) + self._chunk_left > self.config.max_message_size:
            return c.S552_TOO_BIG
        return None

    def _consume_chunk(self) -> None:
        # RFC 3030 §2: the chunk's octets are read (and discarded on error)
        # before any reply, so they are never taken for commands.
        chunk = self._inbox.extract_at_most(self._chunk_left)
        if self._chunk_error is None and self._session.transaction is not None:
            self._session.transaction.chunks += chunk
        self._chunk_left -= len(chunk)
        if self._chunk_left:
            return
        if self._chunk_error is not None:
            self._session.failed_chunking = self._return_state in (State.RCPT, State.CHUNKING)
            self._step(Step.CHUNK_REFUSED)
            self._reply(self._chunk_error)
        elif self._chunk_last:
            transaction = self._session.transaction
            assert transaction is not None
            self._complete(bytes(transaction.chunks), stuffed=False, oversized=False)
        else:
            self._step(Step.CHUNK_ACCEPTED)
            self._reply(c.ServerReply(code=250, status="2.0.0", lines=("Chunk accepted",)))

    def _complete(self, content: bytes, *, stuffed: bool, oversized: bool) -> None:
        transaction = self._session.transaction
        assert transaction is not None
        refusal = check_message(content, config=self.config, stuffed=stuffed, oversized=oversized)
        self._evidence = f"mail data of {len(content)} octets".encode()
        if isinstance(refusal, c.ServerReply):
            self._end_transaction(refusal)
            return
        envelope = transaction.envelope(
            helo_name=self._session.helo_name,
            protocol=protocol_keyword(
                esmtp=self._session.esmtp,
                smtputf8=transaction.smtputf8,
                tls=self.tls_active,
                authenticated=self._session.authenticated_as is not None,
            ),
        )
        if self.config.script.drop_after_data and self._first_attempt(
            ".", digest_of(content).encode()
        ):
            # §3.8: the client must treat this "as if a 451 response had been received"
            self._deferred(deferred_by(".", b"", transaction, closes=True), 451)
            self._drop()
            return
        trace = trace_field(envelope, config=self.config, peer_ip=self.peer_ip)
        self._events.append(MessageReceived(envelope=envelope, trace=trace, content=refusal))
        self._step(Step.MESSAGE_COMPLETE)

    def _drop(self) -> None:
        self._step(Step.CLOSED)
        self._inbox.clear()
        self._events.append(ConnectionClosed(reason="scripted drop after the final dot"))

    def _finish_storing(self, reply: c.ServerReply) -> None:
        if self.state is not State.STORING:
            return
        self._end_transaction(reply)
        self._process()

    def _end_transaction(self, reply: c.ServerReply) -> None:
        self._session.transaction = None
        self._step(Step.TRANSACTION_ENDED)
        self._reply(reply)
