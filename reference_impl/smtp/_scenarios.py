"""Grading SMTP clients: the scenarios the reference server plays and the checks it makes
(``reference_impl._scenarios``; docs/judge.md lists them with their sentences).

Each check is broken by the core's ``ClientDefect`` kinds it names
(``_client_defects``), so a rule lives once, in the core that enforces it; each
scenario is a ``Script`` for the core (``_config``, ``_scripted``).  Only what a
scenario's RFC sentence backs is graded, at the sentence's level.
"""

from __future__ import annotations

from pathlib import Path

from reference_impl._scenarios import PRACTICE, Check, Judging, Requirement, Scenario, rfc_sentence
from reference_impl.smtp._attempts import FirstAttempts
from reference_impl.smtp._client_defects import ClientDefectKind as K
from reference_impl.smtp._config import Script
from reference_impl.smtp._events import MessageReceived
from reference_impl.smtp._hostile_replies import HOSTILE_REPLIES
from reference_impl.smtp._retries import REPORTS_NON_DELIVERY, RETRIES, DeliveryLedger
from reference_impl.smtp._server import ServerConnection

__all__ = ["JUDGING", "MESSAGE", "RECIPIENT", "SENDER"]

SENDER = "sender@client.example"
RECIPIENT = "rcpt@judge.example"

# RFC 5321 §4.5.2: the lines starting with a period must reach the server doubled.  (No
# lone period: a client that does not double it ends the data there, and the rest of the
# message would be graded again as commands.)
PERIOD_LINES = (b".a line that starts with a period", b"..two periods")
MESSAGE = (
    f"From: <{SENDER}>\r\nTo: <{RECIPIENT}>\r\nSubject: judged\r\n"
    "Message-ID: <judged@client.example>\r\n\r\n"
).encode() + b"\r\n".join((*PERIOD_LINES, b"last line", b""))


def _kinds(*kinds: K) -> frozenset[str]:
    return frozenset(kind.name for kind in kinds)


def _script(scenario: Scenario) -> Script:
    script = scenario.config_changes.get("script")
    return script if isinstance(script, Script) else Script()


# -- what a delivery shows -------------------------------------------------------------


def _messages(record: object) -> list[bytes]:
    events = getattr(record, "events", [])
    return [event.content for event in events if isinstance(event, MessageReceived)]


def _expected_message(record: object) -> bytes | None:
    expected: dict[str, bytes] = getattr(record, "expected", {})
    return expected.get("message")


def _unstuffed_lines(record: object) -> list[str]:
    """The message's period lines that arrived with one period less: the client did not
    double it, and the server took the one it sent for the doubling (RFC 5321 §4.5.2)."""
    reasons = []
    for content in _messages(record):
        lines = set(content.split(b"\r\n"))
        for line in PERIOD_LINES:
            if line[1:] in lines and line not in lines:
                reasons.append(f"the message line {line!r} arrived as {line[1:]!r}")
    return reasons


def _carries_period_lines(record: object) -> bool:
    """A message arrived holding the period lines, one way or the other."""
    return any(
        line in content or line[1:] in content
        for content in _messages(record)
        for line in PERIOD_LINES
    )


def _delivered_or_not_exercised(record: object) -> list[str]:
    if _expected_message(record) is None or _messages(record):
        return []
    return ["the client delivered no message in this session"]


# -- checks made in every session ------------------------------------------------------

