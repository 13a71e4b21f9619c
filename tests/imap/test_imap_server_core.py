"""The sans-IO IMAP server core, driven in memory against a store in a temp dir."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from imap_driver import Driven, driven, logged_in

from reference_impl.imap import ImapDefectKind, State, StoreWork
from reference_impl.imap._framing import FramingLimits
from reference_impl.imap._structure import body_structure_wire, envelope_wire
from reference_impl.store import MailStore

MESSAGE = b"From: Bob <bob@example.test>\r\nSubject: hello\r\n\r\nHello there\r\n"


@pytest.fixture
def store(tmp_path: Path) -> MailStore:
    return MailStore(tmp_path)


def selected(store: MailStore, *messages: bytes, **changes: object) -> Driven:
    for data in messages:
        store.deliver("alice", data)
    pair = logged_in(store.root, store, **changes)
    assert b"s OK [READ-WRITE]" in pair.send(b"s SELECT INBOX\r\n")
    return pair


# -- tags and syntax (RFC 9051 §2.2.1, §7.1.5) ------------------------------------------------


def test_greeting_is_ok_with_capabilities(store: MailStore) -> None:
    """RFC 9051 §7.1.1: the greeting is an untagged OK; CAPABILITY code optional."""
    pair = driven(store.root, store)
    greeting = bytes(pair.conn.data_to_send()) or pair.events  # already pumped
    assert pair.conn.state is State.NOT_AUTHENTICATED
    assert greeting is not None


def test_the_exact_tag_is_echoed(store: MailStore) -> None:
    """RFC 9051 §2.2.1: the tagged response carries the command's tag."""
    pair = driven(store.root, store)
    assert pair.send(b"A]b.c~9 NOOP\r\n") == b"A]b.c~9 OK done\r\n"


def test_a_line_without_tag_gets_untagged_bad(store: MailStore) -> None:
    """RFC 9051 §7.1.5: BAD untagged when the tag cannot be read."""
    pair = driven(store.root, store)
    assert pair.send(b"+x NOOP\r\n").startswith(b"* BAD")
    assert pair.send(b"\r\n").startswith(b"* BAD")
    assert pair.conn.defects[-1].kind is ImapDefectKind.MISSING_TAG


@pytest.mark.parametrize(
    "command",
    [b"t FROB", b"t NOOP extra", b"t LOGIN alice", b"t  NOOP", b"t SELECT", b"t UID FROB 1"],
)
def test_syntax_errors_get_tagged_bad(store: MailStore, command: bytes) -> None:
    """RFC 9051 §7.1.5: BAD for an unknown command or invalid arguments."""
    pair = driven(store.root, store)
    assert pair.send(command + b"\r\n").startswith(b"t BAD ")


@pytest.mark.parametrize(
    ("state", "command"),
    [
        ("not authenticated", b"t SELECT INBOX"),
        ("not authenticated", b"t FETCH 1 FLAGS"),
        ("not authenticated", b"t ENABLE IMAP4rev2"),
        ("authenticated", b"t LOGIN alice alice-pw"),
        ("authenticated", b"t FETCH 1 FLAGS"),
        ("authenticated", b"t EXPUNGE"),
        ("authenticated", b"t CLOSE"),
        ("selected", b"t AUTHENTICATE PLAIN"),
        ("selected", b"t ENABLE IMAP4rev2"),
    ],
)
def test_commands_refused_in_the_wrong_state(store: MailStore, state: str, command: bytes) -> None:
    """RFC 9051 §6: a command in an inappropriate state gets BAD or NO; state unchanged."""
    pair = (
        driven(store.root, store)
        if state == "not authenticated"
        else logged_in(store.root, store)
        if state == "authenticated"
        else selected(store)
    )
    before = pair.conn.state
    reply = pair.send(command + b"\r\n")
    assert re.match(rb"t (BAD|NO) ", reply), reply
    assert pair.conn.state is before


def test_a_literal_for_a_refused_command_gets_no_continuation(store: MailStore) -> None:
    """RFC 9051 §7.5: the server may refuse a command instead of sending "+"; the
    client then does not send the literal."""
    pair = driven(store.root, store)
    reply = pair.send(b"t APPEND INBOX {5}\r\n")
    assert reply.startswith(b"t BAD") and b"+ " not in reply
    assert pair.send(b"u NOOP\r\n") == b"u OK done\r\n"


def test_a_literal_gets_a_continuation_before_its_octets(store: MailStore) -> None:
    """RFC 9051 §7.5: "+" before a synchronizing literal is read."""
    pair = driven(store.root, store)
    assert pair.send(b"t LOGIN {5}\r\n").startswith(b"+ ")
    assert pair.send(b"alice {8}\r\n").startswith(b"+ ")
    assert pair.send(b"alice-pw\r\n").startswith(b"t OK")


