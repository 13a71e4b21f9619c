"""Grading POP3 clients: the scenarios the reference server plays and the checks it makes
(``reference_impl._scenarios``).

Each check is broken by the core's ``ClientDefect`` kinds it names (``_client_defects``),
so the rule lives once, in the core that enforces it; a scenario is a set of
``ServerConfig`` fields the core acts on.  RFC 1939 predates RFC 2119: its rules are
graded MUST where the text states them as the protocol's definition ("All commands are
terminated by a CRLF pair"), which is the basis each such requirement names.
"""

from __future__ import annotations

from reference_impl._judge import SessionRecord
from reference_impl._scenarios import (
    PRACTICE,
    Check,
    Judging,
    Scenario,
    rfc_sentence,
    slow_greeting,
)
from reference_impl.pop3._server import ServerConnection

__all__ = ["JUDGING", "MESSAGES"]

_DEFINITION = "RFC 1939 predates RFC 2119; the sentence defines the protocol"


# RFC 1939 §3: lines that begin with "." reach the client byte-stuffed; a message whose
# lines are "." alone, ".." and ". x" tests the client's un-stuffing and its end test.
MESSAGES = (
    b"From: <judge@example.test>\r\nTo: <alice@example.test>\r\nSubject: byte-stuffed\r\n"
    b"Message-ID: <stuffed@example.test>\r\n\r\n"
    b".\r\n..\r\n. a line after a period\r\n.x\r\nlast line\r\n",
    b"From: <judge@example.test>\r\nTo: <alice@example.test>\r\nSubject: plain\r\n"
    b"Message-ID: <plain@example.test>\r\n\r\nA second message.\r\n",
)

CRLF_ONLY = Check(
    name="crlf-line-ends",
    summary="commands end with CRLF, never a bare CR or LF",
    requirement=rfc_sentence(
        1939, "3", "MUST", "All commands are terminated by a CRLF pair.", _DEFINITION
    ),
    kinds=frozenset({"BARE_LINE_END"}),
)
COMMAND_SYNTAX = Check(
    name="command-syntax",
    summary="a keyword and its arguments, single spaces, arguments within bounds",
    requirement=rfc_sentence(
        1939,
        "3",
        "MUST",
        """Commands in the POP3 consist of a case-insensitive keyword, possibly followed
        by one or more arguments. ... Keywords and arguments are each separated by a single
        SPACE character.""",
        _DEFINITION,
    ),
    kinds=frozenset({"SYNTAX", "BAD_ARGUMENTS", "ARGUMENT_TOO_LONG"}),
)
LINE_LENGTH = Check(
    name="command-length",
    summary="command lines of at most 255 octets",
    requirement=rfc_sentence(
        2449,
        "4",
        "MUST",
        """The maximum length of a command is increased from 47 characters ... to 255
        octets, including the terminating CRLF.""",
        "the stated maximum of the protocol",
    ),
    kinds=frozenset({"LINE_TOO_LONG"}),
)
STATE = Check(
    name="command-state",
    summary="commands only in the state they are valid in; PASS right after USER",
    requirement=rfc_sentence(
        1939,
        "7",
        "MUST",
        """PASS ... Restrictions: may only be given in the AUTHORIZATION state immediately
        after a successful USER command""",
        _DEFINITION,
    ),
    kinds=frozenset({"BAD_STATE", "PASS_WITHOUT_USER"}),
)
SASL = Check(
    name="sasl-base64",
    summary="AUTH responses are base64",
    requirement=rfc_sentence(
        5034,
        "4",
        "MUST",
        "A client response consists of a line containing a string encoded as Base64.",
        "the stated form of the exchange",
    ),
    kinds=frozenset({"BAD_SASL_RESPONSE"}),
)
STLS_WAIT = Check(
    name="stls-then-wait",
    summary="nothing after STLS until its +OK and the TLS handshake",
    requirement=rfc_sentence(
        2595,
        "4",
        "MUST",
        """Once a client issues a STLS command, it MUST NOT issue further commands until a
        server response is seen and the TLS negotiation is complete.""",
    ),
    kinds=frozenset({"COMMAND_AFTER_STLS"}),
)


def _client_lines(record: SessionRecord) -> list[str]:
    return [line.upper() for line in record.said()]


def _dele_without_quit(record: SessionRecord) -> list[str]:
    lines = _client_lines(record)
    if any(line.startswith("DELE ") for line in lines) and not any(
        line.startswith("QUIT") for line in lines
    ):
        return ["messages were marked with DELE but the session ended without QUIT"]
    return []


QUIT_COMMITS = Check(
    name="quit-commits-deletes",
    summary="a session that marks messages deleted ends with QUIT, which removes them",
    requirement=rfc_sentence(
        1939,
        "6",
        "SHOULD",
        """If a session terminates for some reason other than a client-issued QUIT
        command, the POP3 session does NOT enter the UPDATE state and MUST not remove any
        messages from the maildrop.""",
        f"{PRACTICE}: the MUST binds the server; a client that deletes must QUIT for it",
    ),
    inspect=_dele_without_quit,
    exercised=lambda record: any(line.startswith("DELE ") for line in _client_lines(record)),
)

CLEAR_AFTER_REFUSAL = Check(
    name="no-credentials-in-clear",
    summary="no USER, PASS, APOP or AUTH in the clear after STLS was refused",
    requirement=rfc_sentence(
        8314,
        "5",
        "SHOULD",
        """MUAs SHOULD be configurable to require a minimum level of confidentiality for
        any particular Mail Account and refuse to exchange information via any service
        associated with that Mail Account if the session does not provide that minimum
        level of confidentiality.""",
    ),
    kinds=frozenset({"CREDENTIALS_AFTER_TLS_REFUSED"}),
)
INJECTION_DISCARDED = Check(
    name="injected-plaintext-discarded",
    summary="plaintext sent after the +OK to STLS is not taken as an answer in TLS",
    requirement=rfc_sentence(
        2595,
        "4",
        "MUST",
        """Once TLS has been started, the client MUST discard cached information about
        server capabilities and SHOULD re-issue the CAPA command.""",
    ),
    kinds=frozenset({"INJECTED_RESPONSE_TAKEN"}),
)

