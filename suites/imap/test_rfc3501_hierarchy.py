"""RFC 3501 §6.3.3-§6.3.9, RFC 3348 §3: the mailbox hierarchy (superior names made by
CREATE and RENAME, a trailing delimiter, \\Noselect levels), RENAME of INBOX, LIST's
reference argument, CHILDREN attributes, SUBSCRIBE and UNSUBSCRIBE seen by LSUB."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import append, expect_ok, listed, mailbox, message, search_numbers, select

NO_RULE = "§6.3.3-§6.3.5 define the result as NO for each of these errors"


def _delimiter(session: ImapSession) -> str:
    found = listed(expect_ok(session.command("LIST", b'""', b'""'), 'LIST "" ""'))
    if not found or found[0][1] is None:
        pytest.skip("the target's mailbox names are flat (hierarchy delimiter NIL)")
    delimiter = found[0][1]
    assert isinstance(delimiter, bytes)
    return delimiter.decode()


def _listing(session: ImapSession, reference: str, pattern: str) -> dict[bytes, set[bytes]]:
    """LIST reference pattern: each name listed, with its attributes."""
    completed = session.command("LIST", mailbox(reference), mailbox(pattern))
    found = listed(expect_ok(completed, f'LIST "{reference}" "{pattern}"'))
    return {name: attributes for attributes, _, name in found}


@pytest.mark.rfc(3501, "6.3.3", "SHOULD")
def test_create_makes_the_superior_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """In other words, an attempt to create "foo/bar/zap" on a server in which "/" is the
    hierarchy separator character SHOULD create foo/ and foo/bar/ if they do not already
    exist."""
    session = imap_login()
    d = _delimiter(session)
    expect_ok(session.command("CREATE", mailbox(f"{imap_mailbox}{d}a{d}b")), "CREATE a/b")
    names = set(_listing(session, "", imap_mailbox + "*"))
    assert f"{imap_mailbox}{d}a".encode() in names, f"CREATE of .../a/b listed {names}"


@pytest.mark.rfc(3501, "6.3.3", "MUST")
def test_create_with_a_trailing_delimiter_makes_the_name_without_it(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Server implementations that do not require this declaration MUST ignore the
    declaration.  In any case, the name created is without the trailing hierarchy
    delimiter."""
    session = imap_login()
    d = _delimiter(session)
    name = imap_mailbox + "-dir"
    expect_ok(session.command("CREATE", mailbox(name + d)), f"CREATE {name}{d}")
    names = set(_listing(session, "", name + "*"))
    assert names == {name.encode()}, f"CREATE {name}{d} made {names}"


@pytest.mark.rfc(3501, "6.3.3", "MUST", basis=NO_RULE)
def test_create_inbox_gets_no(imap_login: Callable[[], ImapSession]) -> None:
    """It is an error to attempt to create INBOX or a mailbox with a name that refers to an
    extant mailbox.  Any error in creation will return a tagged NO response."""
    completed = imap_login().command("CREATE", b"INBOX")
    assert completed.response.status == b"NO", f"CREATE INBOX: {completed.response.line!r}"


@pytest.mark.rfc(3501, "6.3.5", "MUST", basis=NO_RULE)
def test_rename_of_a_missing_mailbox_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """It is an error to attempt to rename from a mailbox name that does not exist or to a
    mailbox name that already exists.  Any error in renaming will return a tagged NO
    response."""
    missing, new = mailbox(imap_mailbox + "-missing"), mailbox(imap_mailbox + "-new")
    completed = imap_login().command("RENAME", missing, new)
    assert completed.response.status == b"NO", (
        f"RENAME of a missing mailbox: {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.3.5", "SHOULD")
def test_rename_makes_the_superior_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """In other words, an attempt to rename "foo/bar/zap" to baz/rag/zowie on a server in
    which "/" is the hierarchy separator character SHOULD create baz/ and baz/rag/ if they
    do not already exist."""
    session = imap_login()
    d = _delimiter(session)
    old, new = imap_mailbox + "-old", f"{imap_mailbox}{d}x{d}y"
    expect_ok(session.command("CREATE", mailbox(old)), f"CREATE {old}")
    expect_ok(session.command("RENAME", mailbox(old), mailbox(new)), f"RENAME to {new}")
    names = set(_listing(session, "", imap_mailbox + "*"))
    assert {f"{imap_mailbox}{d}x".encode(), new.encode()} <= names, f"after RENAME: {names}"


@pytest.mark.rfc(3501, "6.3.4", "MUST", basis=NO_RULE)
def test_delete_of_a_noselect_level_with_children_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """It is an error to attempt to delete a name that has inferior hierarchical names and
    also has the \\Noselect mailbox name attribute (see the description of the LIST
    response for more details)."""
    session = imap_login()
    d = _delimiter(session)
    level = imap_mailbox + "-level"
    expect_ok(session.command("CREATE", mailbox(f"{level}{d}kid")), "CREATE level/kid")
    attributes = _listing(session, "", level).get(level.encode())
    if attributes is None or b"\\NOSELECT" not in attributes:
        pytest.skip(f"{level} is not a \\Noselect level here: {attributes}")
    completed = session.command("DELETE", mailbox(level))
    assert completed.response.status == b"NO", (
        f"DELETE of a \\Noselect level with children: {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.3.8", "SHOULD")
