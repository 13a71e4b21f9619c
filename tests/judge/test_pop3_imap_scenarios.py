"""The POP3 and IMAP cores under each judge scenario's ``ServerConfig``: what the server
does differently, and the client defects only a scenario can reveal (in memory)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from reference_impl._defects import ClientDefect
from reference_impl._listeners import demo_accounts
from reference_impl._scenarios import judging_of
from reference_impl.imap import ServerConfig as ImapConfig
from reference_impl.imap import ServerConnection as ImapServer
from reference_impl.imap import StoreWork
from reference_impl.imap._client_defects import ClientDefectKind as ImapKind
from reference_impl.imap._judged import next_tag
from reference_impl.pop3 import ServerConnection as Pop3Server
from reference_impl.pop3._client_defects import ClientDefectKind as Pop3Kind
from reference_impl.pop3._config import ServerConfig as Pop3Config
from reference_impl.pop3._events import ConnectionClosed, ListedMessage, Maildrop
from reference_impl.store import MailStore

POP3 = judging_of("reference_impl.pop3._scenarios")
IMAP = judging_of("reference_impl.imap._scenarios")
LOGIN = b"L LOGIN alice alice-password\r\n"


def _kinds(events: list[Any]) -> list[Any]:
    return [event.defect.kind for event in events if isinstance(event, ClientDefect)]


# -- POP3 --------------------------------------------------------------------------------


class Pop3:
    def __init__(self, scenario: str, **changes: Any) -> None:
        config = Pop3Config(accounts=demo_accounts(), tls_available=True)
        changes = {**POP3.scenario(scenario).config_changes, **changes}
        self.conn = Pop3Server(dataclasses.replace(config, **changes))
        self.events: list[Any] = []
        self.send(b"")

    def send(self, data: bytes) -> bytes:
        self.conn.receive_data(data)
        self.events += iter(self.conn.next_event, None)
        return self.conn.data_to_send()


def test_pop3_no_capa_answers_err() -> None:
    """RFC 2449 §5: a server without CAPA answers -ERR, as an unknown command."""
    assert Pop3("no-capa").send(b"CAPA\r\n").startswith(b"-ERR")
    assert b"PIPELINING" in Pop3("baseline").send(b"CAPA\r\n")


def test_pop3_user_refused_then_pass_is_a_client_defect() -> None:
    """RFC 1939 §4, §7: after -ERR to USER, PASS is out of sequence."""
    pop3 = Pop3("user-refused")
    assert pop3.send(b"USER alice\r\n").startswith(b"-ERR")
    pop3.send(b"PASS alice-password\r\n")
    assert _kinds(pop3.events) == [Pop3Kind.PASS_WITHOUT_USER]


def test_pop3_credentials_after_a_refused_stls_are_a_should_defect() -> None:
    """RFC 8314 §5: a client that wanted TLS should not go on in the clear."""
    pop3 = Pop3("stls-refused")
    assert b"STLS" in pop3.send(b"CAPA\r\n")
    assert pop3.send(b"STLS\r\n").startswith(b"-ERR")
    pop3.send(b"USER alice\r\n")
    assert _kinds(pop3.events) == [Pop3Kind.CREDENTIALS_AFTER_TLS_REFUSED]
    quiet = Pop3("baseline", tls_available=False)  # no STLS offered: nothing to refuse
    quiet.send(b"STLS\r\nUSER alice\r\n")
    assert _kinds(quiet.events) == []


def test_pop3_a_command_pipelined_after_stls() -> None:
    """RFC 2595 §4: no further command until the response and the handshake."""
    pop3 = Pop3("baseline")
    pop3.send(b"STLS\r\nUSER alice\r\n")
    assert _kinds(pop3.events) == [Pop3Kind.COMMAND_AFTER_STLS]


@pytest.mark.parametrize(("sent", "kinds"), [(b"CAPA\r\n", []), (b"CAPA\r\nUSER a\r\n", [1])])
def test_pop3_injection_and_the_held_first_answer(sent: bytes, kinds: list[int]) -> None:
    """The injected answer follows the +OK; in TLS the first command waits, and a second
    one arriving meanwhile is the evidence the client took the injected answer."""
    pop3 = Pop3("stls-injection")
    assert b"PIPELINING" not in pop3.send(b"CAPA\r\n")
    assert pop3.send(b"STLS\r\n").endswith(b"\r\n+OK injected before TLS\r\nUSER\r\n.\r\n")
    pop3.conn.tls_started()
    assert pop3.conn.pace == 0.5
    assert pop3.send(sent) == b""  # held
    pop3.conn.pace_served()
    assert pop3.conn.data_to_send().startswith(b"+OK")
    expected = [Pop3Kind.INJECTED_RESPONSE_TAKEN] * len(kinds)
    assert _kinds([*pop3.events, *iter(pop3.conn.next_event, None)]) == expected


# -- IMAP --------------------------------------------------------------------------------


class Imap:
    def __init__(self, root: Path, scenario: str) -> None:
        config = ImapConfig(accounts=demo_accounts(), tls_available=True)
        self.store = MailStore(root)
        for message in IMAP.messages:
            self.store.deliver("alice", message)
        changes = IMAP.scenario(scenario).config_changes
        self.conn = ImapServer(dataclasses.replace(config, **changes))
        self.events: list[Any] = []
        self.greeting = self.send(b"")

    def send(self, data: bytes) -> bytes:
        self.conn.receive_data(data)
        out = bytearray(self.conn.data_to_send())
        while (event := self.conn.next_event()) is not None:
            self.events.append(event)
            if isinstance(event, StoreWork):
                self.conn.work_done(event.work(self.store))
            out += self.conn.data_to_send()
        return bytes(out)


@pytest.mark.parametrize(
    ("tag", "following"), [(b"A001", b"A002"), (b"a9", b"a10"), (b"KBJP3", b"KBJP4"), (b"x", b"x1")]
)
def test_the_injected_completion_guesses_the_next_tag(tag: bytes, following: bytes) -> None:
    assert next_tag(tag) == following


def test_imap_starttls_refused_and_login_anyway(tmp_path: Path) -> None:
    """RFC 9051 §6.2.3: LOGINDISABLED stays, so LOGIN after the refusal is a defect."""
    imap = Imap(tmp_path, "starttls-refused")
    assert imap.send(b"t STARTTLS\r\n").startswith(b"t BAD")
    assert b"l NO" in imap.send(b"l LOGIN alice alice-password\r\n")
    assert _kinds(imap.events) == [ImapKind.LOGIN_WHEN_DISABLED]


@pytest.mark.parametrize(
    ("sent", "count"), [(b"A002 CAPABILITY\r\n", 0), (b"A002 X\r\nA003 Y\r\n", 1)]
)
def test_imap_injection_and_the_held_first_answer(tmp_path: Path, sent: bytes, count: int) -> None:
    imap = Imap(tmp_path, "starttls-injection")
    out = imap.send(b"A001 STARTTLS\r\n")
    assert out.startswith(b"A001 OK")
    assert out.endswith(
        b"A002 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN X-INJECTED-BEFORE-TLS] injected before TLS\r\n"
    )
    imap.conn.tls_started()
    assert imap.conn.pace == 0.5
    assert imap.send(sent) == b""  # held
    imap.conn.pace_served()
    events = [*imap.events, *iter(imap.conn.next_event, None)]
    assert _kinds(events) == [ImapKind.INJECTED_RESPONSE_TAKEN] * count


def test_imap_select_refused_leaves_the_client_unselected(tmp_path: Path) -> None:
    """RFC 9051 §6.3.2: NO to SELECT leaves the authenticated state; FETCH is then out of
    state."""
    imap = Imap(tmp_path, "select-refused")
    imap.send(LOGIN)
    assert b"s NO" in imap.send(b"s SELECT INBOX\r\n")
    assert b"f BAD" in imap.send(b"f FETCH 1 FLAGS\r\n")
    assert _kinds(imap.events) == [ImapKind.BAD_STATE]


def test_imap_unsolicited_data_before_each_completion(tmp_path: Path) -> None:
    """RFC 9051 §7: EXISTS and FETCH may come at any time; FETCH carries the UID."""
    imap = Imap(tmp_path, "unsolicited")
    imap.send(LOGIN)
    imap.send(b"s SELECT INBOX\r\n")
    out = imap.send(b"n NOOP\r\n")
    assert out == b"* 2 EXISTS\r\n* 1 FETCH (UID 1 FLAGS (\\Recent))\r\nn OK done\r\n"
    imap.send(b"c CLOSE\r\n")
    assert imap.send(b"m NOOP\r\n") == b"m OK done\r\n"  # none outside SELECTED


def test_imap_bye_after_the_third_command(tmp_path: Path) -> None:
    """RFC 9051 §7.1.5: BYE, then the server closes."""
    imap = Imap(tmp_path, "bye")
    imap.send(b"a NOOP\r\nb NOOP\r\n")
    out = imap.send(b"c NOOP\r\nd NOOP\r\n")
    assert out.endswith(
        b"c OK done\r\n* BYE [UNAVAILABLE] closing now, as a server may at any time\r\n"
    )
    assert imap.conn.state.name == "LOGOUT"


def test_pop3_unterminated_retr_sends_half_and_closes() -> None:
    """The RETR answer stops halfway with no "." line, and the session ends (hostile)."""
    pop3 = Pop3("unterminated-retr")
    pop3.send(b"USER alice\r\nPASS alice-password\r\n")
    pop3.conn.maildrop_opened(Maildrop(uid_validity=1, messages=(ListedMessage(uid=1, size=20),)))
    pop3.send(b"RETR 1\r\n")
    pop3.conn.message_loaded(b"Subject: x\r\n\r\n.body\r\n")
    out = pop3.conn.data_to_send()
    assert out == b"+OK\r\nSubject: x\r\n"  # the first 11 octets, and no "." line
    assert isinstance([*iter(pop3.conn.next_event, None)][-1], ConnectionClosed)


def test_imap_endless_literal_at_the_first_answer_in_selected(tmp_path: Path) -> None:
    imap = Imap(tmp_path, "endless-literal")
    imap.send(LOGIN)
    assert b"s OK" in imap.send(b"s SELECT INBOX\r\n")
    out = imap.send(b"f UID FETCH 1 FLAGS\r\n")
    assert b"{99999999999999999999}\r\n" in out and b"f OK" not in out
    assert imap.conn.state.name == "LOGOUT"


def test_pop3_a_command_before_a_slow_greeting() -> None:
    """The greeting is held; a command that comes meanwhile did not wait for it."""
    pop3 = Pop3("slow-greeting")
    assert pop3.conn.pace == 1.0 and pop3.send(b"CAPA\r\n") == b""
    pop3.conn.pace_served()
    assert pop3.conn.data_to_send().startswith(b"+OK mail-conformance POP3 server ready")
    assert _kinds([*pop3.events, *iter(pop3.conn.next_event, None)]) == [
        Pop3Kind.SENT_BEFORE_GREETING
    ]


def test_imap_a_command_before_a_slow_greeting(tmp_path: Path) -> None:
    imap = Imap(tmp_path, "slow-greeting")
    assert imap.conn.pace == 1.0 and imap.send(b"a CAPABILITY\r\n") == b""
    imap.conn.pace_served()
    out = imap.conn.data_to_send()
    assert out.startswith(b"* OK [CAPABILITY") and out.endswith(b"a OK capabilities listed\r\n")
    assert _kinds([*imap.events, *iter(imap.conn.next_event, None)]) == [
        ImapKind.SENT_BEFORE_GREETING
    ]


def test_imap_preauth_starts_authenticated(tmp_path: Path) -> None:
    """RFC 9051 §7.1.4: PREAUTH greets; SELECT works at once, LOGIN is its own defect
    (not the general state one), STARTTLS only the state one."""
    imap = Imap(tmp_path, "preauth")
    assert imap.greeting.startswith(b"* PREAUTH [CAPABILITY IMAP4rev1")
    assert b"STARTTLS" not in imap.greeting and b"AUTH=" not in imap.greeting
    assert b"s OK" in imap.send(b"s SELECT INBOX\r\n")
    assert imap.send(LOGIN).startswith(b"L BAD")
    assert imap.send(b"t STARTTLS\r\n").startswith(b"t BAD")
    assert _kinds(imap.events) == [ImapKind.LOGIN_AFTER_PREAUTH, ImapKind.BAD_STATE]


def test_imap_expunge_elsewhere_waits_for_a_command_that_may_carry_it(tmp_path: Path) -> None:
    """RFC 9051 §7.5.1: not in the answer to FETCH, STORE or SEARCH; in NOOP's. A number
    named after it that only the EXPUNGE took away is a defect; before it, none."""
    imap = Imap(tmp_path, "expunge-elsewhere")
    imap.send(LOGIN)
    assert b"* 2 EXISTS" in imap.send(b"s SELECT INBOX\r\n")
    for command in (b"f FETCH 1:* FLAGS\r\n", b"t STORE 1 +FLAGS (x)\r\n", b"e SEARCH ALL\r\n"):
        assert b"EXPUNGE" not in imap.send(command)
    assert imap.send(b"n NOOP\r\n") == b"* 2 EXPUNGE\r\nn OK done\r\n"
    assert _kinds(imap.events) == []
    assert imap.send(b"g FETCH 1 FLAGS\r\n").endswith(b"g OK fetched\r\n")
    assert imap.send(b"h FETCH 2 FLAGS\r\n").startswith(b"h BAD")
    assert imap.send(b"i FETCH 3 FLAGS\r\n").startswith(b"i BAD")  # never a message here
    assert _kinds(imap.events) == [ImapKind.STALE_SEQUENCE_NUMBER]


def test_imap_a_number_sent_before_the_expunge_was_written_is_no_defect(tmp_path: Path) -> None:
    imap = Imap(tmp_path, "expunge-elsewhere")
    imap.send(LOGIN)
    imap.send(b"s SELECT INBOX\r\n")
    out = imap.send(b"n NOOP\r\nf FETCH 2 FLAGS\r\n")  # pipelined behind the NOOP
    assert b"* 2 EXPUNGE" in out and b"f BAD" in out
    assert _kinds(imap.events) == []


def test_imap_new_mail_as_the_first_idle_starts(tmp_path: Path) -> None:
    """RFC 2177 §3: the news is pushed while idling; only the first IDLE brings some."""
    imap = Imap(tmp_path, "baseline")
    imap.send(LOGIN)
    imap.send(b"s SELECT INBOX\r\n")
    assert imap.send(b"i IDLE\r\n").startswith(b"+ idling\r\n* 3 EXISTS\r\n")
    assert imap.send(b"DONE\r\n") == b"i OK IDLE terminated\r\n"
    assert imap.send(b"j IDLE\r\n") == b"+ idling\r\n"
