"""BODYSTRUCTURE and ENVELOPE on the wire as the RFC 3501 §9 grammar writes them: the
bodies of a multipart follow each other without a space (body-type-mpart = 1*body SP
media-subtype), and so do the addresses of a list (env-to = "(" 1*address ")" / nil);
every other pair of fields is separated by SP."""

from __future__ import annotations

from pathlib import Path

from imap_driver import logged_in

from reference_impl.store import MailStore

MESSAGE = (
    b"From: Ann <ann@example.com>\r\n"
    b"To: bob@example.org, Carl <carl@example.net>\r\n"
    b"Date: Thu, 3 Dec 2026 10:00:00 +0000\r\n"
    b"Subject: two parts\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n'
    b"\r\n"
    b"--b\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n"
    b"\r\n"
    b"one\r\n"
    b"--b\r\n"
    b"Content-Type: message/rfc822\r\n"
    b"\r\n"
    b"From: Dan <dan@example.net>\r\n"
    b"To: e@example.net, f@example.net\r\n"
    b"Date: Wed, 2 Dec 2026 09:00:00 +0100\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="c"\r\n'
    b"\r\n"
    b"--c\r\n"
    b"\r\n"
    b"plain\r\n"
    b"--c\r\n"
    b"Content-Type: text/html\r\n"
    b"\r\n"
    b"<p>html</p>\r\n"
    b"--c--\r\n"
    b"--b--\r\n"
)


def _fetched(tmp_path: Path, items: bytes) -> bytes:
    store = MailStore(tmp_path)
    store.deliver("alice", MESSAGE)
    pair = logged_in(store.root, store)
    assert b"s OK [READ-WRITE]" in pair.send(b"s SELECT INBOX\r\n")
    return pair.send(b"f FETCH 1 " + items + b"\r\n")


def test_bodies_of_a_multipart_are_adjacent(tmp_path: Path) -> None:
    reply = _fetched(tmp_path, b"(BODY)")
    assert b'"7BIT" 3 0)("MESSAGE" "RFC822" ' in reply, reply
    alternative = b'"7BIT" 5 0)("TEXT" "HTML" NIL NIL NIL "7BIT" 11 0) "ALTERNATIVE") 13) "MIXED")'
    assert alternative in reply


def test_addresses_of_a_list_are_adjacent(tmp_path: Path) -> None:
    reply = _fetched(tmp_path, b"(ENVELOPE)")
    assert b'((NIL NIL "bob" "example.org")("Carl" NIL "carl" "example.net"))' in reply
    assert b'(("Ann" NIL "ann" "example.com")) (("Ann" NIL "ann" "example.com"))' in reply


def test_encapsulated_envelope_and_body_use_the_same_form(tmp_path: Path) -> None:
    reply = _fetched(tmp_path, b"(BODYSTRUCTURE)")
    assert b'((NIL NIL "e" "example.net")(NIL NIL "f" "example.net"))' in reply
    assert b'"7BIT" 5 0 NIL NIL NIL NIL)("TEXT" "HTML" ' in reply
