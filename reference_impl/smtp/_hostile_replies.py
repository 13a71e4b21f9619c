"""Hostile SMTP replies a client is graded on: a reply without end, a reply line without
end, and a reply code out of range (``_scenarios`` adds them to the judge's scenarios;
docs/judge.md lists them with their sentences).

The server plays the attacker through its script (``_scripted``): ``flood`` sends the
greeting on and on until the judge's own bound (``FLOOD_BOUND``) closes, so no run
hangs; ``mail_reply`` answers MAIL with a code out of range while the server opens the
transaction all the same, so a client going on is graded by this check alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reference_impl._scenarios import PRACTICE, Check, Requirement, Scenario, rfc_sentence
from reference_impl.smtp._config import Script
from reference_impl.smtp._events import ConnectionClosed
from reference_impl.smtp._scripted import FLOOD_BOUND, FLOOD_PIECE, FLOOD_PIECES

if TYPE_CHECKING:
    from reference_impl._judge import SessionRecord

__all__ = ["BOUNDED_LINES", "BOUNDED_REPLY", "HOSTILE_REPLIES", "OUT_OF_RANGE_FATAL"]

_BOUND = f"{FLOOD_PIECE * FLOOD_PIECES / 2**20:.1f} MB"
OUT_OF_RANGE_REPLY = b"650 2.1.0 Sender OK\r\n"
# Each line of the endless reply is a legal one of 512 octets (§4.5.3.1.5): only their
# number has no end (and few long lines cost a client that parses each less time).
_LONGEST_LEGAL_LINE = b"220-one more line of a greeting without end ".ljust(510, b".") + b"\r\n"


def _read_to_the_bound(record: object) -> list[str]:
    events = getattr(record, "events", [])
    if any(isinstance(e, ConnectionClosed) and e.reason == FLOOD_BOUND for e in events):
        return [f"the client was still reading when the judge closed, {_BOUND} on"]
    return []


def _bounds(name: str, summary: str, requirement: Requirement) -> Check:
    """The client ends the session itself (closes, or sends QUIT and closes) before the
    judge's bound: it bounds what it reads from a server."""
    return Check(name=name, summary=summary, requirement=requirement, inspect=_read_to_the_bound)


_NO_BOUND = (
    f"{PRACTICE}: the sentence binds the server, and no RFC bounds what a client reads; a "
    "client that does not bound it is held (or fills its memory) as long as the server likes. "
    "Graded by the client ending the session"
)
BOUNDED_REPLY = _bounds(
    "bounds-endless-reply",
    f"a greeting of 220- lines without end: the client gives up before the judge's {_BOUND}",
    rfc_sentence(
        5321,
        "4.2.1",
        "SHOULD",
        """The reply text may be longer than a single line; in these cases the complete
        text must be marked so the SMTP client knows when it can stop reading the reply.""",
        basis=f"{_NO_BOUND} where the reply's end never comes",
    ),
)
BOUNDED_LINES = _bounds(
    "bounds-oversized-line",
    f"a greeting line without end: the client gives up before the judge's {_BOUND}",
    rfc_sentence(
        5321,
        "4.5.3.1.5",
        "SHOULD",
        """The maximum total length of a reply line including the reply code and the
        <CRLF> is 512 octets.""",
        basis=f"{_NO_BOUND} where a reply line never ends",
    ),
)


def _client_lines_after(record: SessionRecord, sent: bytes) -> list[str] | None:
    """The client's lines after the server sent ``sent``; None when it never did."""
    marker = f" S: {sent.rstrip().decode()}"
    for i, line in enumerate(record.lines):
        if marker in line:
            return record.said(since=i + 1)
    return None


def _went_on(record: SessionRecord) -> list[str]:
    """RCPT, DATA or BDAT next in the transaction the out-of-range code answered."""
    for line in _client_lines_after(record, OUT_OF_RANGE_REPLY) or []:
        verb = line[:4].upper()
        if verb in ("RCPT", "DATA", "BDAT"):
            return [f"after {OUT_OF_RANGE_REPLY.rstrip()!r} to MAIL the client sent {line!r}"]
        if verb in ("RSET", "QUIT", "MAIL"):
            break
    return []


OUT_OF_RANGE_FATAL = Check(
    name="out-of-range-reply-fatal",
    summary="after a reply code out of range (650) to MAIL, no RCPT, DATA or BDAT in that "
    "transaction",
    requirement=rfc_sentence(
        5321,
        "4.2",
        "SHOULD",
        """Clients that receive such out-of-range codes SHOULD normally treat them as fatal
        errors and terminate the mail transaction.""",
    ),
    inspect=_went_on,
    exercised=lambda record: _client_lines_after(record, OUT_OF_RANGE_REPLY) is not None,
)


def _hostile(name: str, summary: str, check: Check, script: Script) -> Scenario:
    return Scenario(
        name=name,
        summary=summary,
        requirement=check.requirement,
        config_changes={"script": script},
        checks=(check,),
        hostile=True,
    )


HOSTILE_REPLIES = (
    _hostile(
        "endless-reply",
        f"the greeting goes on with 220- lines without end, until the judge closes at {_BOUND}",
        BOUNDED_REPLY,
        Script(flood=(b"", _LONGEST_LEGAL_LINE)),
    ),
    _hostile(
        "oversized-reply-line",
        f"a greeting line that never ends (no CRLF), until the judge closes at {_BOUND}",
        BOUNDED_LINES,
        Script(flood=(b"220-", b"x" * 1024)),
    ),
    _hostile(
        "malformed-reply",
        "MAIL answered '650 2.1.0 Sender OK', a code out of range; PIPELINING not offered",
        OUT_OF_RANGE_FATAL,
        Script(mail_reply=OUT_OF_RANGE_REPLY, offer_pipelining=False),
    ),
)
