"""RFC 3501 §6.3.11, §6.4.5-§6.4.6, §6.4.8: APPEND, FETCH, STORE and UID FETCH."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import MESSAGE, append, expect_ok, fetch, fetch_data, flags_of, select, uid_of

OCTETS = (
    MESSAGE.replace(b"Hello", b'Tab\there, trailing space \r\n8bit-free ( ) { } " \\ ')
    + b"\r\n..\r\n.\r\nlast line without CRLF"
)


def _one(session: ImapSession, mailbox: str, content: bytes = MESSAGE, flags: bytes = b"") -> None:
    append(session, mailbox, content, flags)
    select(session, mailbox)


@pytest.mark.rfc(
    3501,
    "6.4.5",
    "MUST",
    basis="§6.4.5 defines BODY[] as the whole message (RFC 2822 text), as APPEND stored it",
)
def test_append_then_fetch_body_is_byte_exact(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """BODY[<section>]<<partial>> The text of a particular body section. ... An empty section
    specification refers to the entire message, including the header."""
    session = imap_login()
    _one(session, imap_mailbox, OCTETS)
    body = fetch(session, "1", "(BODY.PEEK[])")[1].get(b"BODY[]")
    assert body == OCTETS, f"APPENDed {len(OCTETS)} octets, BODY[] returned {body!r}"


@pytest.mark.rfc(
    3501,
    "6.4.5",
    "MUST",
    basis="§7.4.2 defines RFC822.SIZE as the size of the message; BODY[] is that message",
)
def test_rfc822_size_is_the_octets_of_body(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """RFC822.SIZE The [RFC-2822] size of the message."""
    session = imap_login()
    _one(session, imap_mailbox, OCTETS)
    data = fetch(session, "1", "(RFC822.SIZE BODY.PEEK[])")[1]
    size, body = data.get(b"RFC822.SIZE"), data.get(b"BODY[]")
    assert isinstance(body, bytes) and size == str(len(body)).encode(), (
        f"RFC822.SIZE {size!r} for a BODY[] of {len(body or b'')} octets"
    )


@pytest.mark.rfc(
    3501, "6.4.5", "MUST", basis="§6.4.5 defines BODY[] so; its \\Seen side effect is part of it"
)
def test_fetch_body_sets_seen(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """BODY[<section>]<<partial>> The text of a particular body section. ... The \\Seen flag
    is implicitly set"""
    session = imap_login()
    _one(session, imap_mailbox)
    fetch(session, "1", "(BODY[])")
    flags = flags_of(fetch(session, "1", "(FLAGS)")[1])
    assert b"\\SEEN" in flags, f"after FETCH BODY[] the flags are {sorted(flags)}"


@pytest.mark.rfc(
    3501, "6.4.5", "MUST", basis="§6.4.5 defines BODY.PEEK as the form that leaves \\Seen"
)
def test_fetch_body_peek_leaves_seen_unset(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """BODY.PEEK[<section>]<<partial>> An alternate form of BODY[<section>] that does not
    implicitly set the \\Seen flag."""
    session = imap_login()
    _one(session, imap_mailbox)
    fetch(session, "1", "(BODY.PEEK[])")
    flags = flags_of(fetch(session, "1", "(FLAGS)")[1])
    assert b"\\SEEN" not in flags, f"after FETCH BODY.PEEK[] the flags are {sorted(flags)}"


@pytest.mark.rfc(3501, "6.4.5", "MUST", basis="§6.4.5 defines partial fetches' origin and length")
def test_partial_fetch_returns_the_octets_asked_for(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """It is possible to fetch a substring of the designated text.  This is done by
    appending an open angle bracket ("<"), the octet position of the first desired octet,
    a period, the maximum number of octets desired, and a close angle bracket (">") to the
    part specifier."""
    session = imap_login()
    _one(session, imap_mailbox)
    data = fetch(session, "1", "(BODY.PEEK[]<6.10>)")[1]
    assert data.get(b"BODY[]<6>") == MESSAGE[6:16], f"BODY.PEEK[]<6.10> returned {data!r}"


@pytest.mark.rfc(3501, "6.3.11", "SHOULD")
def test_append_sets_the_flags_given(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If a flag parenthesized list is specified, the flags SHOULD be set in the resulting
    message; otherwise, the flag list of the resulting message is set to empty by
    default."""
    session = imap_login()
    _one(session, imap_mailbox, flags=b"(\\Flagged \\Draft)")
    flags = flags_of(fetch(session, "1", "(FLAGS)")[1])
    assert {b"\\FLAGGED", b"\\DRAFT"} <= flags, f"APPENDed with \\Flagged \\Draft: {flags}"


