"""Steps of the probes that send what a server must refuse (limits, bad input): read
the answer to one raw command, where a ``* BYE`` (then a close) is an answer too.

A close without BYE is never an answer (``TargetClosedConnection`` fails the test), nor is
a ``+`` for a literal the server should not take: the literal is never sent.
"""

from __future__ import annotations

from conformance import ImapSession
from reference_impl.imap import ContinuationRequested, ImapResponse

from ._imap import shown

__all__ = ["answer_or_bye", "refused_by", "shown_all"]


def shown_all(responses: list[ImapResponse]) -> str:
    return ", ".join(shown(r) for r in responses[-6:]) or "nothing"


def answer_or_bye(session: ImapSession, data: bytes, tag: bytes, sent: str) -> list[ImapResponse]:
    """Send ``data`` raw; the responses up to the completion tagged ``tag``, an untagged
    BAD (RFC 3501 §7.1.3: for a command whose tag could not be read) or a BYE."""
    session.send_raw(data, expect_tag=tag)
    seen: list[ImapResponse] = []
    while True:
        event = session.next_response()
        seen.append(event.response)
        assert not isinstance(event, ContinuationRequested), (
            f"sent {sent}: the server asked for the literal's octets: {shown(event.response)}"
        )
        if event.response.tag == tag or event.response.status in (b"BAD", b"BYE"):
            return seen


def refused_by(responses: list[ImapResponse], tag: bytes) -> bool:
    """Whether the answer (of ``answer_or_bye``) refuses the command: a tagged NO or BAD,
    an untagged BAD or a BYE; never a tagged OK."""
    last = responses[-1]
    return last.status in (b"NO", b"BAD") if last.tag == tag else last.status in (b"BAD", b"BYE")
