"""Grading IMAP clients: the scenarios the reference server plays and the checks it makes
(``reference_impl._scenarios``).

Each check is broken by the core's ``ClientDefect`` kinds it names (``_client_defects``),
so the rule lives once, in the core that enforces it; a scenario is a set of
``ServerConfig`` fields the core acts on (``_judged`` holds what they make it send).
"""

from __future__ import annotations

import re

from reference_impl._judge import SessionRecord
from reference_impl._listeners import DEMO_USERS
from reference_impl._scenarios import (
    PRACTICE,
    Check,
    Judging,
    Requirement,
    Scenario,
    rfc_sentence,
    slow_greeting,
)
from reference_impl.imap._framing import FramingLimits
from reference_impl.imap._server import ServerConnection

__all__ = ["JUDGING", "MESSAGES"]


# Tricky but valid structures (RFC 9051 §7.5.2 BODYSTRUCTURE): a message/rfc822 part with
# its own multipart/alternative, an RFC 2231 continued filename, an empty text part, a
# base64 attachment; and one whose header folds and whose body has a line of ")".
MESSAGES = (
    b"From: Judge <judge@example.test>\r\nTo: alice@example.test\r\n"
    b"Subject: nested structures\r\nMessage-ID: <nested@example.test>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="outer (with) odd=chars"\r\n\r\n'
    b"preamble\r\n--outer (with) odd=chars\r\n"
    b"Content-Type: text/plain; charset=us-ascii; format=flowed\r\n\r\n"
    b"First part.\r\n--outer (with) odd=chars\r\n"
    b"Content-Type: text/plain\r\n\r\n"
    b"\r\n--outer (with) odd=chars\r\nContent-Type: message/rfc822\r\n\r\n"
    b"From: inner@example.test\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
    b"--alt\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
    b"--alt\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--alt--\r\n"
    b"\r\n--outer (with) odd=chars\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Disposition: attachment;\r\n filename*0*=us-ascii'en'a%20long;\r\n"
    b' filename*1=" name.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    b"AAECAwQFBgcICQ==\r\n--outer (with) odd=chars--\r\nepilogue\r\n",
    b"From: Judge <judge@example.test>\r\nTo: alice@example.test\r\n"
    b"Subject: a folded\r\n subject line\r\nMessage-ID: <folded@example.test>\r\n\r\n"
    b")\r\n* 1 EXISTS\r\nA001 OK this is body text, not a response\r\n",
)

