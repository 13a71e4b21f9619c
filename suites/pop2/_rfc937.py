"""Helpers of the RFC 937 suite: reading one seeded message and checking reply kinds."""

from __future__ import annotations

from conformance import Pop2Mailbox, Pop2Session
from reference_impl.pop2 import Reply, ReplyKind


def expect(reply: Reply, kind: ReplyKind, sent: str) -> int | None:
    """Assert the reply's indicator (and its number for "#" and "="); return the number."""
    assert reply.kind is kind, f"sent {sent}, expected a '{kind.value}' reply, got {reply}"
    if kind in (ReplyKind.COUNT, ReplyKind.LENGTH):
        assert reply.number is not None, (
            f"sent {sent}, expected '{kind.value}' followed by a decimal number, got {reply}"
        )
    return reply.number


def read(session: Pop2Session, number: int | None = None) -> int:
    """READ [n]; the length it announces (asserted to be an "=" reply)."""
    sent = "READ" if number is None else f"READ {number}"
    length = expect(session.read(number), ReplyKind.LENGTH, sent)
    assert length is not None
    return length


def retrieve(session: Pop2Session, mailbox: Pop2Mailbox, name: str) -> bytes:
    """READ the seeded message ``name`` and RETR it; the session is then in NEXT."""
    number = mailbox.numbers[name]
    expected = len(mailbox[name].content)
    length = read(session, number)
    assert length == expected, (
        f"sent READ {number} for a message of {expected} octets, got ={length}"
    )
    return session.retr(length)