def test_oversized_literal_is_refused_without_buffering(store: MailStore) -> None:
    """RFC 7888 §4-5: an oversized literal is refused with BAD [TOOBIG]."""
    pair = logged_in(store.root, store, limits=FramingLimits(max_literal=100))
    assert pair.send(b"t APPEND INBOX {1000+}\r\n").startswith(b"t BAD [TOOBIG]")
    assert pair.send(b"x" * 1000 + b"\r\nu NOOP\r\n") == b"u OK done\r\n"
    assert pair.send(b"v APPEND INBOX {100000}\r\n").startswith(b"v BAD [TOOBIG]")


def test_deep_nesting_is_bad_not_a_crash(store: MailStore) -> None:
    pair = selected(store, MESSAGE)
    reply = pair.send(b"t SEARCH " + b"(" * 500 + b"ALL" + b")" * 500 + b"\r\n")
    assert reply.startswith(b"t BAD")


# -- authentication (RFC 9051 §6.2) -----------------------------------------------------------


def test_login_failure_and_success(store: MailStore) -> None:
    """RFC 9051 §6.2.3: NO on failure (RFC 5530 AUTHENTICATIONFAILED)."""
    pair = driven(store.root, store)
    assert pair.send(b"a LOGIN alice nope\r\n").startswith(b"a NO [AUTHENTICATIONFAILED]")
    assert pair.send(b'b LOGIN "alice" "alice-pw"\r\n').startswith(b"b OK")
    assert pair.conn.state is State.AUTHENTICATED


def test_logindisabled_before_tls(store: MailStore) -> None:
    """RFC 9051 §6.2.3: LOGINDISABLED advertised; LOGIN refused without TLS."""
    pair = driven(store.root, store, login_without_tls=False, tls_available=True)
    caps = pair.send(b"a CAPABILITY\r\n")
    assert b"LOGINDISABLED" in caps and b"STARTTLS" in caps and b"AUTH=PLAIN" not in caps
    assert pair.send(b"b LOGIN alice alice-pw\r\n").startswith(b"b NO [PRIVACYREQUIRED]")


def test_starttls_discards_pipelined_input(store: MailStore) -> None:
    """RFC 9051 §6.2.1 (and CVE-2011-0411): nothing sent before the handshake is run
    inside TLS."""
    pair = driven(store.root, store, tls_available=True)
    reply = pair.send(b"a STARTTLS\r\nb LOGIN alice alice-pw\r\n")
    assert reply == b"a OK begin TLS negotiation now\r\n" and pair.tls_requested
    pair.conn.tls_started()
    assert pair.send(b"c CAPABILITY\r\n").count(b"STARTTLS") == 0
    assert pair.conn.state is State.NOT_AUTHENTICATED


def test_authenticate_plain_with_initial_response(store: MailStore) -> None:
    """RFC 4959 §3 SASL-IR; RFC 4616 PLAIN."""
    pair = driven(store.root, store)
    reply = pair.send(b"a AUTHENTICATE PLAIN AGFsaWNlAGFsaWNlLXB3\r\n")
    assert reply.startswith(b"a OK"), reply
    assert pair.conn.state is State.AUTHENTICATED


def test_authenticate_continuation_and_cancel(store: MailStore) -> None:
    """RFC 9051 §6.2.2: "+" continuation; "*" cancels with BAD."""
    pair = driven(store.root, store)
    assert pair.send(b"a AUTHENTICATE PLAIN\r\n") == b"+ \r\n"
    assert pair.send(b"*\r\n").startswith(b"a BAD")
    assert pair.conn.state is State.NOT_AUTHENTICATED
    assert pair.send(b"b AUTHENTICATE PLAIN\r\n") == b"+ \r\n"
    assert pair.send(b"AGFsaWNlAGFsaWNlLXB3\r\n").startswith(b"b OK")


# -- mailboxes (RFC 9051 §6.3) ---------------------------------------------------------------


def test_select_reports_counts_flags_and_uids(store: MailStore) -> None:
    """RFC 3501 §6.3.1: EXISTS, RECENT, FLAGS, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    reply = pair.send(b"s SELECT inbox\r\n")
    for expected in (
        b"* 1 EXISTS",
        b"* 1 RECENT",
        b"* FLAGS (",
        b"[PERMANENTFLAGS (",
        b"[UIDVALIDITY ",
        b"[UIDNEXT 2]",
    ):
        assert expected in reply
    assert reply.endswith(b"s OK [READ-WRITE] selected\r\n")


def test_recent_is_in_exactly_one_session(store: MailStore) -> None:
    """RFC 3501 §2.3.2: \\Recent is seen by one session only."""
    first = selected(store, MESSAGE)
    second = logged_in(store.root, store)
    assert b"* 0 RECENT" in second.send(b"s SELECT INBOX\r\n")
    assert b"\\Recent" in first.send(b"f FETCH 1 FLAGS\r\n")


def test_examine_is_read_only(store: MailStore) -> None:
    """RFC 9051 §6.3.3: EXAMINE: READ-ONLY; no \\Seen set by a fetch."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    assert b"e OK [READ-ONLY]" in pair.send(b"e EXAMINE INBOX\r\n")
    pair.send(b"f FETCH 1 BODY[]\r\n")
    assert store.messages("alice")[0].flags == frozenset()
    assert pair.send(b"g STORE 1 +FLAGS (\\Seen)\r\n").startswith(b"g NO")