BASELINE = Scenario(
    name="baseline",
    summary="CAPA with USER, TOP, UIDL, PIPELINING and STLS; messages with byte-stuffed lines",
    requirement=rfc_sentence(
        1939,
        "3",
        "MUST",
        """If any line of the multi-line response begins with the termination octet, the
        line is "byte-stuffed" by pre-pending the termination octet to that line of the
        response.""",
        _DEFINITION,
    ),
    needs_tls=True,
)
NO_CAPA = Scenario(
    name="no-capa",
    summary="CAPA answered -ERR, as by a server older than RFC 2449",
    requirement=rfc_sentence(
        2449,
        "5",
        "MAY",
        "The POP3 CAPA command returns a list of capabilities supported by the POP3 server.",
        "an optional command: a client must go on without it",
    ),
    config_changes={"capa_refused": True},
)
USER_REFUSED = Scenario(
    name="user-refused",
    summary="-ERR to USER: the client must not send PASS",
    requirement=rfc_sentence(
        1939,
        "4",
        "MUST",
        """If the POP3 server responds with a negative status indicator, then the client
        may either issue a new authentication command and start again, or the client may
        issue the QUIT command.""",
        _DEFINITION,
    ),
    config_changes={"user_refused": True},
)
STLS_REFUSED = Scenario(
    name="stls-refused",
    summary="STLS advertised by CAPA, then refused with -ERR (a downgrade)",
    requirement=CLEAR_AFTER_REFUSAL.requirement,
    config_changes={"stls_refused": True},
    checks=(CLEAR_AFTER_REFUSAL,),
    needs_tls=True,
    hostile=True,
)
STLS_INJECTION = Scenario(
    name="stls-injection",
    summary="a CAPA answer injected in plaintext after the +OK to STLS (CVE-2011-0411 class)",
    requirement=INJECTION_DISCARDED.requirement,
    config_changes={
        "injected_after_stls": b"+OK injected before TLS\r\nUSER\r\n.\r\n",
        "hold_after_tls": 0.5,
        "pipelining": False,
    },
    checks=(INJECTION_DISCARDED,),
    needs_tls=True,
    hostile=True,
)

WAITS_FOR_GREETING = Check(
    name="waits-for-greeting",
    summary="no command before the greeting",
    requirement=rfc_sentence(
        1939,
        "3",
        "SHOULD",
        """When the connection is established, the POP3 server sends a greeting.  The
        client and POP3 server then exchange commands and responses (respectively) until
        the connection is closed or aborted.""",
        f"{PRACTICE}: the order the sentence describes; no keyword binds the client",
    ),
    kinds=frozenset({"SENT_BEFORE_GREETING"}),
)
SLOW_GREETING = slow_greeting(WAITS_FOR_GREETING)
UNTERMINATED = Scenario(
    name="unterminated-retr",
    summary="RETR answered with half the message and no final '.', then a close",
    requirement=rfc_sentence(
        1939,
        "3",
        "MUST",
        """When all lines of the response have been sent, a final line is sent,
        consisting of a termination octet (decimal code 046, ".") and a CRLF pair.""",
        f"{_DEFINITION}: a response without it is incomplete, which the client's "
        "retrieval must show (graded on what the client kept)",
    ),
    config_changes={"unterminated_retr": True},
    hostile=True,
)


def _retrieved_and_kept(record: SessionRecord) -> bool:
    lines = _client_lines(record)
    retrieved = any(line.startswith(("RETR ", "TOP ")) for line in lines)
    return retrieved and not any(line.startswith("DELE ") for line in lines)


def _kept_without_uidl(record: SessionRecord) -> list[str]:
    if _retrieved_and_kept(record) and not any(
        line.startswith("UIDL") for line in _client_lines(record)
    ):
        return ["messages were retrieved and left on the server, and UIDL was never sent"]
    return []


UIDL_WHEN_KEEPING = Check(
    name="uidl-when-keeping",
    summary="a client that leaves retrieved mail on the server asks UIDL, to tell new "
    "messages from those it has",
    requirement=rfc_sentence(
        1939,
        "8",
        "SHOULD",
        """users and vendors of POP3 clients have discovered that the combination of
        using the UIDL command and not issuing the DELE command can provide a weak
        version of the "maildrop as semi-permanent repository" functionality normally
        associated with IMAP.""",
        f"{PRACTICE}: no RFC obliges a client to use UIDL; message numbers do not "
        "persist across sessions (§7: unique-ids do)",
    ),
    inspect=_kept_without_uidl,
    exercised=_retrieved_and_kept,
)
KEEP_ON_SERVER = Scenario(
    name="keep-on-server",
    summary="the baseline maildrop, for a client configured to keep mail on the server",
    requirement=UIDL_WHEN_KEEPING.requirement,
    checks=(UIDL_WHEN_KEEPING,),
)

JUDGING = Judging(
    scenarios=(
        BASELINE,
        SLOW_GREETING,
        NO_CAPA,
        USER_REFUSED,
        STLS_REFUSED,
        STLS_INJECTION,
        UNTERMINATED,
        KEEP_ON_SERVER,
    ),
    checks=(CRLF_ONLY, COMMAND_SYNTAX, LINE_LENGTH, STATE, SASL, STLS_WAIT, QUIT_COMMITS),
    core=ServerConnection,
    messages=MESSAGES,
)
