"""RFC 3501 §2.3.2, §6.4.6, §7.1: system flags and keywords, PERMANENTFLAGS, STORE's
FLAGS / -FLAGS / .SILENT forms, \\Recent that no client can change, \\Seen set by a
fetch."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import (
    MESSAGE,
    append,
    code_of,
    expect_ok,
    fetch,
    fetch_data,
    flags_of,
    select,
)

STORE_RULE = "§6.4.6 defines each STORE data item by the flags it leaves on the message"


def _one_message(session: ImapSession, name: str, flags: bytes = b"") -> ImapSession:
    append(session, name, MESSAGE, flags)
    select(session, name)
    return session


def _flags(session: ImapSession, number: int = 1) -> set[bytes]:
    return flags_of(fetch(session, str(number), "(FLAGS)")[number])


def _store(session: ImapSession, item: bytes, flags: bytes) -> dict[int, set[bytes]]:
    """STORE 1 <item> <flags>; the FLAGS of each untagged FETCH it returned."""
    sent = f"STORE 1 {item.decode()} {flags.decode()}"
    completed = expect_ok(session.command("STORE", b"1", item, flags), sent)
    return {number: flags_of(data) for number, data in fetch_data(completed).items()}


@pytest.mark.rfc(
    3501,
    "7.1",
    "MUST",
    basis="§7.1 defines \\* in PERMANENTFLAGS as the promise that STORE creates keywords",
)
def test_permanentflags_star_lets_store_create_a_keyword(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The PERMANENTFLAGS list can also include the special flag \\*, which indicates that
    it is possible to create new keywords by attempting to store those flags in the
    mailbox."""
    session = imap_login()
    append(session, imap_mailbox, MESSAGE)
    permanent = code_of(select(session, imap_mailbox).untagged, b"PERMANENTFLAGS") or b""
    if b"\\*" not in permanent:
        pytest.skip(f"PERMANENTFLAGS {permanent!r} has no \\*: no keyword creation promised")
    _store(session, b"+FLAGS", b"(NewKeyword7)")
    assert b"NEWKEYWORD7" in _flags(session), "STORE +FLAGS (NewKeyword7) created no keyword"