def test_select_of_a_missing_mailbox_deselects(store: MailStore) -> None:
    """RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected."""
    pair = selected(store, MESSAGE)
    reply = pair.send(b"t SELECT nope\r\n")
    # RFC 7162 §3.2.11: the mailbox left is closed, and CLOSED says so before the NO.
    assert reply.startswith(b"* OK [CLOSED]") and b"\r\nt NO" in reply, reply
    assert pair.conn.state is State.AUTHENTICATED


def test_create_list_rename_delete(store: MailStore) -> None:
    """RFC 9051 §6.3.4-6.3.9."""
    pair = logged_in(store.root, store)
    assert pair.send(b"a CREATE work/2024\r\n").startswith(b"a OK")
    assert pair.send(b"b CREATE work\r\n").startswith(b"b NO [ALREADYEXISTS]")
    listing = pair.send(b'c LIST "" "*"\r\n')
    assert b'* LIST (\\HasChildren) "/" work\r\n' in listing
    assert b'* LIST (\\HasNoChildren) "/" work/2024\r\n' in listing
    assert b"work/2024" not in pair.send(b'd LIST "" %\r\n')
    assert pair.send(b"e RENAME work job\r\n").startswith(b"e OK")
    assert b"job/2024" in pair.send(b'f LIST "" *\r\n')
    assert pair.send(b"g DELETE INBOX\r\n").startswith(b"g NO")
    assert pair.send(b"h DELETE job/2024\r\n").startswith(b"h OK")


def test_list_with_empty_pattern_gives_the_delimiter(store: MailStore) -> None:
    """RFC 9051 §6.3.9: an empty mailbox name returns the delimiter and root."""
    pair = logged_in(store.root, store)
    assert pair.send(b'l LIST "" ""\r\n') == b'* LIST (\\Noselect) "/" ""\r\nl OK listed\r\n'


