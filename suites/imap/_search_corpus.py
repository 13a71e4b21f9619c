"""Three messages that differ in every attribute a SEARCH key of RFC 3501 §6.4.4 reads:
addresses, subject, body, header fields, size, sent date, internal date and flags.

Each key's test asks which of them match, so a server answering another key, ignoring
the key, or matching it everywhere gives another list than the one the RFC defines.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance import ImapSession
from reference_impl.imap import Literal

from ._imap import expect_ok, mailbox, search_numbers, select

__all__ = ["CORPUS", "Corpus", "search_corpus", "searched"]


@dataclass(frozen=True)
class Corpus:
    """One message: its octets, APPEND flags and APPEND date-time (internal date)."""

    content: bytes
    flags: bytes
    internal_date: bytes


def _message(
    sender: str, to: str, cc: str, subject: str, date: str, body: bytes, extra: str = ""
) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nCc: {cc}\r\nSubject: {subject}\r\nDate: {date}\r\n"
        f"X-Conformance-Key: {subject}-value\r\n{extra}\r\n"
    ).encode("ascii") + body


CORPUS = (
    Corpus(
        _message(
            "Alice Able <alice@example.test>",
            "Bob <bob@example.test>",
            "Carol <carol@example.test>",
            "alpha report",
            "Mon, 7 Feb 1994 21:52:25 -0800",
            b"An apple a day.\r\n",
        ),
        b"(\\Answered)",
        b'"01-Feb-2000 10:00:00 +0000"',
    ),
    Corpus(
        _message(
            "Erin Early <erin@example.test>",
            "Frank <frank@example.test>",
            "Dave <dave@example.test>",
            "beta summary",
            "Sat, 5 May 2001 12:00:00 +0000",
            b"Bananas, many bananas.\r\n" * 40,
            "Keywords: fruit\r\n",
        ),
        b"(\\Flagged \\Draft $Conformance)",
        b'"15-Jun-2010 12:00:00 +0000"',
    ),
    Corpus(
        _message(
            "Grace Gray <grace@example.test>",
            "Heidi <heidi@example.test>",
            "Ivan <ivan@example.test>",
            "gamma notes",
            "Fri, 20 Mar 2020 08:00:00 +0000",
            b"Cherries.\r\n",
            "Bcc: Judy <judy@example.test>\r\n",
        ),
        b"(\\Deleted \\Seen)",
        b'"20-Mar-2020 12:00:00 +0000"',
    ),
)


def search_corpus(session: ImapSession, name: str) -> None:
    """``CORPUS`` appended to ``name`` (messages 1-3, in order), which is then selected."""
    for item in CORPUS:
        arguments = (mailbox(name), item.flags, item.internal_date, Literal(item.content))
        expect_ok(session.command("APPEND", *arguments), f"APPEND {item.flags.decode()}")
    select(session, name)


def searched(session: ImapSession, *criteria: bytes) -> list[int]:
    """The sorted message numbers of ``SEARCH criteria``."""
    sent = b" ".join(criteria).decode("ascii", "replace")
    completed = expect_ok(session.command("SEARCH", *criteria), f"SEARCH {sent}")
    return sorted(search_numbers(completed))
