"""The sans-IO IMAP server: bytes in, responses and events out (RFC 9051, RFC 3501).

Usage by a shell::

    conn = ServerConnection(config)
    send(conn.data_to_send())            # the OK greeting with CAPABILITY
    conn.receive_data(chunk)             # for every read
    while (event := conn.next_event()):  # StoreWork, WatchMailbox, StartTLS, ...
        ...                              # StoreWork: conn.work_done(event.work(store))
    send(conn.data_to_send())

No sockets, no asyncio, no disk: what needs the store is handed to the shell as work.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from reference_impl._core import ByteCore
from reference_impl._defects import RECORD, Defect, DefectPolicy, client_defect
from reference_impl._transitions import next_state
from reference_impl.auth import (
    SaslAuthenticated,
    SaslContinue,
    SaslExchange,
    SaslOutcome,
    SaslRefused,
)
from reference_impl.imap import _judged as judged
from reference_impl.imap import _list_command as listing
from reference_impl.imap import _mailbox_commands as mb
from reference_impl.imap import _message_commands as msg
from reference_impl.imap import _session_commands as sc
from reference_impl.imap._client_defects import ClientDefectKind as Kind
from reference_impl.imap._client_defects import TagLedger, evidence
from reference_impl.imap._config import ServerConfig
from reference_impl.imap._events import ConnectionClosed, Event, StartTLS, StoreWork, WatchMailbox
from reference_impl.imap._framing import (
    CommandFramed,
    CommandFramer,
    FramingLimits,
    FramingRefused,
    LiteralAnnounced,
    Refusal,
)
from reference_impl.imap._grammar import Framed, ImapDefectKind, ImapSyntaxError, Tokens
from reference_impl.imap._responses import Reply, Status, bad, no, ok, status_line, untagged
from reference_impl.imap._sasl import IMAP_SASL_REPLIES, new_exchange
from reference_impl.imap._search_command import search
from reference_impl.imap._session import Outcome, Session, Work
from reference_impl.imap._sort_command import sort
from reference_impl.imap._states import (
    ANY,
    TRANSITIONS,
    State,
    Step,
)
from reference_impl.imap._states import AUTHENTICATED_ONLY as AUTH_ONLY
from reference_impl.imap._states import AUTHENTICATED_OR_SELECTED as AUTH
from reference_impl.imap._states import NOT_AUTHENTICATED_ONLY as NOT_AUTH
from reference_impl.imap._states import SELECTED_ONLY as SEL

__all__ = ["ServerConnection"]

# RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">, then SP and the command name.
_BASE64 = re.compile(rb"[A-Za-z0-9+/]+=*|=")
_TAG = re.compile(rb"([^(){ %*\"\\+\x00-\x1f\x7f-\xff]+)(?= |\Z)")

Handler = Callable[[Tokens], Outcome]


@dataclass(frozen=True)
class _Command:
    states: frozenset[State]
    run: Handler


class ServerConnection(ByteCore[Event]):
    """One IMAP server session, driven entirely by the bytes it is given."""

    def __init__(
        self, config: ServerConfig, *, tls_active: bool = False, policy: DefectPolicy = RECORD
    ) -> None:
        self.config = config
        self.state = State.NOT_AUTHENTICATED
        super().__init__()
        self.session = Session(config=config, tls_active=tls_active)
        self.defects: list[Defect] = []
        self._policy = policy
        self._framer = CommandFramer(self._framing_limits())
        self._tag = b"*"  # the tag of the command being answered
        self._sasl: SaslExchange[Reply | bytes] | None = None
        self._then: Callable[[Reply], None] = self._complete
        self._before_work = self._before_idle = self.state
        self._changed_meanwhile = False  # the watched mailbox changed since last read
        self._received = 0  # octets received on the connection, to place client defects
        self._tags = TagLedger()
        # While output is held (a judge's scenario): the departure input would show,
        # and how many lines show it.
        self._awaited: tuple[Kind, int] | None = None
        self._completed = 0  # tagged completions sent, for bye_after
        self._expunges = judged.ExpungeWatch()
        self._idle_mail = config.mail_during_idle  # delivered once, at the first IDLE
        s = self.session
        self._commands: dict[bytes, _Command] = {
            # RFC 9051 §6.1: any state.
            b"CAPABILITY": _Command(ANY, self._capability),
            b"NOOP": _Command(ANY, lambda t: msg.noop(s, t)),
            b"LOGOUT": _Command(ANY, sc.logout),
            b"ID": _Command(ANY, sc.id_),  # RFC 2971 §3.1: any state
            # RFC 9051 §6.2: not authenticated.
            b"STARTTLS": _Command(NOT_AUTH, self._starttls),
            b"LOGIN": _Command(NOT_AUTH, self._login),
            b"AUTHENTICATE": _Command(NOT_AUTH, self._authenticate),
            # RFC 9051 §6.3: authenticated (and selected).
            # RFC 5161 §3.1: ENABLE only before a mailbox is selected.
            b"ENABLE": _Command(AUTH_ONLY, lambda t: sc.enable(s, t)),
            b"SELECT": _Command(AUTH, lambda t: self._select(t, read_only=False)),
            b"EXAMINE": _Command(AUTH, lambda t: self._select(t, read_only=True)),
            b"CREATE": _Command(AUTH, lambda t: mb.create(s, t)),
            b"DELETE": _Command(AUTH, lambda t: mb.delete(s, t)),
            b"RENAME": _Command(AUTH, lambda t: mb.rename(s, t)),
            b"SUBSCRIBE": _Command(AUTH, lambda t: mb.subscribe(s, t, on=True)),
            b"UNSUBSCRIBE": _Command(AUTH, lambda t: mb.subscribe(s, t, on=False)),
            b"LIST": _Command(AUTH, lambda t: listing.list_(s, t)),
            b"LSUB": _Command(AUTH, lambda t: listing.lsub(s, t)),
            b"STATUS": _Command(AUTH, lambda t: listing.status(s, t)),
            b"APPEND": _Command(AUTH, lambda t: mb.append(s, t)),
            b"NAMESPACE": _Command(AUTH, sc.namespace),  # RFC 2342
            b"IDLE": _Command(AUTH, self._idle),  # RFC 2177
            # RFC 9051 §6.4: selected.
            b"CHECK": _Command(SEL, lambda t: msg.noop(s, t)),  # RFC 3501 §6.4.1
            b"CLOSE": _Command(SEL, lambda t: msg.close(s, t, expunge_first=True)),
            b"UNSELECT": _Command(SEL, lambda t: msg.close(s, t, expunge_first=False)),
            b"EXPUNGE": _Command(SEL, lambda t: msg.expunge(s, t, uid=False)),
            b"SEARCH": _Command(SEL, lambda t: search(s, t, uid=False)),
            b"SORT": _Command(SEL, lambda t: sort(s, t, uid=False)),  # RFC 5256 §3
            b"FETCH": _Command(SEL, lambda t: msg.fetch(s, t, uid=False)),
            b"STORE": _Command(SEL, lambda t: msg.store(s, t, uid=False)),
            b"COPY": _Command(SEL, lambda t: msg.copy(s, t, uid=False, move=False)),
            b"MOVE": _Command(SEL, lambda t: msg.copy(s, t, uid=False, move=True)),
            # RFC 9051 §6.4.9, RFC 4315 §2.1 (UID EXPUNGE), RFC 6851 §3 (UID MOVE).
            b"UID EXPUNGE": _Command(SEL, lambda t: msg.expunge(s, t, uid=True)),
            b"UID SEARCH": _Command(SEL, lambda t: search(s, t, uid=True)),
            b"UID SORT": _Command(SEL, lambda t: sort(s, t, uid=True)),
            b"UID FETCH": _Command(SEL, lambda t: msg.fetch(s, t, uid=True)),
            b"UID STORE": _Command(SEL, lambda t: msg.store(s, t, uid=True)),
            b"UID COPY": _Command(SEL, lambda t: msg.copy(s, t, uid=True, move=False)),
            b"UID MOVE": _Command(SEL, lambda t: msg.copy(s, t, uid=True, move=True)),
        }
        greeting = b"OK [CAPABILITY " + self.capabilities() + b"] mail-conformance IMAP ready"
        if config.preauth:  # RFC 9051 §7.1.4: authenticated by external means
            self.session.user = config.preauth
            self._step(Step.LOGGED_IN)
            greeting = judged.preauth_greeting(self._capabilities_after_login(), config.preauth)
        if config.greeting_delay:  # RFC 9051 §3: the greeting names the initial state
            self._awaited = (Kind.SENT_BEFORE_GREETING, 1)
            self._send_later(untagged(greeting), config.greeting_delay)
        else:
            self._outbox += untagged(greeting)

    # -- the shell's interface -------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        self._received += len(data)
        super().receive_data(data)

    @property
    def _closed(self) -> bool:
        return self.state is State.LOGOUT

    def work_done(self, reply: Reply) -> None:
        """The shell ran the pending ``StoreWork``; ``reply`` is what it returned."""
        if self.state is not State.WAITING:
            return
        self._step(Step.WORK_DONE, previous=self._before_work)
        self._then(reply)
        if self._changed_meanwhile and self._idling():
            self.mailbox_changed()  # it came while the store was being read
        self._process()

    def work_failed(self) -> None:
        """The store failed unexpectedly (RFC 5530 §3 SERVERBUG)."""
        self.work_done(no("internal error", b"SERVERBUG"))

    def _idling(self) -> bool:
        return self.state is State.IDLE

    def mailbox_changed(self) -> None:
        """The watched mailbox changed: IDLE pushes the updates at once (RFC 2177 §3);
        otherwise they wait for the next command."""
        self._changed_meanwhile = True
        if self.state is State.IDLE and self.session.view is not None:
            self._changed_meanwhile = False
            view = self.session.view
            self._start_work(
                lambda store: ok("", data=view.refresh(store, expunge=True)), self._pushed
            )

    def tls_started(self) -> None:
        """Handshake done: forget what was sent before it (RFC 9051 §6.2.1)."""
        self.session.tls_active = True
        self._inbox.clear()
        self._framer.reset()
        self._step(Step.TLS_STARTED)
        if self.config.hold_after_tls:  # no answer in TLS before then
            # A client that waits sends one command; a second one means it took
            # something from before the handshake as the first one's completion.
            self._awaited = (Kind.INJECTED_RESPONSE_TAKEN, 2)
            self._send_later(b"", self.config.hold_after_tls)

    def _input_while_held(self) -> None:
        if self._awaited and bytes(self._inbox).count(b"\r\n") >= self._awaited[1]:
            self._client_defect(self._awaited[0], bytes(self._inbox))
            self._awaited = None

    def pace_served(self) -> None:
        self._awaited = None
        super().pace_served()

    def timed_out(self) -> None:
        """Autologout (RFC 9051 §5.4): BYE, then close."""
        if self.state is not State.LOGOUT:
            self._outbox += untagged(b"BYE autologout; idle for too long")
            self._close("autologout")

    # -- input ------------------------------------------------------------------------

    def _process(self) -> None:
        while self._inbox and not self._closed:
            if self.state is State.TLS_HANDSHAKE:
                self._inbox.clear()  # RFC 9051 §6.2.1 / CVE-2011-0411: not into TLS
                return
            if self.state is State.WAITING:
                return
            if self.state in (State.SASL, State.IDLE):
                if not self._continuation_line():
                    return
                continue
            output = self._framer.next(self._inbox)
            if output is None:
                return
            self._framed(output)

    def _framed(self, output: CommandFramed | LiteralAnnounced | FramingRefused) -> None:
        match output:
            case CommandFramed(framed=framed):
                self._command(framed)
            case LiteralAnnounced(first_line=first):
                if self._inbox:  # sent before the "+" below could be read
                    self._client_defect(Kind.LITERAL_BEFORE_CONTINUATION, first)
                refusal = self._refuse_early(first)
                if refusal is None:
                    self._outbox += b"+ Ready for literal data\r\n"  # RFC 9051 §7.5
                    self._framer.accept_literal()
                else:
                    self._framer.refuse_literal()
                    self._note_tag(self._tag_of(first), first)
                    self._answer(self._tag_of(first), refusal)
            case FramingRefused(first_line=first, refusal=refusal):
                if refusal is Refusal.NON_SYNC_TOO_BIG:
                    self._client_defect(Kind.NON_SYNC_TOO_BIG, first)
                code = b"TOOBIG" if refusal is not Refusal.LINE_TOO_LONG else b""
                self._answer(self._tag_of(first), bad(refusal.value, code))

    def _tag_of(self, line: bytes) -> bytes:
        found = _TAG.match(line)
        return found.group(1) if found else b"*"

    def _refuse_early(self, first_line: bytes) -> Reply | None:
        """Before sending "+" for a literal: a command that will be refused anyway is
        answered now, and its literal never sent (RFC 9051 §7.5)."""
        found = _TAG.match(first_line)
        if found is None:
            self._client_defect(Kind.SYNTAX, first_line)
            return bad("missing or invalid tag")
        rest = first_line[found.end() + 1 :]
        words = rest.split(b" ", 2)
        name = words[0].upper()
        if name == b"UID" and len(words) > 1:
            name += b" " + words[1].upper()
        rule = self._commands.get(name)
        if rule is None:
            return bad("unknown command")
        if self.state not in rule.states:
            self._client_defect(judged.wrong_state(name, self.config), first_line)
            return bad("command not valid in this state")
        return None

    def _command(self, framed: Framed) -> None:
        if self._not_a_command(framed):
            return
        tokens = Tokens(framed)
        found = tokens.match(_TAG)
        if found is None:
            # RFC 9051 §7.1.5: "If ... the tag ... cannot be read", untagged BAD.
            self._defect(ImapDefectKind.MISSING_TAG, framed.parts[0][:40])
            self._client_defect(Kind.SYNTAX, framed.parts[0])
            self._answer(b"*", bad("missing or invalid tag"))
            return
        tag = found.group(1)
        self._note_tag(tag, framed.parts[0])
        try:
            tokens.sp()
            name = tokens.keyword()
            if name == b"UID":
                tokens.sp()
                name += b" " + tokens.keyword()
        except ImapSyntaxError as error:
            self._answer(tag, self._syntax_error(error))
            return
        self._dispatch(tag, name, tokens)

    def _dispatch(self, tag: bytes, name: bytes, tokens: Tokens) -> None:
        rule = self._commands.get(name)
        if rule is None:
            self._answer(tag, bad("unknown command"))
            return
        if self.state not in rule.states:
            # RFC 9051 §6: "the server will respond with a BAD or NO".
            self._client_defect(judged.wrong_state(name, self.config), tag + b" " + name)
            self._answer(tag, bad("command not valid in this state"))
            return
        self._tag = self.session.tag = tag
        try:
            outcome = rule.run(tokens)
        except ImapSyntaxError as error:
            self._answer(tag, self._syntax_error(error, name))
            return
        if self._expunges.stale(self.session, self._consumed):
            self._client_defect(Kind.STALE_SEQUENCE_NUMBER, tag + b" " + name)
        if outcome is _ANSWERED:
            return
        if isinstance(outcome, Reply):
            self._complete(outcome)
        else:
            self._start_work(outcome, self._complete)

    def _syntax_error(self, error: ImapSyntaxError, name: bytes = b"") -> Reply:
        self._policy.handle(error.defect, self.defects)
        # What is left of a LOGIN or AUTHENTICATE may be the password: not for a log.
        detail = error.defect.detail.encode("utf-8", "replace")
        shown = name if name in _SECRET_COMMANDS else detail
        self._client_defect(Kind.SYNTAX, shown)
        return bad(f"syntax error: {error.defect.kind.name.lower().replace('_', ' ')}")

    def _defect(self, kind: ImapDefectKind, evidence: bytes) -> None:
        self._policy.handle(Defect(kind=kind, detail=repr(evidence)[2:-1]), self.defects)

    # -- what the client did wrong (_client_defects) -------------------------------------

    def _client_defect(self, kind: Kind, line: bytes) -> None:
        self._events.append(client_defect(kind, evidence(line)))

    @property
    def _consumed(self) -> int:
        return self._received - len(self._inbox)

    def _note_tag(self, tag: bytes, line: bytes) -> None:
        kind = self._tags.command(tag, end=self._consumed)
        if kind is not None:
            self._client_defect(kind, line)

    def _not_a_command(self, framed: Framed) -> bool:
        """A line that breaks the framing itself: answered BAD, not parsed further."""
        lines = framed.parts
        if any(b"\r" in line or b"\n" in line for line in lines):
            self._client_defect(Kind.BARE_LINE_END, lines[0])
            self._answer(self._tag_of(lines[0]), bad("bare CR or LF in a command line"))
            return True
        if len(lines) == 1 and lines[0].upper() == b"DONE":
            self._client_defect(Kind.DONE_OUTSIDE_IDLE, lines[0])
            self._answer(b"*", bad("DONE outside IDLE"))
            return True
        return False

    # -- answering ---------------------------------------------------------------------

    def _start_work(self, work: Work, then: Callable[[Reply], None]) -> None:
        self._before_work = self.state
        self._then = then
        self._step(Step.WORK_STARTED)
        self._events.append(StoreWork(work=sc.refusing_bad_names(work)))

    def _answer(self, tag: bytes, reply: Reply) -> None:
        self._tag = tag
        self._complete(reply)

    def _complete(self, reply: Reply) -> None:
        """Untagged data, then the tagged status (RFC 9051 §2.2.2), then the state change."""
        self._outbox += reply.data
        self._expunges.written(self.session.view, self._received)
        if self.config.unsolicited and self.state is State.SELECTED and self.session.view:
            self._outbox += judged.unsolicited(self.session.view)
        if self.config.endless_literal and self.state is State.SELECTED:
            self._outbox += judged.ENDLESS_LITERAL
            self._close("endless literal")
            return
        self._outbox += status_line(self._tag, reply.status, reply.text, reply.code)
        if self._tag != b"*":
            self._tags.completed(self._tag, horizon=self._received, end=self._consumed)
            self._completed += 1
        if self._completed == self.config.bye_after > 0 and not reply.closes:
            self._outbox += untagged(judged.BYE)
            self._close("bye")
            return
        if reply.step is not None:
            self._step(reply.step)
            self._watch(reply.step)
        if reply.closes:
            self._close("logout")

    def _pushed(self, reply: Reply) -> None:
        self._outbox += reply.data
        self._expunges.written(self.session.view, self._received)

    def _watch(self, step: Step) -> None:
        if step is Step.SELECTED and self.session.view is not None:
            self._events.append(
                WatchMailbox(user=self.session.owner, mailbox=self.session.view.mailbox)
            )
        elif step is Step.DESELECTED and self.session.user is not None:
            self._events.append(WatchMailbox(user=self.session.owner, mailbox=None))

    def _step(self, step: Step, *, previous: State | None = None) -> None:
        """Move to the state ``step`` leads to (``TRANSITIONS``, in _states.py)."""
        self.state = next_state(TRANSITIONS, self.state, step, previous=previous)
        self._framer.limits = self._framing_limits()

    def _framing_limits(self) -> FramingLimits:
        """The configured limits; before login with small literals only."""
        limits = self.config.limits
        if self.session.user is not None:
            return limits
        return dataclasses.replace(limits, max_literal=limits.max_literal_before_login)

    def _close(self, reason: str) -> None:
        self._step(Step.LOGGED_OUT)
        self._inbox.clear()
        self._events.append(ConnectionClosed(reason=reason))

    # -- lines that are not commands: SASL responses and IDLE's DONE ----------------------

    def _continuation_line(self) -> bool:
        line = self._inbox.extract_line(self.config.max_sasl_line)
        if line is None:
            return False
        if self.state is State.IDLE:
            self._step(Step.IDLE_DONE, previous=self._before_idle)
            # RFC 2177 §3: DONE ends IDLE; anything else is a protocol error.
            done = line.content.upper() == b"DONE" and not line.too_long
            if not done:
                self._client_defect(Kind.COMMAND_DURING_IDLE, line.content)
            self._complete(ok("IDLE terminated") if done else bad("expected DONE"))
        elif line.too_long:
            self._end_sasl(bad("SASL response too long"))
        else:
            assert self._sasl is not None
            self._sasl_step(self._sasl.respond(line.content))
        return True

    # -- any state (RFC 9051 §6.1) ---------------------------------------------------------

    def capabilities(self) -> bytes:
        return sc.capabilities(self.session, before_login=self.state is State.NOT_AUTHENTICATED)

    def _login_allowed(self) -> bool:
        return sc.login_allowed(self.session)

    def _capability(self, tokens: Tokens) -> Outcome:
        tokens.end()
        return ok("capabilities listed", data=untagged(b"CAPABILITY " + self.capabilities()))

    # -- not authenticated (RFC 9051 §6.2) -------------------------------------------------

    def _starttls(self, tokens: Tokens) -> Outcome:
        tokens.end()
        if self.session.tls_active or not self.config.tls_available:
            return bad("TLS not available")
        if self.config.starttls_refused:
            return bad("TLS not available now")
        if self._inbox:  # sent before the OK below could be read
            self._client_defect(Kind.COMMAND_AFTER_STARTTLS, bytes(self._inbox)[:80])
        self._tag_reply(ok("begin TLS negotiation now"))
        if self.config.inject_after_starttls:
            self._outbox += judged.injected_after_starttls(self._tag)
        self._step(Step.TLS_ACCEPTED)
        self._inbox.clear()  # pipelined octets are not carried into TLS
        self._framer.reset()
        self._events.append(StartTLS())
        return _ANSWERED

    def _tag_reply(self, reply: Reply) -> None:
        self._outbox += status_line(self._tag, reply.status, reply.text, reply.code)

    def _select(self, tokens: Tokens, *, read_only: bool) -> Outcome:
        if self.config.select_refused:
            # RFC 9051 §6.3.2: "NO - select failure, now in authenticated state".
            tokens.sp()
            tokens.astring()
            return Reply(status=Status.NO, text="cannot select now", step=Step.DESELECTED)
        outcome = mb.select(self.session, tokens, read_only=read_only)
        if self.config.expunge_elsewhere and not isinstance(outcome, Reply):
            return judged.expunging_last(self.session, outcome)
        return outcome

    def _login(self, tokens: Tokens) -> Outcome:
        tokens.sp()
        user = tokens.astring()
        tokens.sp()
        password = tokens.astring()
        tokens.end()
        if not self._login_allowed():
            self._client_defect(Kind.LOGIN_WHEN_DISABLED, self._tag + b" LOGIN")
            return no("LOGIN needs TLS first", b"PRIVACYREQUIRED")  # RFC 5530 §3
        name, secret = user.decode("utf-8", "replace"), password.decode("utf-8", "replace")
        if not self.config.accounts.authenticate(name, secret):
            return no("LOGIN failed", b"AUTHENTICATIONFAILED")
        return self._logged_in(name)

    def _logged_in(self, user: str) -> Reply:
        self.session.user = user
        # RFC 9051 §6.2.3: the OK may carry the capabilities as they are now.
        return Reply(
            status=Status.OK,
            text="logged in",
            step=Step.LOGGED_IN,
            code=b"CAPABILITY " + self._capabilities_after_login(),
        )

    def _capabilities_after_login(self) -> bytes:
        words = self.capabilities().split(b" ")
        return b" ".join(w for w in words if not w.startswith((b"AUTH=", b"STARTTLS", b"LOGIN")))

    def _authenticate(self, tokens: Tokens) -> Outcome:
        tokens.sp()
        mechanism = tokens.atom()
        initial = None  # RFC 4959 §3: SP initial-response ("=" for an empty one)
        if not tokens.at_end():
            tokens.sp()
            found = tokens.match(_BASE64)
            initial = found.group() if found else b""
        tokens.end()
        if not self._login_allowed():
            return no("AUTHENTICATE needs TLS first", b"PRIVACYREQUIRED")
        self._sasl = new_exchange(self.config)
        return self._sasl_step(self._sasl.start(mechanism, initial))

    def _sasl_step(self, outcome: SaslOutcome[Reply | bytes]) -> Reply:
        match outcome:
            case SaslContinue(reply=bytes() as line):
                self._step(Step.SASL_CONTINUED)
                self._outbox += line
                return _ANSWERED
            case SaslAuthenticated(user=user):
                self._sasl = None
                return self._finish_sasl(self._logged_in(user))
            case SaslRefused(reply=Reply() as reply):
                if reply == IMAP_SASL_REPLIES.bad_base64:
                    self._client_defect(Kind.BAD_SASL_RESPONSE, self._tag + b" AUTHENTICATE")
                return self._end_sasl(reply)
        raise AssertionError(f"unexpected SASL outcome {outcome!r}")

    def _finish_sasl(self, reply: Reply) -> Reply:
        if self.state is State.SASL:
            self._complete(reply)
            return _ANSWERED
        return reply

    def _end_sasl(self, reply: Reply) -> Reply:
        self._sasl = None
        if self.state is State.SASL:
            self._step(Step.SASL_ENDED)
            self._complete(reply)
            return _ANSWERED
        return reply

    # -- authenticated ---------------------------------------------------------------------

    def _idle(self, tokens: Tokens) -> Outcome:
        tokens.end()
        self._before_idle = self.state
        self._step(Step.IDLE_STARTED)
        self._outbox += b"+ idling\r\n"  # RFC 2177 §3
        view = self.session.view
        if view is not None:
            work: Work = lambda store: ok("", data=view.refresh(store, expunge=True))  # noqa: E731
            if self._idle_mail:
                self._idle_mail, work = False, judged.arriving(view, work)
            self._start_work(work, self._pushed)
        return _ANSWERED


# Commands whose arguments are credentials (RFC 9051 §6.2.2, §6.2.3).
_SECRET_COMMANDS = frozenset({b"LOGIN", b"AUTHENTICATE"})

# Returned by a handler that wrote its own answer (or a continuation) already.
_ANSWERED = Reply(status=Status.OK, text="")
