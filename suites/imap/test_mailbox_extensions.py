"""Extensions about mailboxes, graded only where advertised: SPECIAL-USE and
CREATE-SPECIAL-USE (RFC 6154), STATUS=SIZE (RFC 8438) and APPENDLIMIT (RFC 7889)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import append, expect_ok, fetch, listed, mailbox, shown, status_items, untagged
from ._values import Reader

# The special uses that only advise clients (RFC 6154 §2); a server MAY refuse any of
# them on CREATE (§3), so the first one accepted is used.
ADVISORY_USES = (b"\\Archive", b"\\Junk", b"\\Drafts", b"\\Trash", b"\\Sent")
NO_SUCH_USE = b"\\XConformanceNoSuchUse"  # use-attr-ext (RFC 6154 §6): valid, unknown


def _create_with_a_use(session: ImapSession, scratch: str) -> tuple[str, bytes]:
    """A new mailbox below ``scratch`` made with the first special use the target
    accepts, and that use; skips when it refuses them all (RFC 6154 §3 lets it)."""
    for use in ADVISORY_USES:
        name = f"{scratch}-{use[1:].decode().lower()}"
        created = session.command("CREATE", mailbox(name), b"(USE (" + use + b"))")
        if created.response.status == b"OK":
            return name, use
    pytest.skip("the target refused every advisory special use on CREATE (RFC 6154 §3: MAY)")


def _names(session: ImapSession, *arguments: bytes) -> dict[bytes, set[bytes]]:
    """LIST ``arguments``: each mailbox name listed, with its attributes (upper case)."""
    completed = expect_ok(session.command("LIST", *arguments), "LIST " + repr(arguments))
    return {name: attributes for attributes, _, name in listed(completed)}


@pytest.mark.rfc(6154, "2", "MUST")
@pytest.mark.requires("SPECIAL-USE")
@pytest.mark.requires("CREATE-SPECIAL-USE")
def test_special_use_selection_lists_only_mailboxes_with_a_use(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the client specifies the "SPECIAL-USE" selection option, the LIST command MUST
    return only those mailboxes that have a special-use attribute set."""
    session = imap_login()
    name, _ = _create_with_a_use(session, imap_mailbox)
    found = _names(session, b"(SPECIAL-USE)", b'""', mailbox(imap_mailbox + "*"))
    assert set(found) == {name.encode()}, (
        f"LIST (SPECIAL-USE) over {imap_mailbox}* (one mailbox of the two has a special "
        f"use, {name}): listed {sorted(found)}"
    )


@pytest.mark.rfc(6154, "2", "MUST")
@pytest.mark.requires("SPECIAL-USE")
@pytest.mark.requires("CREATE-SPECIAL-USE")
def test_special_use_return_option_shows_the_use(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the client specifies the "SPECIAL-USE" return option, the LIST command MUST
    return the new special-use attributes on those mailboxes that have them set."""
    session = imap_login()
    name, use = _create_with_a_use(session, imap_mailbox)
    found = _names(session, b'""', mailbox(name), b"RETURN", b"(SPECIAL-USE)")
    attributes = found.get(name.encode(), set())
    assert use.upper() in attributes, (
        f"CREATE {name} (USE ({use.decode()})) was accepted; LIST RETURN (SPECIAL-USE) "
        f"shows its attributes as {sorted(attributes)}"
    )


@pytest.mark.rfc(6154, "3", "MUST")
@pytest.mark.requires("CREATE-SPECIAL-USE")
def test_create_with_a_use_it_cannot_set_creates_nothing(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the server cannot create a mailbox with the designated special use defined, for
    whatever reason, it MUST NOT create the mailbox, and MUST respond to the CREATE command
    with a tagged NO response."""
    session = imap_login()
    name = f"{imap_mailbox}-unknown-use"
    created = session.command("CREATE", mailbox(name), b"(USE (" + NO_SUCH_USE + b"))")
    found = _names(session, b'""', mailbox(name), b"RETURN", b"(SPECIAL-USE)")
    if created.response.status == b"OK":
        # Accepted: then the mailbox must have been made with that use.
        assert NO_SUCH_USE.upper() in found.get(name.encode(), set()), (
            f"CREATE {name} (USE ({NO_SUCH_USE.decode()})) answered OK, but the mailbox "
            f"was made without the use: LIST shows {found}"
        )
        return
    assert created.response.status == b"NO", (
        f"CREATE with a special use the target cannot set: expected a tagged NO, got "
        f"{shown(created.response)}"
    )
    assert name.encode() not in found, f"CREATE answered NO but {name} exists: {found}"


@pytest.mark.rfc(8438, "3", "MUST")
@pytest.mark.requires("STATUS=SIZE")
def test_status_size_covers_every_message(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """This is not strictly required to be an exact value, but it MUST be equal to or
    greater than the sum of the values of the RFC822.SIZE FETCH message data item
    [IMAP4rev1] of all messages in the mailbox."""
    session = imap_login()
    for size in (300, 5000):
        append(session, imap_mailbox, b"Subject: sized\r\n\r\n" + b"s" * size + b"\r\n")
    expect_ok(session.select(imap_mailbox), f"SELECT {imap_mailbox}")
    sizes = [
        int(items[b"RFC822.SIZE"]) for items in fetch(session, "1:*", "(RFC822.SIZE)").values()
    ]
    expect_ok(session.command("CLOSE"), "CLOSE")
    completed = expect_ok(
        session.command("STATUS", mailbox(imap_mailbox), b"(SIZE)"), "STATUS (SIZE)"
    )
    total = status_items(completed).get(b"SIZE")
    assert total is not None and total >= sum(sizes), (
        f"STATUS (SIZE) of a mailbox whose messages' RFC822.SIZEs are {sizes} "
        f"(sum {sum(sizes)}): SIZE {total}"
    )


@pytest.mark.rfc(7889, "3.2", "MUST")
@pytest.mark.requires("APPENDLIMIT")
@pytest.mark.requires("LIST-STATUS")
def test_list_status_answers_appendlimit(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The IMAP server MUST recognize the APPENDLIMIT attribute and include an appropriate
    STATUS response for each matching mailbox."""
    session = imap_login()
    completed = expect_ok(
        session.command("LIST", b'""', mailbox(imap_mailbox), b"RETURN", b"(STATUS (APPENDLIMIT))"),
        "LIST RETURN (STATUS (APPENDLIMIT))",
    )
    limits = []
    for response in untagged(completed, b"STATUS"):
        reader = Reader(response.framed, len(b"* STATUS "))
        reader.value()
        reader.expect(b" ")
        values = reader.list()
        limits += [v for k, v in zip(values[::2], values[1::2], strict=True)
                   if isinstance(k, bytes) and k.upper() == b"APPENDLIMIT"]  # fmt: skip
    assert len(limits) == 1, (
        f"LIST {imap_mailbox} RETURN (STATUS (APPENDLIMIT)): expected one STATUS response "
        f"carrying APPENDLIMIT, got {[shown(r) for r in completed.untagged]}"
    )
    value = limits[0]
    assert isinstance(value, bytes) and (value.isdigit() or value.upper() == b"NIL"), (
        f"APPENDLIMIT is a number or NIL (RFC 7889 §5), got {value!r}"
    )
