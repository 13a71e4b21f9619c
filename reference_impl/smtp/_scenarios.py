"""Grading SMTP clients: the scenarios the reference server plays and the checks it makes
(``reference_impl._scenarios``; the list with their sentences is docs/judge.md).

Each check is broken by the core's ``ClientDefect`` kinds it names
(``_client_defects``), so the rule lives once, in the core that enforces it.
"""

from __future__ import annotations

from pathlib import Path

from reference_impl._scenarios import Check, Judging, Requirement, Scenario
from reference_impl.smtp._server import ServerConnection

__all__ = ["JUDGING"]

SENDER = "sender@client.example"
RECIPIENT = "rcpt@judge.example"


def _rfc(rfc: int, section: str, level: str, text: str) -> Requirement:
    return Requirement(rfc=rfc, section=section, level=level, text=" ".join(text.split()))


CRLF_ONLY = Check(
    name="crlf-line-ends",
    summary="commands and mail data end lines with CRLF, never a bare CR or LF",
    requirement=_rfc(
        5321,
        "2.3.8",
        "MUST",
        """SMTP client implementations MUST NOT transmit these characters except when
        they are intended as line terminators and then MUST, as indicated above, transmit
        them only as a <CRLF> sequence.""",
    ),
    kinds=frozenset({"BARE_LINE_END", "DATA_BARE_LINE_END"}),
)

BASELINE = Scenario(
    name="baseline",
    summary="an ordinary MX: ESMTP with PIPELINING, SIZE, 8BITMIME, STARTTLS offered",
    requirement=_rfc(
        5321,
        "4.3.1",
        "MUST",
        """Unless other arrangements are negotiated through service extensions, the
        sender MUST wait for this response before sending further commands.""",
    ),
    needs_tls=True,
)


def _placeholders(directory: Path) -> dict[str, str]:
    """{sender}, {rcpt} and {message}: a message whose lines test transparency."""
    message = directory / "message.eml"
    message.write_bytes(MESSAGE)
    return {"sender": SENDER, "rcpt": RECIPIENT, "message": str(message)}


# RFC 5321 §4.5.2: lines starting with a period must reach the server doubled.
MESSAGE = (
    f"From: <{SENDER}>\r\nTo: <{RECIPIENT}>\r\nSubject: judged\r\n"
    "Message-ID: <judged@client.example>\r\n\r\n"
    ".a line that starts with a period\r\n.\r\n..two periods\r\nlast line\r\n"
).encode()

JUDGING = Judging(
    scenarios=(BASELINE,),
    checks=(CRLF_ONLY,),
    core=ServerConnection,
    placeholders=_placeholders,
    # Any recipient is taken (into the sink): an MTA pointed at the judge relays there.
    server_changes={"relay_allowed": True},
)