def test_rename_inbox_moves_its_messages(store: MailStore) -> None:
    """RFC 9051 §6.3.6: renaming INBOX moves its messages and leaves INBOX empty."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    assert pair.send(b"r RENAME INBOX old\r\n").startswith(b"r OK")
    assert b"MESSAGES 0" in pair.send(b"s STATUS INBOX (MESSAGES)\r\n")
    assert b"MESSAGES 1" in pair.send(b"t STATUS old (MESSAGES)\r\n")


@pytest.mark.parametrize("name", [b"../bob", b"/etc/passwd", b'"a//b"', b'"&Jjo!"'])
def test_mailbox_names_never_escape_the_users_store(store: MailStore, name: bytes) -> None:
    pair = logged_in(store.root, store)
    reply = pair.send(b"c CREATE " + name + b"\r\n")
    assert re.match(rb"c (OK|NO|BAD)", reply)
    assert all(info.name for info in store.mailboxes("alice"))
    assert store.mailboxes("bob") == []


def test_mailbox_names_in_modified_utf7(store: MailStore) -> None:
    """RFC 3501 §5.1.3: rev1 names are modified UTF-7 on the wire."""
    pair = logged_in(store.root, store)
    assert pair.send(b"c CREATE Entw&APw-rfe\r\n").startswith(b"c OK")
    assert "Entwürfe" in [info.name for info in store.mailboxes("alice")]
    assert b"Entw&APw-rfe" in pair.send(b'l LIST "" *\r\n')


def test_append_with_flags_date_and_trycreate(store: MailStore) -> None:
    """RFC 9051 §6.3.12; RFC 4315 §3 APPENDUID."""
    pair = logged_in(store.root, store)
    reply = pair.send(b"a APPEND nope {5+}\r\nhello\r\n")
    assert reply.startswith(b"a NO [TRYCREATE]")
    pair.send(b"b CREATE box\r\n")
    reply = pair.send(b'c APPEND box (\\Flagged) "01-Feb-2020 10:00:00 +0000" {5+}\r\nhello\r\n')
    assert re.match(rb"c OK \[APPENDUID \d+ 1\]", reply)
    stored = store.messages("alice", mailbox="box")[0]
    assert stored.flags == {"\\Flagged"} and stored.internal_date == 1580551200
    assert stored.path.read_bytes() == b"hello"


# -- messages (RFC 9051 §6.4) ----------------------------------------------------------------


def test_fetch_body_is_byte_exact_and_sets_seen(store: MailStore) -> None:
    """RFC 9051 §6.4.5: BODY[] sets \\Seen; BODY.PEEK[] does not."""
    pair = selected(store, MESSAGE)
    peek = pair.send(b"p FETCH 1 BODY.PEEK[]\r\n")
    assert b"{%d}\r\n" % len(MESSAGE) + MESSAGE in peek and b"\\Seen" not in peek
    body = pair.send(b"f FETCH 1 BODY[]\r\n")
    assert b"\\Seen" in body
    assert "\\Seen" in store.messages("alice")[0].flags


def test_fetch_sections(store: MailStore) -> None:
    """RFC 9051 §6.4.5: HEADER, HEADER.FIELDS, TEXT, partial."""
    pair = selected(store, MESSAGE)
    reply = pair.send(b"f FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT]<0.5>)\r\n")
    assert b"BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: hello\r\n\r\n" in reply
    assert b"BODY[TEXT]<0> {5}\r\nHello" in reply


def test_store_and_silent(store: MailStore) -> None:
    """RFC 9051 §6.4.6: +FLAGS answers with FETCH; .SILENT does not."""
    pair = selected(store, MESSAGE)
    assert b"* 1 FETCH (FLAGS (\\Flagged \\Recent))" in pair.send(
        b"a STORE 1 +FLAGS (\\Flagged)\r\n"
    )
    assert pair.send(b"b STORE 1 -FLAGS.SILENT (\\Flagged)\r\n") == b"b OK stored\r\n"
    assert store.messages("alice")[0].flags == frozenset()


def test_search_keys(store: MailStore) -> None:
    """RFC 9051 §6.4.4."""
    pair = selected(store, MESSAGE, b"Subject: other\r\n\r\nbody two\r\n")
    assert pair.send(b"a SEARCH SUBJECT hello\r\n").startswith(b"* SEARCH 1\r\n")
    assert pair.send(b"b SEARCH OR BODY two FROM bob\r\n").startswith(b"* SEARCH 1 2\r\n")
    assert pair.send(b"c SEARCH NOT 1\r\n").startswith(b"* SEARCH 2\r\n")
    assert pair.send(b"d UID SEARCH UID 2:*\r\n").startswith(b"* SEARCH 2\r\n")
    assert pair.send(b"e SEARCH CHARSET KOI8-R ALL\r\n").startswith(b"e NO [BADCHARSET")


def test_copy_and_move_report_copyuid(store: MailStore) -> None:
    """RFC 4315 §3 COPYUID; RFC 6851 §4.3 untagged COPYUID before the EXPUNGE."""
    pair = selected(store, MESSAGE, MESSAGE)
    assert pair.send(b"c COPY 1 nope\r\n").startswith(b"c NO [TRYCREATE]")
    pair.send(b"d CREATE box\r\n")
    assert re.search(rb"c OK \[COPYUID \d+ 1 1\]", pair.send(b"c COPY 1 box\r\n"))
    reply = pair.send(b"m MOVE 2 box\r\n")
    assert re.match(rb"\* OK \[COPYUID \d+ 2 2\] moved\r\n\* 2 EXPUNGE\r\nm OK", reply), reply


# -- several sessions (RFC 9051 §5.2, §7.4.1) -----------------------------------------------------


def test_other_sessions_changes_are_reported(store: MailStore) -> None:
    """RFC 9051 §7.3.1 EXISTS, §7.5.2 FETCH FLAGS, §7.4.1 EXPUNGE."""
    one = selected(store, MESSAGE, MESSAGE)
    two = logged_in(store.root, store)
    two.send(b"s SELECT INBOX\r\n")
    two.send(b"a STORE 1 +FLAGS (\\Deleted)\r\n")
    store.deliver("alice", MESSAGE)
    reply = one.send(b"n NOOP\r\n")
    assert b"* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))" in reply and b"* 3 EXISTS" in reply
    two.send(b"e EXPUNGE\r\n")
    fetched = one.send(b"f FETCH 1:* FLAGS\r\n")
    assert b"EXPUNGE" not in fetched  # RFC 9051 §7.4.1: not during FETCH
    assert b"* 1 EXPUNGE" in one.send(b"n NOOP\r\n")


def test_idle_pushes_a_delivery(store: MailStore) -> None:
    """RFC 2177 §3: while idling, EXISTS is sent as mail arrives; DONE ends IDLE."""
    pair = selected(store, MESSAGE)
    assert pair.send(b"i IDLE\r\n") == b"+ idling\r\n"
    store.deliver("alice", MESSAGE)
    assert b"* 2 EXISTS" in pair.changed()
    assert pair.send(b"DONE\r\n") == b"i OK IDLE terminated\r\n"


def test_expunge_and_uid_expunge(store: MailStore) -> None:
    """RFC 9051 §6.4.3; RFC 4315 §2.1 UID EXPUNGE removes only the named UIDs."""
    pair = selected(store, MESSAGE, MESSAGE, MESSAGE)
    pair.send(b"a STORE 1:3 +FLAGS.SILENT (\\Deleted)\r\n")
    assert pair.send(b"b UID EXPUNGE 2\r\n").startswith(b"* 2 EXPUNGE\r\nb OK")
    assert pair.send(b"c EXPUNGE\r\n").startswith(b"* 2 EXPUNGE\r\n* 1 EXPUNGE\r\nc OK")


def test_close_expunges_silently(store: MailStore) -> None:
    """RFC 9051 §6.4.1: CLOSE removes \\Deleted messages without EXPUNGE responses."""
    pair = selected(store, MESSAGE)
    pair.send(b"a STORE 1 +FLAGS.SILENT (\\Deleted)\r\n")
    assert pair.send(b"c CLOSE\r\n") == b"c OK closed\r\n"
    assert store.messages("alice") == []


def test_enable_imap4rev2_switches_search_to_esearch(store: MailStore) -> None:
    """RFC 9051 §6.3.1 ENABLE IMAP4rev2; §6.4.4 SEARCH answers with ESEARCH."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    assert pair.send(b"e ENABLE IMAP4rev2\r\n").startswith(b"* ENABLED IMAP4rev2\r\n")
    selected_reply = pair.send(b"s SELECT INBOX\r\n")
    assert b"RECENT" not in selected_reply and b'* LIST () "/" INBOX' in selected_reply
    assert pair.send(b"a SEARCH ALL\r\n").startswith(b'* ESEARCH (TAG "a") ALL 1\r\n')