CRLF_ONLY = Check(
    name="crlf-line-ends",
    summary="commands and mail data end lines with CRLF, never a bare CR or LF",
    requirement=rfc_sentence(
        5321,
        "2.3.8",
        "MUST",
        """SMTP client implementations MUST NOT transmit these characters except when
        they are intended as line terminators and then MUST, as indicated above, transmit
        them only as a <CRLF> sequence.""",
    ),
    kinds=_kinds(K.BARE_LINE_END, K.DATA_BARE_LINE_END),
)
WAITS_FOR_GREETING = Check(
    name="waits-for-greeting",
    summary="no command before the 220 greeting (graded where the greeting is slow)",
    requirement=rfc_sentence(
        5321,
        "4.3.1",
        "SHOULD",
        "The sender SHOULD wait for this greeting message before sending any commands.",
    ),
    kinds=_kinds(K.EARLY_COMMAND),
    applies=lambda scenario: _script(scenario).greeting_delay > 0,
)
WAITS_FOR_REPLIES = Check(
    name="waits-for-replies",
    summary="each command waits for the previous reply unless PIPELINING was offered; "
    "mail data waits for the 354",
    requirement=rfc_sentence(
        5321,
        "4.3.1",
        "MUST",
        """Unless other arrangements are negotiated through service extensions, the
        sender MUST wait for this response before sending further commands.""",
    ),
    kinds=_kinds(K.NOT_WAITING, K.DATA_BEFORE_354),
)
DOT_STUFFING = Check(
    name="dot-stuffing",
    summary="a message line starting with a period is sent with one more period",
    requirement=rfc_sentence(
        5321,
        "4.5.2",
        "MUST",
        """Before sending a line of mail text, the SMTP client checks the first character
        of the line. If it is a period, one additional period is inserted at the
        beginning of the line.""",
        basis="§4.5.2 states the procedure without an RFC 2119 keyword; without it the "
        "mail data is cut at a line holding a lone period, so the message is altered",
    ),
    inspect=_unstuffed_lines,
    exercised=_carries_period_lines,
)
DATA_END = Check(
    name="data-ends-with-crlf-dot-crlf",
    summary="mail data ends with <CRLF>.<CRLF> before the connection closes",
    requirement=rfc_sentence(
        5321,
        "4.1.1.4",
        "MUST",
        """The mail data are terminated by a line containing only a period, that is, the
        character sequence "<CRLF>.<CRLF>".""",
        basis="§4.1.1.4 defines the end of mail data, and §4.1.1.10: the sender MUST NOT "
        "intentionally close the channel before QUIT",
    ),
    kinds=_kinds(K.DATA_NOT_ENDED),
)
COMMAND_SYNTAX = Check(
    name="command-syntax",
    summary="commands, their parameters and the addresses in MAIL and RCPT follow the grammar",
    requirement=rfc_sentence(
        5321,
        "4.1.2",
        "MUST",
        """The syntax of the argument clauses of the above commands (using the syntax
        specified in RFC 5234 where applicable) is given below.""",
        basis="§4.1.2 gives the grammar of commands and paths; a server answers what "
        "breaks it with 500 or 501, and §4.1.1: clients MUST NOT send parameters that "
        "were not offered",
    ),
    kinds=_kinds(K.SYNTAX, K.BAD_ARGUMENTS, K.BAD_SASL_RESPONSE),
)
COMMAND_SEQUENCE = Check(
    name="command-sequence",
    summary="EHLO or HELO before mail, MAIL before RCPT, RCPT before DATA",
    requirement=rfc_sentence(
        5321,
        "4.1.4",
        "MUST",
        """A session that will contain mail transactions MUST first be initialized by
        the use of the EHLO command.""",
    ),
    kinds=_kinds(K.BAD_SEQUENCE),
)
LINE_LENGTHS = Check(
    name="line-lengths",
    summary="command lines within 512 octets (or what extensions allow), text lines within 1000",
    requirement=rfc_sentence(
        5321,
        "4.5.3.1",
        "SHOULD",
        """Objects larger than these sizes SHOULD be avoided when possible.""",
    ),
    kinds=_kinds(K.LINE_TOO_LONG, K.DATA_LINE_TOO_LONG),
)
QUIT_AT_END = Check(
    name="quit-at-end",
    summary="the client sends QUIT before it closes the connection",
    requirement=rfc_sentence(
        5321,
        "4.1.1.10",
        "MUST",
        """The sender MUST NOT intentionally close the transmission channel until it
        sends a QUIT command.""",
    ),
    kinds=_kinds(K.CLOSED_WITHOUT_QUIT),
    # A server sending a reply without end leaves no QUIT to wait for: the client that
    # gives up closes (what the flood's own check wants).
    applies=lambda scenario: not _script(scenario).flood[1],
)
EHLO_AFTER_TLS = Check(
    name="ehlo-after-starttls",
    summary="EHLO is the first command after the TLS handshake",
    requirement=rfc_sentence(
        3207,
        "4.2",
        "SHOULD",
        """The client SHOULD send an EHLO command as the first command after a successful
        TLS negotiation.""",
    ),
    kinds=_kinds(K.NO_EHLO_AFTER_TLS),
    exercised=lambda record: "== TLS started" in record.transcript,
)
NO_PASSWORD_IN_CLEAR = Check(
    name="no-password-in-clear",
    summary="no AUTH PLAIN or LOGIN before TLS, even where the server offers it",
    requirement=rfc_sentence(
        4616,
        "6",
        "SHOULD",
        """By default, implementations SHOULD NOT advertise and SHOULD NOT make use of the
        PLAIN mechanism unless adequate data security services are in place.""",
    ),
    kinds=_kinds(K.PLAIN_AUTH_IN_CLEAR),
)