CRLF_ONLY = Check(
    name="crlf-line-ends",
    summary="command lines end with CRLF, never a bare CR or LF",
    requirement=rfc_sentence(
        9051,
        "2.2",
        "MUST",
        """All interactions transmitted by client and server are in the form of lines,
        that is, strings that end with a CRLF.""",
        "the protocol's framing: a bare CR or LF ends no line",
    ),
    kinds=frozenset({"BARE_LINE_END"}),
)
SYNTAX = Check(
    name="command-syntax",
    summary="commands follow the grammar strictly; DONE only ends IDLE",
    requirement=rfc_sentence(
        9051,
        "2.2.1",
        "MUST",
        "Clients MUST follow the syntax outlined in this specification strictly.",
    ),
    kinds=frozenset({"SYNTAX", "DONE_OUTSIDE_IDLE"}),
)
STATE = Check(
    name="command-state",
    summary="commands only in the state they are valid in",
    requirement=rfc_sentence(
        9051,
        "3",
        "MUST",
        """It is a protocol error for the client to attempt a command while the connection
        is in an inappropriate state""",
        "stated as a protocol error",
    ),
    kinds=frozenset({"BAD_STATE"}),
)
UNIQUE_TAGS = Check(
    name="unique-tags",
    summary="a different tag for every command, above all while one is in progress",
    requirement=rfc_sentence(
        9051,
        "2.2.1",
        "SHOULD",
        """More formally: the client SHOULD generate a unique tag for every command, but a
        server MUST accept tag reuse.""",
    ),
    kinds=frozenset({"TAG_REUSED", "TAG_IN_PROGRESS"}),
)
LITERALS = Check(
    name="literal-waits-for-continuation",
    summary="a synchronizing literal's octets only after the server's '+'",
    requirement=rfc_sentence(
        9051,
        "4.3",
        "MUST",
        """In the case of synchronizing literals transmitted from client to server, the
        client MUST wait to receive a command continuation request ... before sending the
        octet data (and the remainder of the command).""",
    ),
    kinds=frozenset({"LITERAL_BEFORE_CONTINUATION", "NON_SYNC_TOO_BIG"}),
)
# In the transcript (escaped): the client started an IDLE, so it had a DONE to send.
_IDLE_SENT = re.compile(r" C: \S+ (?i:IDLE)\\r\\n\Z")
IDLE_DONE = Check(
    name="idle-then-done",
    summary="nothing but DONE while IDLE is active",
    requirement=rfc_sentence(
        2177,
        "3",
        "MUST",
        """The client MUST NOT send a command while the server is waiting for the DONE,
        since the server will not be able to distinguish a command from a continuation.""",
    ),
    kinds=frozenset({"COMMAND_DURING_IDLE"}),
    exercised=lambda record: any(_IDLE_SENT.search(line) for line in record.lines),
)
NO_LOGIN = Check(
    name="no-login-when-disabled",
    summary="no LOGIN while LOGINDISABLED is advertised",
    requirement=rfc_sentence(
        9051,
        "6.2.3",
        "MUST",
        "A client implementation MUST NOT send a LOGIN command if the LOGINDISABLED "
        "capability is advertised.",
    ),
    kinds=frozenset({"LOGIN_WHEN_DISABLED"}),
)
STARTTLS_WAIT = Check(
    name="starttls-then-wait",
    summary="nothing after STARTTLS until its OK and the TLS handshake",
    requirement=rfc_sentence(
        9051,
        "6.2.1",
        "MUST",
        """Once a client issues a STARTTLS command, it MUST NOT issue further commands
        until a server response is seen and the TLS negotiation is complete.""",
    ),
    kinds=frozenset({"COMMAND_AFTER_STARTTLS"}),
)
SASL = Check(
    name="sasl-base64",
    summary="AUTHENTICATE responses are base64",
    requirement=rfc_sentence(
        9051,
        "6.2.2",
        "MUST",
        """The client response consists of a single line consisting of a base64-encoded
        string.""",
        "the stated form of the exchange",
    ),
    kinds=frozenset({"BAD_SASL_RESPONSE"}),
)
INJECTION_DISCARDED = Check(
    name="injected-plaintext-discarded",
    summary="plaintext sent after the OK to STARTTLS is not taken as an answer in TLS",
    requirement=rfc_sentence(
        9051,
        "6.2.1",
        "MUST",
        """Once TLS has been started, the client MUST discard cached information about
        server capabilities and SHOULD reissue the CAPABILITY command.""",
    ),
    kinds=frozenset({"INJECTED_RESPONSE_TAKEN"}),
)


def _ended_with_logout(record: SessionRecord) -> list[str]:
    said = [line.upper() for line in record.said()]
    if any(" LOGOUT" in line for line in said):
        return []
    return ["the client closed without LOGOUT after unsolicited responses"]


GOES_ON = Check(
    name="accepts-unsolicited-responses",
    summary="the session goes on to LOGOUT though every completion brings unasked data",
    requirement=rfc_sentence(
        9051,
        "7",
        "SHOULD",
        "The client MUST be prepared to accept any response at all times.",
        f"{PRACTICE}: a client that drops the session early most likely failed on them",
    ),
    inspect=_ended_with_logout,
)