def test_logout_sends_bye_then_ok(store: MailStore) -> None:
    """RFC 9051 §6.1.3."""
    pair = driven(store.root, store)
    assert pair.send(b"z LOGOUT\r\nq NOOP\r\n") == b"* BYE logging out\r\nz OK logged out\r\n"
    assert pair.closed and pair.conn.state is State.LOGOUT


@pytest.mark.parametrize(
    "command",
    [
        b'SELECT ""',
        b"SELECT {0+}\r\n",
        b'STATUS "" (MESSAGES)',
        b'APPEND "a//b" {1+}\r\nx',
        b'RENAME INBOX ""',
        b'SUBSCRIBE ""',
        b'DELETE "/"',
        b'EXAMINE "a/"',
    ],
)
def test_names_no_mailbox_can_have_get_no(store: MailStore, command: bytes) -> None:
    """RFC 9051 §6.3: NO when the name cannot be a mailbox; the session goes on."""
    pair = logged_in(store.root, store)
    assert pair.send(b"t " + command + b"\r\n").startswith(b"t NO"), command
    assert pair.send(b"u NOOP\r\n").endswith(b"u OK done\r\n")


def test_a_refused_name_in_selected_state_keeps_the_mailbox(store: MailStore) -> None:
    """RFC 9051 §6.3.2: only a SELECT that fails on an existing-name basis deselects; a
    name refused outright leaves the session consistent."""
    pair = selected(store, MESSAGE)
    assert pair.send(b't SELECT ""\r\n').startswith(b"t NO")
    assert pair.send(b"f FETCH 1 FLAGS\r\n").endswith(b"f OK fetched\r\n")


def test_idle_reports_a_change_that_comes_while_an_update_is_read(store: MailStore) -> None:
    """RFC 2177 §3: every change reaches an idling client, including one committed while
    the previous update was being read from the store."""
    pair = selected(store, MESSAGE)
    pair.send(b"i IDLE\r\n")
    store.deliver("alice", MESSAGE)
    pair.conn.mailbox_changed()
    event = pair.conn.next_event()
    assert isinstance(event, StoreWork)
    reply = event.work(store)  # reads 2 messages
    store.deliver("alice", MESSAGE)
    pair.conn.mailbox_changed()  # arrives while the core waits for the first read
    pair.conn.work_done(reply)
    assert b"* 3 EXISTS" in pair.conn.data_to_send() + pair.pump()


MULTIPART = (
    b"From: Al <al@example.test>\r\nTo: team: x@example.test, Q <q@example.test>;\r\n"
    b"Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
    b"--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\n"
    b"Subject: inner\r\n\r\ninner body\r\n--XX--\r\n"
)


def test_envelope_and_bodystructure_come_from_the_mime_engine(store: MailStore) -> None:
    """RFC 9051 §7.5.2: ENVELOPE (groups framed by NIL entries), BODY and BODYSTRUCTURE."""

    pair = selected(store, MULTIPART)
    reply = pair.send(b"f FETCH 1 (ENVELOPE BODY BODYSTRUCTURE)\r\n")
    assert b"ENVELOPE " + envelope_wire(MULTIPART) in reply
    assert b'(NIL NIL "team" NIL)' in reply and b"(NIL NIL NIL NIL)" in reply
    assert b"BODY " + body_structure_wire(MULTIPART, extensible=False) in reply
    assert b"BODYSTRUCTURE " + body_structure_wire(MULTIPART, extensible=True) in reply