# -- checks of one scenario ------------------------------------------------------------

HELO_FALLBACK = Check(
    name="helo-fallback",
    summary="after EHLO is not recognized the client sends HELO",
    requirement=rfc_sentence(
        5321,
        "4.1.1.1",
        "SHOULD",
        """For a particular connection attempt, if the server returns a "command not
        recognized" response to EHLO, the client SHOULD be able to fall back and send
        HELO.""",
    ),
    kinds=_kinds(K.NO_HELO_FALLBACK),
)
SIZE_REFUSAL = Check(
    name="size-refusal-honoured",
    summary="after 552 to MAIL with SIZE, the client sends RSET or QUIT",
    requirement=rfc_sentence(
        1870,
        "6.2",
        "SHOULD",
        """If the code "552 message exceeds fixed maximum message size" is received, the
        client should immediately send either a RSET command (if it wishes to attempt to
        send additional messages), or a QUIT command.""",
        basis="RFC 1870 predates RFC 2119; its lower-case 'should' is graded as SHOULD",
    ),
    kinds=_kinds(K.SIZE_REFUSAL_IGNORED),
)
NO_REPEAT_AFTER_5XX = Check(
    name="no-repeat-after-5xx",
    summary="a MAIL refused with a 5yz is not sent again as the next command",
    requirement=rfc_sentence(
        5321,
        "4.2.1",
        "SHOULD",
        "The SMTP client SHOULD NOT repeat the exact request (in the same sequence).",
    ),
    kinds=_kinds(K.REPEATED_REFUSED_MAIL),
)
INJECTION_DISCARDED = Check(
    name="starttls-injection-discarded",
    summary="plaintext sent after the 220 to STARTTLS is not read as a reply in TLS",
    requirement=rfc_sentence(
        3207,
        "4.2",
        "MUST",
        """The client MUST discard any knowledge obtained from the server, such as the
        list of SMTP service extensions, which was not obtained from the TLS negotiation
        itself.""",
    ),
    kinds=_kinds(K.PLAINTEXT_INJECTION_ACCEPTED),
    exercised=lambda record: "== TLS started" in record.transcript,
)
NO_MAIL_IN_CLEAR = Check(
    name="no-mail-after-refused-starttls",
    summary="a client that asked for STARTTLS and was refused sends no mail or password "
    "in the clear",
    requirement=rfc_sentence(
        3207,
        "4.1",
        "SHOULD",
        """If the client receives the 454 response, the client must decide whether or
        not to continue the SMTP session.""",
        basis=f"{PRACTICE} RFC 3207 leaves the choice to the client; a client that asked "
        "for TLS and goes on in the clear defeats it (STARTTLS "
        "stripping), so it is graded as a SHOULD, a warning",
    ),
    kinds=_kinds(K.CLEAR_AFTER_TLS_REFUSED),
    exercised=lambda record: "C: STARTTLS" in record.transcript.upper(),
)


def _copes(scenario_name: str, requirement: Requirement) -> Check:
    """The client still delivers the message it was given under ``scenario_name``."""
    return Check(
        name="delivers",
        summary=f"the message given to the client is delivered under {scenario_name}",
        requirement=requirement,
        inspect=_delivered_or_not_exercised,
        exercised=lambda record: _expected_message(record) is not None,
    )


# -- scenarios --------------------------------------------------------------------------