def test_list_names_start_with_the_reference(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any part of the reference argument that is included in the interpreted form SHOULD
    prefix the interpreted form."""
    session = imap_login()
    d = _delimiter(session)
    expect_ok(session.command("CREATE", mailbox(f"{imap_mailbox}{d}kid")), "CREATE kid")
    names = set(_listing(session, imap_mailbox + d, "%"))
    assert names == {f"{imap_mailbox}{d}kid".encode()}, (
        f'LIST "{imap_mailbox}{d}" "%" listed {names}'
    )


@pytest.mark.rfc(3501, "6.3.8", "MUST", basis="§6.3.8: LIST returns the names that match")
def test_list_without_a_match_gets_ok_and_no_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The LIST command returns a subset of names from the complete set of all names
    available to the client."""
    names = _listing(imap_login(), "", imap_mailbox + "-nothing-like-it*")
    assert names == {}, f"LIST of a pattern nothing matches listed {set(names)}"


@pytest.mark.rfc(3348, "3", "MUST", basis="§3 defines \\HasNoChildren as 'has no child mailboxes'")
@pytest.mark.requires("CHILDREN")
def test_a_parent_is_not_marked_hasnochildren(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """\\HasNoChildren - The presence of this attribute indicates that the mailbox has NO
    child mailboxes that are accessible to the currently authenticated user."""
    session = imap_login()
    d = _delimiter(session)
    expect_ok(session.command("CREATE", mailbox(f"{imap_mailbox}{d}kid")), "CREATE kid")
    attributes = _listing(session, "", imap_mailbox)[imap_mailbox.encode()]
    assert b"\\HASNOCHILDREN" not in attributes, f"the parent is listed with {attributes}"
    assert not attributes & {b"\\NOINFERIORS"}, f"the parent is listed with {attributes}"


@pytest.mark.rfc(3501, "6.3.7", "MUST", basis="§6.3.7: OK only if the unsubscription succeeded")
def test_unsubscribe_removes_the_name_from_lsub(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The UNSUBSCRIBE command removes the specified mailbox name from the server's set of
    "active" or "subscribed" mailboxes as returned by the LSUB command."""
    session = imap_login()
    expect_ok(session.command("SUBSCRIBE", mailbox(imap_mailbox)), "SUBSCRIBE")
    expect_ok(session.command("UNSUBSCRIBE", mailbox(imap_mailbox)), "UNSUBSCRIBE")
    completed = expect_ok(session.command("LSUB", b'""', mailbox(imap_mailbox)), "LSUB")
    lines = [r.line for r in completed.untagged if r.keyword == b"LSUB"]
    assert not lines, f"LSUB after UNSUBSCRIBE still lists it: {lines!r}"


@pytest.mark.rfc(3501, "6.3.9", "MUST", basis="§6.3.9: LSUB lists subscribed names only")
def test_lsub_lists_only_subscribed_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The LSUB command returns a subset of names from the set of names that the user has
    declared as being "active" or "subscribed"."""
    session = imap_login()
    other = imap_mailbox + "-unsubscribed"
    expect_ok(session.command("CREATE", mailbox(other)), f"CREATE {other}")
    expect_ok(session.command("SUBSCRIBE", mailbox(imap_mailbox)), "SUBSCRIBE")
    completed = expect_ok(session.command("LSUB", b'""', mailbox(imap_mailbox + "*")), "LSUB")
    lines = [r.line for r in completed.untagged if r.keyword == b"LSUB"]
    expect_ok(session.command("UNSUBSCRIBE", mailbox(imap_mailbox)), "UNSUBSCRIBE")
    assert len(lines) == 1 and other.encode() not in lines[0], f"LSUB listed {lines!r}"


@pytest.mark.rfc(3501, "6.3.5", "MUST", basis="§6.3.5 defines what RENAME of INBOX does")
def test_rename_of_inbox_moves_its_messages_and_keeps_inbox(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Renaming INBOX is permitted, and has special behavior.  It moves all messages in
    INBOX to a new mailbox with the given name, leaving INBOX empty."""
    session = imap_login()
    marker = f"inbox-marker-{imap_mailbox}"
    append(session, "INBOX", message(marker))
    moved = imap_mailbox + "-from-inbox"
    completed = session.command("RENAME", b"INBOX", mailbox(moved))
    if completed.response.status == b"NO":
        session.command("DELETE", mailbox(moved))
        _remove_marker(session, "INBOX", marker)
        pytest.skip(f"the target does not rename INBOX: {completed.response.line!r}")
    expect_ok(completed, f"RENAME INBOX {moved}")
    try:
        in_moved = _marked(session, moved, marker)
        in_inbox = _marked(session, "INBOX", marker)
    finally:
        _move_back(session, moved, marker)
    assert (in_moved, in_inbox) == (True, False), (
        f"after RENAME INBOX: the message in {moved}: {in_moved}, still in INBOX: {in_inbox}"
    )


def _marked(session: ImapSession, name: str, marker: str) -> bool:
    select(session, name)
    found = session.command("SEARCH", b"SUBJECT", mailbox(marker))
    return bool(search_numbers(expect_ok(found, f"SEARCH SUBJECT in {name}")))


def _remove_marker(session: ImapSession, name: str, marker: str) -> None:
    select(session, name)
    found = search_numbers(session.command("SEARCH", b"SUBJECT", mailbox(marker)))
    if found:
        numbers = ",".join(map(str, found)).encode()
        session.command("STORE", numbers, b"+FLAGS.SILENT", b"(\\Deleted)")
        session.command("EXPUNGE")
    session.command("CLOSE")


def _move_back(session: ImapSession, moved: str, marker: str) -> None:
    """The account's INBOX messages copied back from where RENAME moved them (the marker
    left out), so the test leaves INBOX as it found it but for new UIDs."""
    _remove_marker(session, moved, marker)
    select(session, moved)
    session.command("COPY", b"1:*", b"INBOX")
    session.command("CLOSE")
    session.command("DELETE", mailbox(moved))