def test_body_sections_of_parts(store: MailStore) -> None:
    """RFC 9051 §6.4.5: part numbers, MIME headers, HEADER of an encapsulated message."""
    pair = selected(store, MULTIPART)
    reply = pair.send(
        b"f FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.HEADER] BODY.PEEK[2.1] BODY.PEEK[1.MIME]"
        b" BODY.PEEK[3])\r\n"
    )
    assert b"BODY[1] {5}\r\nhello" in reply
    assert b"BODY[2.HEADER] {18}\r\nSubject: inner\r\n\r\n" in reply
    assert b"BODY[2.1] {10}\r\ninner body" in reply
    assert b"BODY[1.MIME] {28}\r\nContent-Type: text/plain\r\n\r\n" in reply
    assert b"BODY[3] NIL" in reply


def test_esearch_result_options(store: MailStore) -> None:
    """RFC 4731 §3.1 / RFC 9051 §6.4.4: MIN, MAX, COUNT, ALL as a sequence-set; MIN/MAX/
    ALL left out when nothing matched, COUNT always."""
    pair = selected(store, MESSAGE, MESSAGE, MESSAGE, b"Subject: x\r\n\r\ny\r\n")
    assert pair.send(b"a SEARCH RETURN (MIN COUNT) SUBJECT hello\r\n").startswith(
        b'* ESEARCH (TAG "a") MIN 1 COUNT 3\r\n'
    )
    assert pair.send(b"b SEARCH RETURN () SUBJECT hello\r\n").startswith(
        b'* ESEARCH (TAG "b") ALL 1:3\r\n'
    )
    assert pair.send(b"c UID SEARCH RETURN (MIN MAX) 2:*\r\n").startswith(
        b'* ESEARCH (TAG "c") UID MIN 2 MAX 4\r\n'
    )
    assert pair.send(b"d SEARCH RETURN (MIN ALL COUNT) KEYWORD nope\r\n").startswith(
        b'* ESEARCH (TAG "d") COUNT 0\r\n'
    )
    assert pair.send(b"e SEARCH RETURN (BOGUS) ALL\r\n").startswith(b"e BAD")


def test_search_save_and_dollar(store: MailStore) -> None:
    """RFC 9051 §6.4.4.1: SAVE alone returns no ESEARCH; "$" names the saved messages in
    later commands, by sequence number or UID."""
    pair = selected(store, MESSAGE, b"Subject: x\r\n\r\ny\r\n", MESSAGE)
    assert pair.send(b"s SEARCH RETURN (SAVE) SUBJECT hello\r\n") == b"s OK searched\r\n"
    fetched = pair.send(b"f FETCH $ (UID)\r\n")
    assert b"* 1 FETCH (UID 1)" in fetched and b"* 3 FETCH (UID 3)" in fetched
    assert b"* 2 FETCH" not in fetched
    assert pair.send(b"u UID SEARCH $\r\n").startswith(b"* SEARCH 1 3\r\n")
    assert pair.send(b"m SEARCH RETURN (SAVE MIN) SUBJECT hello\r\n").startswith(
        b'* ESEARCH (TAG "m") MIN 1'
    )
    assert pair.send(b"g FETCH $ (UID)\r\n") == b"* 1 FETCH (UID 1)\r\ng OK fetched\r\n"


def test_list_extended_selection_and_return_options(store: MailStore) -> None:
    """RFC 5258 §3 (part of RFC 9051 §6.3.9): SUBSCRIBED selection lists subscribed
    names, \\NonExistent for those that do not exist; RETURN (STATUS ...) is RFC 5819."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    pair.send(b"a CREATE lists/ietf\r\nb SUBSCRIBE lists/ietf\r\nc SUBSCRIBE gone\r\n")
    reply = pair.send(b'l LIST (SUBSCRIBED) "" "*"\r\n')
    assert b'* LIST (\\NonExistent \\Subscribed) "/" gone\r\n' in reply
    assert b'* LIST (\\HasNoChildren \\Subscribed) "/" lists/ietf\r\n' in reply
    assert b"INBOX" not in reply
    reply = pair.send(
        b'm LIST "" ("INBOX" "lists") RETURN (SUBSCRIBED STATUS (MESSAGES RECENT))\r\n'
    )
    assert (
        b'* LIST (\\HasNoChildren) "/" INBOX\r\n* STATUS INBOX (MESSAGES 1 RECENT 1)\r\n' in reply
    )
    assert b'* LIST (\\HasChildren) "/" lists\r\n' in reply
    reply = pair.send(b'r LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"\r\n')
    assert b'* LIST () "/" lists ("CHILDINFO" ("SUBSCRIBED"))\r\n' in reply
    assert pair.send(b'x LIST (RECURSIVEMATCH) "" "*"\r\n').startswith(b"x BAD")
    assert pair.send(b'y LIST "" "*" RETURN (BOGUS)\r\n').startswith(b"y BAD")


def test_lsub_and_status_recent(store: MailStore) -> None:
    """RFC 3501 §6.3.9 LSUB; §6.3.10 STATUS RECENT counts what no session has seen yet."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    pair.send(b"a SUBSCRIBE INBOX\r\n")
    assert pair.send(b'l LSUB "" *\r\n').startswith(b'* LSUB () "/" INBOX\r\n')
    assert b"RECENT 1" in pair.send(b"s STATUS INBOX (RECENT)\r\n")
    pair.send(b"t SELECT INBOX\r\n")
    assert b"RECENT 0" in pair.send(b"u STATUS INBOX (RECENT)\r\n")


