"""RFC 3501 §6.3.3-§6.3.10: CREATE, DELETE, RENAME, LIST and STATUS."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import append, expect_ok, listed, mailbox, message, status_items

NO_RULE = "§6.3.3-§6.3.5 define the result as NO for each of these errors"


def _delimiter(session: ImapSession) -> bytes:
    found = listed(expect_ok(session.command("LIST", b'""', b'""'), 'LIST "" ""'))
    assert len(found) == 1, f'LIST "" "" returned {found!r}'
    delimiter = found[0][1]
    if delimiter is None:
        pytest.skip("the target's mailbox names are flat (hierarchy delimiter NIL)")
    return delimiter


def _names(session: ImapSession, pattern: bytes) -> set[bytes]:
    completed = expect_ok(session.command("LIST", b'""', pattern), f"LIST {pattern!r}")
    return {name for _, _, name in listed(completed)}


@pytest.mark.rfc(
    3501,
    "6.3.8",
    "MUST",
    basis="§6.3.8 states it as what an empty mailbox name asks for",
)
def test_list_with_an_empty_name_returns_the_delimiter(
    imap_login: Callable[[], ImapSession],
) -> None:
    """In all cases, a hierarchy delimiter (or NIL if there is no hierarchy) is returned."""
    session = imap_login()
    found = listed(expect_ok(session.command("LIST", b'""', b'""'), 'LIST "" ""'))
    assert len(found) == 1, f'LIST "" "" should return one response, got {found!r}'
    delimiter = found[0][1]
    assert delimiter is None or len(delimiter) == 1, f"hierarchy delimiter {delimiter!r}"


@pytest.mark.rfc(3501, "6.3.3", "MUST", basis="§6.3.3: OK - create completed")
def test_create_makes_a_mailbox_list_shows(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The CREATE command creates a mailbox with the given name.  An OK response is
    returned only if a new mailbox with that name has been created."""
    session = imap_login()
    assert _names(session, mailbox(imap_mailbox)) == {imap_mailbox.encode()}


@pytest.mark.rfc(3501, "6.3.3", "MUST", basis=NO_RULE)
def test_create_of_an_existing_mailbox_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """It is an error to attempt to create INBOX or a mailbox with a name that refers to an
    extant mailbox.  Any error in creation will return a tagged NO response."""
    completed = imap_login().command("CREATE", mailbox(imap_mailbox))
    assert completed.response.status == b"NO", (
        f"CREATE of an existing mailbox: {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.3.4", "MUST", basis=NO_RULE)
def test_delete_of_a_missing_mailbox_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """It is an error to attempt to delete INBOX or a mailbox name that does not exist."""
    completed = imap_login().command("DELETE", mailbox(imap_mailbox + "-missing"))
    assert completed.response.status == b"NO", (
        f"DELETE of a missing mailbox: {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.3.4", "MUST", basis=NO_RULE)
def test_delete_of_inbox_gets_no(imap_login: Callable[[], ImapSession]) -> None:
    """It is an error to attempt to delete INBOX or a mailbox name that does not exist."""
    completed = imap_login().command("DELETE", b"INBOX")
    assert completed.response.status == b"NO", f"DELETE INBOX: {completed.response.line!r}"


