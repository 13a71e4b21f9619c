"""SORT and UID SORT (RFC 5256) in the reference IMAP server core, driven in memory against
a real store, and the base subject of §2.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from imap_driver import Driven, logged_in

from reference_impl.imap._sort_command import base_subject
from reference_impl.store import MailStore


def message(subject: str, sender: str, date: str, body: bytes = b"x\r\n") -> bytes:
    return (
        f"From: {sender}\r\nTo: t@example.test\r\nSubject: {subject}\r\nDate: {date}\r\n\r\n"
    ).encode() + body


@pytest.fixture
def session(tmp_path: Path) -> Driven:
    store = MailStore(tmp_path / "store")
    # 1: newest sent, 2: oldest sent (its zone puts it first in UTC), 3: no parsable Date.
    store.deliver(
        "alice",
        message("Re: [list] beta", "Zed <zed@example.test>", "Tue, 3 Dec 2024 12:00:00 +0000"),
        internal_date=3000.0,
    )
    store.deliver(
        "alice",
        message(
            "alpha (fwd)", "amy@example.test", "Tue, 3 Dec 2024 12:00:00 +0900", b"longer\r\n" * 9
        ),
        internal_date=2000.0,
    )
    store.deliver("alice", message("Fwd: Gamma", "Bob@example.test", "garbage"),
                  internal_date=1000.0)  # fmt: skip
    pair = logged_in(tmp_path, store)
    pair.send(b"S SELECT INBOX\r\n")
    return pair


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (b"(SUBJECT)", b"2 1 3"),  # alpha, beta, gamma: leaders, blobs and (fwd) dropped
        (b"(REVERSE SUBJECT)", b"3 1 2"),
        (b"(FROM)", b"2 3 1"),  # amy, Bob (case folded), zed
        (b"(DATE)", b"3 2 1"),  # 3 falls back to its INTERNALDATE, the oldest
        (b"(ARRIVAL)", b"3 2 1"),
        (b"(SIZE REVERSE ARRIVAL)", b"3 1 2"),  # 1 and 3 tie on size: newer arrival first
        (b"(TO)", b"1 2 3"),  # all equal: sequence order
    ],
)
def test_sort_orders_as_the_criteria_say(session: Driven, criteria: bytes, expected: bytes) -> None:
    reply = session.send(b"T SORT " + criteria + b" UTF-8 ALL\r\n")
    assert reply.startswith(b"* SORT " + expected + b"\r\nT OK"), reply


def test_uid_sort_answers_uids_and_applies_the_search(session: Driven) -> None:
    reply = session.send(b"U UID SORT (SUBJECT) US-ASCII NOT FROM zed\r\n")
    assert reply.startswith(b"* SORT 2 3\r\nU OK"), reply


def test_bad_criteria_and_charsets(session: Driven) -> None:
    assert session.send(b"A SORT (COLOUR) UTF-8 ALL\r\n").startswith(b"A BAD")
    assert session.send(b"B SORT () UTF-8 ALL\r\n").startswith(b"B BAD")
    assert session.send(b"C SORT (SUBJECT) KOI8-R ALL\r\n").startswith(b"C NO [BADCHARSET")


@pytest.mark.parametrize(
    ("subject", "base"),
    [
        ("Re: hello", "hello"),
        ("RE:   re: Fwd:hello (fwd) (FWD)", "hello"),
        ("[list] Re: [other] hello", "hello"),
        ("[fwd: Re: hello]", "hello"),
        ("[only a blob]", "[only a blob]"),  # §2.1 (4): not when the blob is all there is
        ("=?utf-8?q?Re=3A_gr=C3=BC=C3=9Fe?=", "grüße"),
        ("Fw : x", "x"),  # subj-refwd allows white space before the colon
    ],
)
def test_base_subject(subject: str, base: str) -> None:
    assert base_subject(subject) == base


def test_strings_collate_by_unicode_casemap(tmp_path: Path) -> None:
    """RFC 5256 §7: i;unicode-casemap, so "é" composed and decomposed, and "É", sort as
    one string: the sequence number decides."""
    store = MailStore(tmp_path / "store")
    for subject in ("=?utf-8?q?z?=", "=?utf-8?q?=C3=A9t=C3=A9?=", "=?utf-8?q?E=CC=81T=C3=89?="):
        store.deliver("alice", message(subject, "a@example.test", "Tue, 3 Dec 2024 12:00:00 +0000"))
    session = logged_in(tmp_path, store)
    session.send(b"S SELECT INBOX\r\n")
    reply = session.send(b"T SORT (SUBJECT) UTF-8 ALL\r\n")
    assert reply.startswith(b"* SORT 2 3 1\r\n"), reply