def test_authenticate_failures(store: MailStore) -> None:
    """RFC 9051 §6.2.2: NO for wrong credentials (RFC 5530 AUTHENTICATIONFAILED), BAD for
    an undecodable response; an unknown mechanism gets NO; the state stays."""
    pair = driven(store.root, store)
    wrong = base64.b64encode(b"\0alice\0wrong")
    assert pair.send(b"a AUTHENTICATE PLAIN " + wrong + b"\r\n").startswith(
        b"a NO [AUTHENTICATIONFAILED]"
    )
    assert pair.send(b"b AUTHENTICATE PLAIN\r\n") == b"+ \r\n"
    assert pair.send(b"!!!\r\n").startswith(b"b BAD")
    assert pair.send(b"c AUTHENTICATE X-NOPE\r\n").startswith(b"c NO")
    assert pair.send(b"d AUTHENTICATE PLAIN =\r\n").startswith((b"d NO", b"d BAD"))
    assert pair.conn.state is State.NOT_AUTHENTICATED


def test_an_overlong_line_is_refused_with_its_tag(store: MailStore) -> None:
    """RFC 2683 §3.2.1.5 lets a server bound lines; the refusal still names the command."""
    pair = driven(store.root, store, limits=FramingLimits(max_line=9000))
    assert pair.send(b"t9 NOOP " + b"x" * 20000 + b"\r\n").startswith(
        b"t9 BAD command line too long"
    )
    assert pair.send(b"u NOOP\r\n") == b"u OK done\r\n"


def test_pipelined_commands_are_answered_in_order(store: MailStore) -> None:
    """RFC 9051 §5.5: commands sent without waiting are answered, each tag once."""
    store.deliver("alice", MESSAGE)
    pair = driven(store.root, store)
    reply = pair.send(
        b"a LOGIN alice alice-pw\r\nb SELECT INBOX\r\nc FETCH 1 (UID)\r\nd LOGOUT\r\n"
    )
    tags = re.findall(rb"^([a-d]) (?:OK|NO|BAD)", reply, re.M)
    assert tags == [b"a", b"b", b"c", b"d"]
    assert reply.index(b"* 1 FETCH (UID 1)") < reply.index(b"c OK")


def test_utf8_mailbox_names_after_enable_imap4rev2(store: MailStore) -> None:
    """RFC 9051 §5.1: IMAP4rev2 mailbox names are UTF-8 on the wire, not modified UTF-7."""
    pair = logged_in(store.root, store)
    pair.send(b"e ENABLE IMAP4rev2\r\n")
    assert pair.send('c CREATE "Entwürfe"\r\n'.encode()).startswith(b"c OK")
    assert '"/" "Entwürfe"'.encode() in pair.send(b'l LIST "" *\r\n')
    assert "Entwürfe" in [info.name for info in store.mailboxes("alice")]


def test_a_command_line_of_8000_octets_is_accepted(store: MailStore) -> None:
    """RFC 2683 §3.2.1.5: servers should accept command lines of at least 8000 octets."""
    pair = selected(store, MESSAGE)
    line = b"s UID SEARCH UID " + b",".join(b"%d" % n for n in range(1, 2001))
    assert len(line) > 8000
    assert pair.send(line + b"\r\n").endswith(b"s OK searched\r\n")


def test_binary_decodes_the_transfer_encoding(store: MailStore) -> None:
    """RFC 9051 §6.4.5 BINARY[part] and BINARY.SIZE[part]: the content decoded."""
    message = (
        b"Subject: b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=Q\r\n\r\n"
        b"--Q\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b"\r\nAAECAw==\r\n--Q--\r\n"
    )
    pair = selected(store, message)
    reply = pair.send(b"f FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1] RFC822.HEADER)\r\n")
    assert b"BINARY[1] ~{4}\r\n\x00\x01\x02\x03" in reply  # literal8: it holds NUL
    assert b"BINARY.SIZE[1] 4" in reply
    assert b"RFC822.HEADER {%d}\r\n" % message.index(b"--Q\r\n") in reply


def test_search_matches_encoded_words_and_sent_dates(store: MailStore) -> None:
    """RFC 9051 §6.4.4: string keys match the decoded text (CHARSET UTF-8 here);
    SENTON compares the Date field's date."""
    message = (
        b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nx\r\n"
    )
    pair = selected(store, MESSAGE, message)
    reply = pair.send('a SEARCH CHARSET UTF-8 SUBJECT "grüße"\r\n'.encode())
    assert reply.startswith(b"* SEARCH 2\r\n")
    assert pair.send(b"b SEARCH SENTON 7-Feb-1994\r\n").startswith(b"* SEARCH 2\r\n")
    assert pair.send(b'c SEARCH HEADER Date ""\r\n').startswith(b"* SEARCH 2\r\n")