@pytest.mark.rfc(
    3501, "2.3.2", "MUST", basis="§2.3.2 defines permanent flags as seen by other sessions"
)
def test_permanent_flag_is_seen_by_another_session(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Permanent flags are those which the client can add or remove from the message flags
    permanently; that is, concurrent and subsequent sessions will see any change in
    permanent flags."""
    session = _one_message(imap_login(), imap_mailbox)
    permanent = code_of(select(session, imap_mailbox).untagged, b"PERMANENTFLAGS") or b""
    if b"\\FLAGGED" not in permanent.upper():
        pytest.skip(f"PERMANENTFLAGS {permanent!r} does not list \\Flagged")
    _store(session, b"+FLAGS.SILENT", b"(\\Flagged)")
    later = imap_login()
    select(later, imap_mailbox)
    assert b"\\FLAGGED" in _flags(later), "a later session does not see \\Flagged stored"


@pytest.mark.rfc(3501, "6.4.6", "MUST", basis=STORE_RULE)
def test_store_flags_replaces_the_flags(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """FLAGS <flag list> Replace the flags for the message (other than \\Recent) with the
    argument."""
    session = _one_message(imap_login(), imap_mailbox, b"(\\Flagged \\Draft)")
    _store(session, b"FLAGS", b"(\\Answered)")
    flags = _flags(session) - {b"\\RECENT"}
    assert flags == {b"\\ANSWERED"}, f"after STORE FLAGS (\\Answered) the flags are {flags}"


@pytest.mark.rfc(3501, "6.4.6", "MUST", basis=STORE_RULE)
def test_store_flags_returns_the_new_value(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The new value of the flags is returned as if a FETCH of those flags was done."""
    session = _one_message(imap_login(), imap_mailbox, b"(\\Flagged)")
    returned = _store(session, b"FLAGS", b"(\\Answered)").get(1)
    assert returned is not None, "STORE FLAGS returned no untagged FETCH"
    assert returned - {b"\\RECENT"} == {b"\\ANSWERED"}, f"STORE FLAGS returned {returned}"


@pytest.mark.rfc(3501, "6.4.6", "MUST", basis=STORE_RULE)
def test_store_flags_leaves_recent(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """FLAGS <flag list> Replace the flags for the message (other than \\Recent) with the
    argument."""
    session = _one_message(imap_login(), imap_mailbox)
    if b"\\RECENT" not in _flags(session):
        pytest.skip("the message is not \\Recent in the first session to select it")
    _store(session, b"FLAGS.SILENT", b"(\\Seen)")
    assert b"\\RECENT" in _flags(session), "STORE FLAGS (\\Seen) removed \\Recent"


@pytest.mark.rfc(
    3501, "2.3.2", "MUST", basis="§2.3.2 defines \\Recent as a flag no client can change"
)
def test_store_cannot_set_recent(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """This flag can not be altered by the client."""
    _one_message(imap_login(), imap_mailbox)  # \Recent goes to that session
    session = imap_login()
    select(session, imap_mailbox)
    session.command("STORE", b"1", b"+FLAGS", b"(\\Recent)")  # refused or ignored
    assert b"\\RECENT" not in _flags(session), "STORE +FLAGS (\\Recent) set \\Recent"


@pytest.mark.rfc(3501, "6.4.6", "MUST", basis=STORE_RULE)
def test_store_minus_flags_returns_the_new_value(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """-FLAGS <flag list> Remove the argument from the flags for the message.  The new
    value of the flags is returned as if a FETCH of those flags was done."""
    session = _one_message(imap_login(), imap_mailbox, b"(\\Flagged \\Answered)")
    returned = _store(session, b"-FLAGS", b"(\\Flagged)").get(1)
    assert returned is not None, "STORE -FLAGS returned no untagged FETCH"
    assert b"\\ANSWERED" in returned and b"\\FLAGGED" not in returned, (
        f"STORE -FLAGS (\\Flagged) returned {returned}"
    )


@pytest.mark.rfc(3501, "6.4.6", "SHOULD")
@pytest.mark.parametrize("item", [b"FLAGS.SILENT", b"-FLAGS.SILENT"], ids=lambda i: i.decode())
def test_silent_store_forms_return_no_fetch(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, item: bytes
) -> None:
    """A suffix of ".SILENT" in the data item name prevents the untagged FETCH, and the
    server SHOULD assume that the client has determined the updated value itself or does
    not care about the updated value."""
    session = _one_message(imap_login(), imap_mailbox, b"(\\Flagged)")
    returned = _store(session, item, b"(\\Answered)" if item == b"FLAGS.SILENT" else b"(\\Flagged)")
    assert 1 not in returned, f"STORE 1 {item.decode()} returned FETCH {returned}"


@pytest.mark.rfc(3501, "2.3.2", "MUST", basis="§2.3.2: a flag is set by its addition to the list")
@pytest.mark.parametrize(
    "flag", [b"\\Answered", b"\\Flagged", b"\\Deleted", b"\\Seen", b"\\Draft", b"$Label1"]
)
def test_store_sets_each_flag(
    imap_login: Callable[[], ImapSession], imap_mailbox: str, flag: bytes
) -> None:
    """A flag is set by its addition to this list, and is cleared by its removal."""
    session = _one_message(imap_login(), imap_mailbox)
    permanent = code_of(select(session, imap_mailbox).untagged, b"PERMANENTFLAGS") or b""
    if flag.startswith(b"$") and b"\\*" not in permanent:
        pytest.skip(f"PERMANENTFLAGS {permanent!r}: no keyword creation promised")
    _store(session, b"+FLAGS.SILENT", b"(" + flag + b")")
    assert flag.upper() in _flags(session), f"STORE +FLAGS ({flag.decode()}) did not set it"


@pytest.mark.rfc(3501, "6.4.6", "SHOULD")
def test_flags_changed_by_another_session_are_reported(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Note: Regardless of whether or not the ".SILENT" suffix was used, the server SHOULD
    send an untagged FETCH response if a change to a message's flags from an external
    source is observed."""
    session = _one_message(imap_login(), imap_mailbox)
    watcher = imap_login()
    select(watcher, imap_mailbox)
    _store(session, b"+FLAGS.SILENT", b"(\\Flagged)")
    reported = fetch_data(expect_ok(watcher.command("NOOP"), "NOOP in the other session"))
    flags = flags_of(reported[1]) if 1 in reported else set()
    assert b"\\FLAGGED" in flags, f"the other session's NOOP reported {reported!r}"


@pytest.mark.rfc(3501, "6.4.5", "SHOULD")
def test_fetch_body_returns_the_seen_it_set(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The \\Seen flag is implicitly set; if this causes the flags to change, they SHOULD
    be included as part of the FETCH responses."""
    session = _one_message(imap_login(), imap_mailbox)
    data = fetch(session, "1", "(BODY[TEXT])")[1]
    assert b"FLAGS" in data and b"\\SEEN" in flags_of(data), (
        f"FETCH 1 (BODY[TEXT]) set \\Seen and returned {sorted(data)}"
    )


@pytest.mark.rfc(
    3501, "6.4.5", "MUST", basis="§6.4.5: RFC822.TEXT is BODY[TEXT], which sets \\Seen"
)
def test_rfc822_text_is_the_body_and_sets_seen(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """RFC822.TEXT Functionally equivalent to BODY[TEXT], differing in the syntax of the
    resulting untagged FETCH data (RFC822.TEXT is returned)."""
    session = _one_message(imap_login(), imap_mailbox)
    text = fetch(session, "1", "(RFC822.TEXT)")[1].get(b"RFC822.TEXT")
    assert text == MESSAGE.split(b"\r\n\r\n", 1)[1], f"RFC822.TEXT returned {text!r}"
    assert b"\\SEEN" in _flags(session), "FETCH RFC822.TEXT did not set \\Seen"


@pytest.mark.rfc(
    3501, "6.4.5", "MUST", basis="§6.4.5 defines BODY.PEEK as the form that leaves \\Seen"
)
def test_body_peek_of_a_section_leaves_seen_unset(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """An alternate form of BODY[<section>] that does not implicitly set the \\Seen
    flag."""
    session = _one_message(imap_login(), imap_mailbox)
    fetch(session, "1", "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
    assert b"\\SEEN" not in _flags(session), "FETCH BODY.PEEK[HEADER], [TEXT] set \\Seen"