_WAIT = rfc_sentence(
    5321,
    "4.3.1",
    "MUST",
    """Unless other arrangements are negotiated through service extensions, the sender
    MUST wait for this response before sending further commands.""",
)
_MULTILINE = rfc_sentence(
    5321,
    "4.2.1",
    "MUST",
    """The reply text may be longer than a single line; in these cases the complete text
    must be marked so the SMTP client knows when it can stop reading the reply.""",
    basis="§4.2.1 defines the multiline reply a client reads to its last line (lower-case "
    "'must'), and §4.3.1: the sender MUST wait for the reply",
)
_TIMEOUTS = rfc_sentence(
    5321,
    "4.5.3.2",
    "SHOULD",
    """Based on extensive experience with busy mail-relay hosts, the minimum per-command
    timeout values SHOULD be as follows:""",
)
_TRANSIENT = rfc_sentence(
    5321,
    "4.2.1",
    "SHOULD",
    """Each reply in this category might have a different time value, but the SMTP client
    SHOULD try again.""",
)
_CLOSED = rfc_sentence(
    5321,
    "3.8",
    "SHOULD",
    """SMTP clients that experience a connection close, reset, or other communications
    failure due to circumstances not under their control (in violation of the intent of
    this specification but sometimes unavoidable) SHOULD, to maintain the robustness of
    the mail system, treat the mail transaction as if a 451 response had been received
    and act accordingly.""",
)
_421 = rfc_sentence(
    5321,
    "3.8",
    "SHOULD",
    """An SMTP server that is forcibly shut down via external means SHOULD attempt to
    send a line containing a 421 response code to the SMTP client before exiting.""",
)
_452 = rfc_sentence(
    5321,
    "4.5.3.1.10",
    "SHOULD",
    """If an SMTP server has an implementation limit on the number of RCPT commands and
    this limit is exhausted, it MUST use a response code of 452 (but the client SHOULD
    also be prepared for a 552, as noted above).""",
)
_530 = rfc_sentence(
    3207,
    "4",
    "SHOULD",
    """In this case, the server SHOULD return the reply code: 530 Must issue a STARTTLS
    command first to every command other than NOOP, EHLO, STARTTLS, or QUIT.""",
)


def _scenario(
    name: str,
    summary: str,
    requirement: Requirement,
    script: Script,
    *checks: Check,
    delivers: bool = False,
    hostile: bool = False,
    config: dict[str, object] | None = None,
) -> Scenario:
    """A scenario; ``delivers``: a correct client still delivers the message it was given,
    graded as the scenario's own requirement (the others' requirement is what the
    scenario exercises; the checks of every session grade the client under it)."""
    own = (*checks, _copes(name, requirement)) if delivers else checks
    return Scenario(
        name=name,
        summary=summary,
        requirement=requirement,
        config_changes={"script": script, **(config or {})},
        checks=own,
        needs_tls=True,
        hostile=hostile,
    )