@pytest.mark.rfc(3501, "6.3.4", "MUST", basis="§6.3.4: OK only if the mailbox has been deleted")
def test_delete_removes_the_mailbox(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The DELETE command permanently removes the mailbox with the given name.  A tagged OK
    response is returned only if the mailbox has been deleted."""
    session = imap_login()
    doomed = imap_mailbox + "-doomed"
    expect_ok(session.command("CREATE", mailbox(doomed)), f"CREATE {doomed}")
    expect_ok(session.command("DELETE", mailbox(doomed)), f"DELETE {doomed}")
    assert _names(session, mailbox(doomed)) == set()


@pytest.mark.rfc(3501, "6.3.4", "MUST")
def test_delete_keeps_inferior_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The DELETE command MUST NOT remove inferior hierarchical names."""
    session = imap_login()
    delimiter = _delimiter(session).decode()
    parent = imap_mailbox + "-parent"
    child = parent + delimiter + "child"
    expect_ok(session.command("CREATE", mailbox(parent)), f"CREATE {parent}")
    expect_ok(session.command("CREATE", mailbox(child)), f"CREATE {child}")
    expect_ok(session.command("DELETE", mailbox(parent)), f"DELETE {parent}")
    assert child.encode() in _names(session, mailbox(child))


@pytest.mark.rfc(3501, "6.3.5", "MUST", basis="§6.3.5: OK only if the mailbox has been renamed")
def test_rename_moves_the_messages(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The RENAME command changes the name of a mailbox.  A tagged OK response is returned
    only if the mailbox has been renamed."""
    session = imap_login()
    old, new = imap_mailbox + "-old", imap_mailbox + "-new"
    expect_ok(session.command("CREATE", mailbox(old)), f"CREATE {old}")
    append(session, old, message("renamed"))
    expect_ok(session.command("RENAME", mailbox(old), mailbox(new)), "RENAME")
    assert _names(session, mailbox(imap_mailbox + "-*")) == {new.encode()}
    assert status_items(session.command("STATUS", mailbox(new), b"(MESSAGES)"))[b"MESSAGES"] == 1


@pytest.mark.rfc(3501, "6.3.5", "MUST")
def test_rename_renames_inferior_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the name has inferior hierarchical names, then the inferior hierarchical names
    MUST also be renamed."""
    session = imap_login()
    delimiter = _delimiter(session).decode()
    old, new = imap_mailbox + "-old", imap_mailbox + "-new"
    expect_ok(session.command("CREATE", mailbox(old + delimiter + "kid")), "CREATE old/kid")
    expect_ok(session.command("RENAME", mailbox(old), mailbox(new)), "RENAME")
    assert (new + delimiter + "kid").encode() in _names(session, mailbox(new + delimiter + "*"))


@pytest.mark.rfc(3501, "6.3.5", "MUST", basis=NO_RULE)
def test_rename_to_an_existing_name_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """It is an error to attempt to rename from a mailbox name that does not exist or to a
    mailbox name that already exists.  Any error in renaming will return a tagged NO
    response."""
    session = imap_login()
    other = imap_mailbox + "-other"
    expect_ok(session.command("CREATE", mailbox(other)), f"CREATE {other}")
    completed = session.command("RENAME", mailbox(other), mailbox(imap_mailbox))
    assert completed.response.status == b"NO", (
        f"RENAME onto an existing name: {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.3.8", "MUST", basis="§6.3.8 defines the wildcards' matching")
def test_list_star_matches_across_levels(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The character "*" is a wildcard, and matches zero or more characters at this
    position."""
    session = imap_login()
    delimiter = _delimiter(session).decode()
    deep = imap_mailbox + delimiter + "a" + delimiter + "b"
    expect_ok(session.command("CREATE", mailbox(deep)), f"CREATE {deep}")
    assert deep.encode() in _names(session, mailbox(imap_mailbox + "*"))


@pytest.mark.rfc(3501, "6.3.8", "MUST", basis="§6.3.8 defines the wildcards' matching")
def test_list_percent_stops_at_the_delimiter(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The character "%" is similar to "*", but it does not match a hierarchy delimiter."""
    session = imap_login()
    delimiter = _delimiter(session).decode()
    child = imap_mailbox + delimiter + "a"
    deep = child + delimiter + "b"
    expect_ok(session.command("CREATE", mailbox(deep)), f"CREATE {deep}")
    found = _names(session, mailbox(imap_mailbox + delimiter + "%"))
    assert child.encode() in found and deep.encode() not in found, f"LIST {imap_mailbox}/%: {found}"


@pytest.mark.rfc(3501, "6.3.10", "MUST", basis="§6.3.10 defines each status item's value")
def test_status_items_count_the_mailbox(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """MESSAGES The number of messages in the mailbox. ... UNSEEN The number of messages
    which do not have the \\Seen flag set."""
    session = imap_login()
    append(session, imap_mailbox, message("status-1"), b"(\\Seen)")
    append(session, imap_mailbox, message("status-2"))
    completed = expect_ok(
        session.command("STATUS", mailbox(imap_mailbox), b"(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"),
        "STATUS",
    )
    items = status_items(completed)
    assert items.get(b"MESSAGES") == 2 and items.get(b"UNSEEN") == 1, f"STATUS {items}"
    assert items.get(b"UIDNEXT", 0) > 0 and items.get(b"UIDVALIDITY", 0) > 0, f"STATUS {items}"