BASELINE = Scenario(
    name="baseline",
    summary="IMAP4rev1/rev2 with LITERAL+, IDLE, STARTTLS offered; nested MIME structures; "
    "new mail as the first IDLE starts",
    requirement=rfc_sentence(
        9051,
        "2.2.2",
        "MUST",
        """A client MUST be prepared to accept any server response at all times. This
        includes server data that was not requested.""",
    ),
    config_changes={"mail_during_idle": True},
    needs_tls=True,
)
LOGINDISABLED = Scenario(
    name="logindisabled",
    summary="LOGINDISABLED until STARTTLS: the client must start TLS before LOGIN",
    requirement=NO_LOGIN.requirement,
    config_changes={"login_without_tls": False},
    needs_tls=True,
)
LITERAL_MINUS = Scenario(
    name="literal-minus",
    summary="LITERAL- instead of LITERAL+: non-synchronizing literals of 4096 octets at most",
    requirement=rfc_sentence(
        7888,
        "5",
        "MUST",
        """Unless otherwise specified in an IMAP extension, non-synchronizing literals
        MUST NOT be larger than 4096 octets.""",
    ),
    config_changes={"limits": FramingLimits(literal_minus=True)},
)
UNSOLICITED = Scenario(
    name="unsolicited",
    summary="EXISTS and FETCH (UID FLAGS) before every completion in the selected state",
    requirement=BASELINE.requirement,
    config_changes={"unsolicited": True},
    checks=(GOES_ON,),
)
SELECT_REFUSED = Scenario(
    name="select-refused",
    summary="NO to SELECT and EXAMINE: the client must not go on as if selected",
    requirement=rfc_sentence(
        9051,
        "6.3.2",
        "MUST",
        "NO - select failure, now in authenticated state: no such mailbox, can't access mailbox",
        "the result defines the state the client is in",
    ),
    config_changes={"select_refused": True},
)
BYE = Scenario(
    name="bye",
    summary="untagged BYE and a close after the third command",
    requirement=rfc_sentence(
        9051,
        "7.1.5",
        "MUST",
        """The BYE response is always untagged and indicates that the server is about to
        close the connection.""",
        "the client must expect the close",
    ),
    config_changes={"bye_after": 3},
)
STARTTLS_REFUSED = Scenario(
    name="starttls-refused",
    summary="STARTTLS and LOGINDISABLED advertised, STARTTLS answered BAD (a downgrade)",
    requirement=NO_LOGIN.requirement,
    config_changes={"starttls_refused": True, "login_without_tls": False},
    needs_tls=True,
    hostile=True,
)
STARTTLS_INJECTION = Scenario(
    name="starttls-injection",
    summary="a CAPABILITY answer injected in plaintext after the OK to STARTTLS",
    requirement=INJECTION_DISCARDED.requirement,
    config_changes={
        "inject_after_starttls": True,
        "hold_after_tls": 0.5,
        "login_without_tls": False,
    },
    checks=(INJECTION_DISCARDED,),
    needs_tls=True,
    hostile=True,
)

WAITS_FOR_GREETING = Check(
    name="waits-for-greeting",
    summary="no command before the greeting",
    requirement=rfc_sentence(
        9051,
        "3",
        "SHOULD",
        "The initial state is identified in the server greeting.",
        f"{PRACTICE}: a command sent before it is sent not knowing the state",
    ),
    kinds=frozenset({"SENT_BEFORE_GREETING"}),
)
SLOW_GREETING = slow_greeting(WAITS_FOR_GREETING)
ENDLESS_LITERAL = Scenario(
    name="endless-literal",
    summary="a FETCH literal announced as 10**20 octets, cut off by a close",
    requirement=Requirement(
        rfc=None,
        section="",
        level="SHOULD",
        text="A client bounds what it reads from a server.",
        basis=f"{PRACTICE}: no RFC bounds a literal; graded by the client ending",
    ),
    config_changes={"endless_literal": True},
    hostile=True,
)

NO_LOGIN_AFTER_PREAUTH = Check(
    name="no-login-after-preauth",
    summary="no LOGIN or AUTHENTICATE once PREAUTH has authenticated the session",
    requirement=rfc_sentence(
        9051,
        "7.1.4",
        "MUST",
        """It indicates that the connection has already been authenticated by external
        means; thus, no LOGIN/ AUTHENTICATE command is needed.""",
        "§3: LOGIN and AUTHENTICATE belong to the not authenticated state, which PREAUTH "
        "skips, and a command in an inappropriate state is a protocol error",
    ),
    kinds=frozenset({"LOGIN_AFTER_PREAUTH"}),
)
PREAUTH = Scenario(
    name="preauth",
    summary="the greeting is PREAUTH: the session starts authenticated",
    requirement=NO_LOGIN_AFTER_PREAUTH.requirement,
    config_changes={"preauth": DEMO_USERS[0][0]},
    checks=(NO_LOGIN_AFTER_PREAUTH,),
)


