"""The replies a judging SMTP server scripts (``ServerConfig.script``), as pure functions.

Every scripted reply is one a conforming server may send; the client is graded on how it
copes (RFC 5321 §4.2.1 multi-line replies, §4.1.1.1 a refused EHLO, §3.8 a 421, §4.5.3.2
slow replies; RFC 3207 §4 a refused STARTTLS), or, under a hostile scenario, one an
attacker sends: a reply without end (``flooded``), a reply code out of range in place
of the 250 to MAIL (``in_place_of``).  The server core asks these functions what to say
and sends it through its pacing (``ByteCore._send_later``).
"""

from __future__ import annotations

from reference_impl.smtp import _codes as c
from reference_impl.smtp._config import Script

__all__ = [
    "FLOOD_BOUND",
    "SPLIT_PAUSE",
    "flooded",
    "greeting",
    "in_place_of",
    "paced",
    "scripted_refusal",
]

# Long enough that each piece leaves in its own TCP segment on loopback.
SPLIT_PAUSE = 0.05

# The judge's own bound on a reply without end, so no run hangs on a client that reads
# it all: FLOOD_PIECES pieces of FLOOD_PIECE octets, FLOOD_PAUSE apart (1.5 MB over
# 1.2 s), then a close.  A client that bounds what it reads has given up long before.
FLOOD_PIECE = 64 * 1024
FLOOD_PIECES = 24
FLOOD_PAUSE = 0.05
FLOOD_BOUND = "the judge's bound on a reply without end"

S421_SCRIPTED = c.ServerReply(
    code=421, status="4.3.2", lines=("Service not available, closing transmission channel",)
)
S450_SCRIPTED = c.ServerReply(
    code=450, status="4.2.1", lines=("Mailbox busy, try this recipient later",)
)
S550_SCRIPTED = c.ServerReply(code=550, status="5.7.1", lines=("Sender refused by policy",))


def greeting(hostname: str, script: Script) -> c.ServerReply:
    """The 220 greeting, the script's extra lines after the first (§4.3.1: the first
    line names the server; §4.2.1: the text of the others may be anything)."""
    first = f"{hostname} ESMTP mail-conformance reference server"
    return c.ServerReply(code=220, status="", lines=(first, *script.greeting_lines))


def scripted_refusal(
    script: Script, verb: str, *, recipients_tried: int
) -> tuple[c.ServerReply, bool] | None:
    """The reply the script puts in place of the normal one to ``verb``, and whether the
    server closes after it; None to answer normally."""
    if script.close_at and verb == script.close_at:
        return S421_SCRIPTED, True
    if verb == "EHLO" and script.refuse_ehlo:
        return c.S500_UNRECOGNIZED, False  # §4.1.1.1: "command not recognized"
    if verb == "MAIL" and script.refuse_mail:
        return S550_SCRIPTED, False
    if verb == "RCPT" and script.refuse_first_rcpt and recipients_tried == 0:
        return S450_SCRIPTED, False
    if verb == "STARTTLS" and script.refuse_starttls:
        return c.S454_TLS_UNAVAILABLE, False
    return None


def paced(data: bytes, script: Script, *, delay: float) -> list[tuple[float, bytes]]:
    """``data`` as (pause before, piece) pairs: after ``delay`` when it is held, and with
    ``split_replies`` one line per piece, the first line cut in two as well (a reader
    that takes one ``recv`` for one line or one reply is caught)."""
    if not script.split_replies:
        return [(delay, data)]
    lines = data.splitlines(keepends=True)
    half = max(1, len(lines[0]) // 2)
    pieces = [lines[0][:half], lines[0][half:], *lines[1:]]
    return [(delay if i == 0 else SPLIT_PAUSE, piece) for i, piece in enumerate(pieces) if piece]


def flooded(hostname: str, script: Script) -> list[tuple[float, bytes]]:
    """The greeting as (pause before, piece) pairs when the script floods: its first line
    marked as continued (§4.2.1), ``script.flood[0]``, then ``script.flood[1]`` repeated
    until the judge's bound; nothing ends the reply."""
    head, unit = script.flood
    first = greeting(hostname, script).lines[0]
    piece = unit * max(1, FLOOD_PIECE // len(unit))
    return [(0.0, f"220-{first}\r\n".encode() + head), *[(FLOOD_PAUSE, piece)] * FLOOD_PIECES]


def in_place_of(script: Script, verb: str, code: int) -> bytes | None:
    """What the script sends in place of the reply ``code`` to ``verb``; None: the reply."""
    if verb == "MAIL" and code == 250 and script.mail_reply:
        return script.mail_reply
    return None