@pytest.mark.rfc(
    3501, "6.4.6", "MUST", basis="§6.4.6 defines +FLAGS as adding its argument to the flags"
)
def test_store_plus_flags_adds_and_returns_them(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """+FLAGS <flag list> Add the argument to the flags for the message.  The new value of
    the flags is returned as if a FETCH of those flags was done."""
    session = imap_login()
    _one(session, imap_mailbox, flags=b"(\\Draft)")
    completed = expect_ok(
        session.command("STORE", b"1", b"+FLAGS", b"(\\Flagged $Conformance)"), "STORE +FLAGS"
    )
    returned = fetch_data(completed).get(1)
    assert returned is not None, "STORE +FLAGS returned no untagged FETCH"
    wanted = {b"\\FLAGGED", b"$CONFORMANCE", b"\\DRAFT"}
    assert wanted <= flags_of(returned), f"STORE +FLAGS returned {flags_of(returned)}"


@pytest.mark.rfc(
    3501, "6.4.6", "MUST", basis="§6.4.6 defines -FLAGS as removing its argument from the flags"
)
def test_store_minus_flags_removes_only_them(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """-FLAGS <flag list> Remove the argument from the flags for the message.  The new
    value of the flags is returned as if a FETCH of those flags was done."""
    session = imap_login()
    _one(session, imap_mailbox, flags=b"(\\Flagged \\Draft)")
    expect_ok(session.command("STORE", b"1", b"-FLAGS", b"(\\Flagged)"), "STORE -FLAGS")
    flags = flags_of(fetch(session, "1", "(FLAGS)")[1])
    assert b"\\FLAGGED" not in flags and b"\\DRAFT" in flags, f"after -FLAGS \\Flagged: {flags}"


@pytest.mark.rfc(3501, "6.4.6", "SHOULD")
def test_store_silent_returns_no_fetch(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A suffix of ".SILENT" in the data item name prevents the untagged FETCH, and the
    server SHOULD assume that the client has determined the updated value itself or does
    not care about the updated value."""
    session = imap_login()
    _one(session, imap_mailbox)
    completed = expect_ok(
        session.command("STORE", b"1", b"+FLAGS.SILENT", b"(\\Flagged)"), "STORE +FLAGS.SILENT"
    )
    assert 1 not in fetch_data(completed), "STORE +FLAGS.SILENT returned an untagged FETCH"
    assert b"\\FLAGGED" in flags_of(fetch(session, "1", "(FLAGS)")[1]), "the flag was not set"


@pytest.mark.rfc(3501, "6.4.8", "MUST")
def test_uid_fetch_includes_the_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """However, server implementations MUST implicitly include the UID message data item as
    part of any FETCH response caused by a UID command, regardless of whether a UID was
    specified as a message data item to the FETCH."""
    session = imap_login()
    _one(session, imap_mailbox)
    uid = uid_of(session, 1)
    data = fetch(session, str(uid), "(FLAGS)", uid=True)
    assert data.get(1, {}).get(b"UID") == str(uid).encode(), f"UID FETCH {uid} FLAGS: {data!r}"


@pytest.mark.rfc(
    3501, "6.4.8", "MUST", basis="§6.4.8: UID commands take unique identifiers, not numbers"
)
def test_uid_fetch_addresses_messages_by_uid(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """However, the numbers in the sequence set argument are unique identifiers instead of
    message sequence numbers."""
    session = imap_login()
    append(session, imap_mailbox, b"Subject: one\r\n\r\nfirst\r\n")
    append(session, imap_mailbox, b"Subject: two\r\n\r\nsecond\r\n")
    select(session, imap_mailbox)
    uid = uid_of(session, 2)
    data = fetch(session, str(uid), "(BODY.PEEK[TEXT])", uid=True)
    assert list(data) == [2] and data[2].get(b"BODY[TEXT]") == b"second\r\n", (
        f"UID FETCH {uid} should return message 2: {data!r}"
    )