def test_uidvalidity_and_uids_survive_a_new_store_handle(store: MailStore) -> None:
    """RFC 9051 §2.3.1.1: UIDVALIDITY and UIDs persist across sessions (here: a server
    restarted on the same store)."""
    first = selected(store, MESSAGE)
    before = re.search(rb"UIDVALIDITY (\d+)", first.send(b"s SELECT INBOX\r\n"))
    store.close()
    again = MailStore(store.root)
    second = logged_in(again.root, again)
    after = re.search(rb"UIDVALIDITY (\d+)", second.send(b"s SELECT INBOX\r\n"))
    assert before and after and before.group(1) == after.group(1)
    assert b"* 1 FETCH (UID 1)" in second.send(b"f FETCH 1 (UID)\r\n")


def test_literal_minus_is_advertised_instead_of_literal_plus(store: MailStore) -> None:
    """RFC 7888 §5: LITERAL- and LITERAL+ are never advertised together; over 4096
    octets a non-synchronizing literal gets BAD [TOOBIG] for APPEND."""
    pair = logged_in(store.root, store, limits=FramingLimits(literal_minus=True))
    caps = pair.send(b"c CAPABILITY\r\n")
    assert b"LITERAL-" in caps and b"LITERAL+" not in caps
    reply = pair.send(b"a APPEND INBOX {5000+}\r\n" + b"x" * 5000 + b"\r\n")
    assert reply.startswith(b"a BAD [TOOBIG]")


# -- CONDSTORE (RFC 7162 §3.1) --------------------------------------------------------------


def modseq_of(reply: bytes) -> int:
    found = re.search(rb"MODSEQ \((\d+)\)", reply)
    assert found, reply
    return int(found.group(1))


def test_select_condstore_reports_highestmodseq(store: MailStore) -> None:
    """RFC 7162 §3.1.2.1: HIGHESTMODSEQ on SELECT once CONDSTORE is enabled; §3.1.9
    STATUS HIGHESTMODSEQ."""
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    assert b"HIGHESTMODSEQ" not in pair.send(b"s SELECT INBOX\r\n")
    reply = pair.send(b"t SELECT INBOX (CONDSTORE)\r\n")
    highest = re.search(rb"\* OK \[HIGHESTMODSEQ (\d+)\]", reply)
    assert highest and int(highest.group(1)) >= 1
    status = pair.send(b"u STATUS INBOX (HIGHESTMODSEQ)\r\n")
    assert b"HIGHESTMODSEQ " + highest.group(1) in status


def test_fetch_changedsince_and_modseq_in_every_fetch(store: MailStore) -> None:
    """RFC 7162 §3.1.4.1 CHANGEDSINCE; §3.1: after an enabling command every untagged
    FETCH carries MODSEQ, STORE's included."""
    pair = selected(store, MESSAGE, MESSAGE)
    first = modseq_of(pair.send(b"a FETCH 1 (MODSEQ)\r\n"))
    stored = pair.send(b"b STORE 2 +FLAGS (\\Flagged)\r\n")
    assert modseq_of(stored) > first
    changed = pair.send(b"c FETCH 1:* (FLAGS) (CHANGEDSINCE %d)\r\n" % first)
    assert b"* 2 FETCH" in changed and b"* 1 FETCH" not in changed and b"MODSEQ (" in changed


def test_store_unchangedsince_reports_modified(store: MailStore) -> None:
    """RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is left alone and named in
    MODIFIED; the others are stored and reported even with .SILENT."""
    pair = selected(store, MESSAGE, MESSAGE)
    base = modseq_of(pair.send(b"a FETCH 2 (MODSEQ)\r\n"))
    pair.send(b"b STORE 1 +FLAGS.SILENT (\\Seen)\r\n")  # message 1 now changed after base
    reply = pair.send(b"c STORE 1:2 (UNCHANGEDSINCE %d) +FLAGS.SILENT (\\Flagged)\r\n" % base)
    assert re.search(rb"c OK \[MODIFIED 1\]", reply), reply
    assert b"* 2 FETCH (FLAGS (" in reply and b"* 1 FETCH" not in reply
    assert "\\Flagged" not in store.messages("alice")[0].flags


def test_search_modseq(store: MailStore) -> None:
    """RFC 7162 §3.1.5: MODSEQ key; the highest mod-sequence found ends the response."""
    pair = selected(store, MESSAGE, MESSAGE)
    changed = modseq_of(pair.send(b"a STORE 2 +FLAGS (\\Flagged)\r\nz FETCH 2 (MODSEQ)\r\n"))
    reply = pair.send(b"s SEARCH MODSEQ %d\r\n" % changed)
    assert reply.startswith(b"* SEARCH 2 (MODSEQ %d)\r\n" % changed)
    entry = pair.send(b's SEARCH MODSEQ "/flags/\\\\flagged" all %d\r\n' % changed)
    assert entry.startswith(b"* SEARCH 2 (MODSEQ")