SCENARIOS = (
    _scenario(
        "baseline",
        "an ordinary MX: ESMTP with PIPELINING, SIZE, 8BITMIME, STARTTLS offered; the "
        "greeting comes after 0.3 s",
        _WAIT,
        Script(greeting_delay=0.3),
    ),
    _scenario(
        "multiline-replies",
        "a three-line greeting and odd but legal EHLO lines (text that looks like a reply "
        "code, an unknown keyword)",
        _MULTILINE,
        Script(
            greeting_lines=("220 is this line's text, not its end", "234 text beginning"),
            ehlo_lines=("X-JUDGE-UNKNOWN-KEYWORD with parameters", "250 text, not the end"),
        ),
        delivers=True,
    ),
    _scenario(
        "split-replies",
        "every reply line in its own TCP segment, the first cut in two, 50 ms apart",
        _MULTILINE,
        Script(split_replies=True, greeting_lines=("continued greeting",)),
        delivers=True,
    ),
    _scenario(
        "no-pipelining",
        "PIPELINING not offered, and every reply 50 ms late: each command must wait",
        _WAIT,
        Script(offer_pipelining=False, reply_delay=0.05),
    ),
    _scenario(
        "slow-replies",
        "the greeting after 1 s and every reply after 0.25 s, far within the RFC's minutes",
        _TIMEOUTS,
        Script(greeting_delay=1.0, reply_delay=0.25),
        delivers=True,
    ),
    _scenario(
        "ehlo-refused",
        "EHLO answered 500 'command not recognized': the client falls back to HELO",
        HELO_FALLBACK.requirement,
        Script(refuse_ehlo=True),
        HELO_FALLBACK,
        delivers=True,
    ),
    _scenario(
        "rcpt-4xx",
        "the first RCPT of each transaction answered 450 (mailbox busy), on the first "
        "attempt at that recipient only",
        _TRANSIENT,
        Script(refuse_first_rcpt=True, first_attempt_only=True),
        RETRIES,
    ),
    _scenario(
        "mail-5xx",
        "MAIL answered 550: the transaction never starts",
        COMMAND_SEQUENCE.requirement,
        Script(refuse_mail=True),
        NO_REPEAT_AFTER_5XX,
    ),
    *(
        _scenario(
            f"421-at-{verb.lower()}",
            f"421 and the connection closed in place of the reply to {verb}, on the first "
            "attempt only",
            _421,
            Script(close_at=verb, first_attempt_only=True),
            # Refused before any recipient, the attempt names no message to look for.
            *((RETRIES,) if verb in ("RCPT", "DATA") else ()),
        )
        for verb in ("EHLO", "MAIL", "RCPT", "DATA")
    ),
    _scenario(
        "too-many-recipients",
        "one recipient per transaction: a second RCPT is answered 452",
        _452,
        Script(),
        RETRIES,
        config={"max_recipients": 1},
    ),
    _scenario(
        "size-limit",
        "SIZE 100 advertised: the message given is bigger",
        SIZE_REFUSAL.requirement,
        Script(),
        SIZE_REFUSAL,
        config={"max_message_size": 100},
    ),
    _scenario(
        "starttls-required",
        "530 to every mail command until STARTTLS",
        _530,
        Script(),
        config={"require_tls": True},
    ),
    _scenario(
        "auth-offered-in-clear",
        "AUTH PLAIN LOGIN CRAM-MD5 offered before TLS: a client keeps its password for TLS",
        NO_PASSWORD_IN_CLEAR.requirement,
        Script(),
        config={"auth_without_tls": True},
    ),
    _scenario(
        "drop-after-data",
        "the connection closed after the final dot, before any reply, on the first "
        "attempt at that message only",
        _CLOSED,
        Script(drop_after_data=True, first_attempt_only=True),
        RETRIES,
        REPORTS_NON_DELIVERY,
    ),
    _scenario(
        "starttls-injection",
        "plaintext '250 PIPELINING' sent right after the 220 to STARTTLS; the first "
        "reply after the handshake held 1 s (CVE-2011-0411 class)",
        INJECTION_DISCARDED.requirement,
        Script(
            inject_after_starttls=b"250-injected.example\r\n250 PIPELINING\r\n",
            delay_after_tls=1.0,
        ),
        INJECTION_DISCARDED,
        hostile=True,
    ),
    _scenario(
        "starttls-refused",
        "STARTTLS advertised, then answered 454: a client that wanted TLS must not go on "
        "in the clear",
        NO_MAIL_IN_CLEAR.requirement,
        Script(refuse_starttls=True),
        NO_MAIL_IN_CLEAR,
        hostile=True,
    ),
    *HOSTILE_REPLIES,
)


def _placeholders(directory: Path) -> dict[str, str]:
    """{sender}, {rcpt} and {message}: a message whose lines test transparency."""
    message = directory / "message.eml"
    message.write_bytes(MESSAGE)
    return {"sender": SENDER, "rcpt": RECIPIENT, "message": str(message)}


JUDGING = Judging(
    scenarios=SCENARIOS,
    checks=(
        CRLF_ONLY,
        WAITS_FOR_GREETING,
        WAITS_FOR_REPLIES,
        DOT_STUFFING,
        DATA_END,
        COMMAND_SYNTAX,
        COMMAND_SEQUENCE,
        LINE_LENGTHS,
        QUIT_AT_END,
        EHLO_AFTER_TLS,
        NO_PASSWORD_IN_CLEAR,
    ),
    core=ServerConnection,
    placeholders=_placeholders,
    # Any recipient is taken (into the sink): an MTA pointed at the judge relays there.
    server_changes={"relay_allowed": True, "judging": True},
    ledger=DeliveryLedger,
    shared_changes=lambda: {"attempts": FirstAttempts()},
)
