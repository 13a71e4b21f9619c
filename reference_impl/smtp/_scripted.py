"""The replies a judging SMTP server scripts (``ServerConfig.script``), as pure functions.

Every scripted reply is one a conforming server may send; the client is graded on how it
copes (RFC 5321 §4.2.1 multi-line replies, §4.1.1.1 a refused EHLO, §3.8 a 421, §4.5.3.2
slow replies; RFC 3207 §4 a refused STARTTLS).  The server core asks these functions
what to say and sends it through its pacing (``ByteCore._send_later``).
"""

from __future__ import annotations

from reference_impl.smtp import _codes as c
from reference_impl.smtp._config import Script

__all__ = ["SPLIT_PAUSE", "greeting", "paced", "scripted_refusal"]

# Long enough that each piece leaves in its own TCP segment on loopback.
SPLIT_PAUSE = 0.05

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