# Commands that touch nothing of the user's: asking what the server offers, or leaving,
# on the way to the close (the sentence says to close, not when; no false alarm).
_CLOSING = re.compile(r"\S+ (?:CAPABILITY|NOOP|STARTTLS|LOGOUT)\\r\\n\Z", re.IGNORECASE)


def _went_on_after_preauth(record: SessionRecord) -> list[str]:
    going_on = [line for line in record.said() if not _CLOSING.match(line)]
    if going_on:
        return [f"the client went on in the clear after PREAUTH: {going_on[0][:80]}"]
    return []


CLOSES_ON_PREAUTH = Check(
    name="closes-on-plaintext-preauth",
    summary="a client that requires TLS closes at a PREAUTH greeting on a plain port, "
    "asking no more than CAPABILITY (or STARTTLS, NOOP, LOGOUT) before it",
    requirement=rfc_sentence(
        9051,
        "7.1.4",
        "MUST",
        """Clients that require mandatory TLS MUST close the connection after receiving
        the PREAUTH response on a non-protected port.""",
    ),
    inspect=_went_on_after_preauth,
)
PREAUTH_WITHOUT_TLS = Scenario(
    name="preauth-without-tls",
    summary="PREAUTH on the plain port, to a client configured to require TLS",
    requirement=CLOSES_ON_PREAUTH.requirement,
    config_changes={"preauth": DEMO_USERS[0][0]},
    checks=(CLOSES_ON_PREAUTH,),
    needs_tls=True,
    hostile=True,
)


# In the transcript (escaped): an EXPUNGE sent, and a command by sequence number.
_EXPUNGE_SENT = re.compile(r" S: \* \d+ EXPUNGE\\r\\n\Z")
_BY_NUMBER = re.compile(r" C: \S+ (?i:FETCH|STORE|COPY|MOVE) ")


def _expunge_then_numbers(record: SessionRecord) -> bool:
    """An EXPUNGE was sent and a later command named messages by sequence number."""
    lines = record.lines
    first = next((n for n, line in enumerate(lines) if _EXPUNGE_SENT.search(line)), None)
    return first is not None and any(_BY_NUMBER.search(line) for line in lines[first:])


EXPUNGE_RECORDED = Check(
    name="expunge-recorded",
    summary="after an EXPUNGE response, no command names the messages it took away",
    requirement=rfc_sentence(
        3501,
        "7.4.1",
        "MUST",
        "The update from the EXPUNGE response MUST be recorded by the client.",
    ),
    kinds=frozenset({"STALE_SEQUENCE_NUMBER"}),
    exercised=_expunge_then_numbers,
)
EXPUNGE_ELSEWHERE = Scenario(
    name="expunge-elsewhere",
    summary="the last message is expunged by another session once SELECT is done; the "
    "EXPUNGE is sent with the next response that may carry one",
    requirement=rfc_sentence(
        9051,
        "7.5.1",
        "MUST",
        """An EXPUNGE response MUST NOT be sent when no command is in progress, nor while
        responding to a FETCH, STORE, or SEARCH command.""",
        "the rule the server keeps; the client is graded on recording it",
    ),
    config_changes={"expunge_elsewhere": True},
    checks=(EXPUNGE_RECORDED,),
)

JUDGING = Judging(
    scenarios=(
        BASELINE,
        SLOW_GREETING,
        LOGINDISABLED,
        LITERAL_MINUS,
        UNSOLICITED,
        SELECT_REFUSED,
        BYE,
        STARTTLS_REFUSED,
        STARTTLS_INJECTION,
        ENDLESS_LITERAL,
        PREAUTH,
        PREAUTH_WITHOUT_TLS,
        EXPUNGE_ELSEWHERE,
    ),
    checks=(
        CRLF_ONLY,
        SYNTAX,
        STATE,
        UNIQUE_TAGS,
        LITERALS,
        IDLE_DONE,
        NO_LOGIN,
        STARTTLS_WAIT,
        SASL,
    ),
    core=ServerConnection,
    messages=MESSAGES,
)
