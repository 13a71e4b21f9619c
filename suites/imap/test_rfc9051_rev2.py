"""RFC 9051 (IMAP4rev2): ENABLE IMAP4rev2, ESEARCH results, CLOSED, the LIST of SELECT,
STATUS DELETED and SIZE, and extensions RFC 9051 made part of the base protocol; and the
one IMAP4rev1 response form RFC 9051 replaced (the untagged SEARCH response).

The IMAP4rev2 tests run where the target advertises IMAP4rev2 (``requires``), in
sessions that sent ``ENABLE IMAP4rev2`` (see ``conformance._imap_revision``); a
``--imap-rev 1`` run leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession
from conformance._imap_fixtures import ImapAccount, ImapConnect, log_in
from conformance._imap_session import capabilities_in

from ._imap import (
    append,
    esearch_all,
    expect_ok,
    fetch,
    listed,
    mailbox,
    message,
    select,
    shown,
    status_items,
    three_messages,
    untagged,
)

REV2 = "IMAP4rev2"


def _logged_in(imap_connect: ImapConnect, account: ImapAccount) -> ImapSession:
    """A session logged in that has not sent ENABLE."""
    session = imap_connect()
    expect_ok(log_in(session, account.user, account.password), f"LOGIN {account.user}")
    return session


def _enabled(session: ImapSession, names: bytes) -> set[bytes]:
    completed = expect_ok(session.command("ENABLE", names), f"ENABLE {names.decode()}")
    return {w.upper() for r in untagged(completed, b"ENABLED") for w in r.text.split()}


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.1", "MUST")
def test_enable_imap4rev2_answers_enabled_imap4rev2(
    imap_connect: ImapConnect, imap_account: ImapAccount
) -> None:
    """If the ENABLE command is successful, the server MUST send an untagged ENABLED
    response (Section 7.2.1), which includes all enabled extensions as specified above."""
    enabled = _enabled(_logged_in(imap_connect, imap_account), b"IMAP4rev2")
    assert b"IMAP4REV2" in enabled, f"ENABLE IMAP4rev2: ENABLED lists {sorted(enabled)}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.1", "MUST")
def test_enable_ignores_an_unknown_extension(
    imap_connect: ImapConnect, imap_account: ImapAccount
) -> None:
    """If the argument is not an extension known to the server, the server MUST ignore
    the argument."""
    enabled = _enabled(_logged_in(imap_connect, imap_account), b"XCONFORMANCE-UNKNOWN")
    assert enabled == set(), f"ENABLE XCONFORMANCE-UNKNOWN: ENABLED lists {sorted(enabled)}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.1", "MUST")
def test_enable_leaves_the_capability_list_unchanged(
    imap_connect: ImapConnect, imap_account: ImapAccount
) -> None:
    """The server MUST NOT change the CAPABILITY list as a result of executing ENABLE;
    that is, a CAPABILITY command issued right after an ENABLE command MUST list the same
    capabilities as a CAPABILITY command issued before the ENABLE command."""
    session = _logged_in(imap_connect, imap_account)
    before = capabilities_in(expect_ok(session.command("CAPABILITY"), "CAPABILITY").untagged)
    _enabled(session, b"IMAP4rev2")
    after = capabilities_in(expect_ok(session.command("CAPABILITY"), "CAPABILITY").untagged)
    assert before == after, f"CAPABILITY before ENABLE {sorted(before)}, after {sorted(after)}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(
    9051,
    "6.4.4",
    "MUST",
    basis="§6.4.4: without result options ALL is assumed, answered in an untagged ESEARCH "
    "response (Appendix E 4: SEARCH now requires to return the ESEARCH response)",
)
def test_search_answers_with_esearch_all(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Return all message numbers/UIDs that satisfy the SEARCH criteria using the
    sequence-set syntax."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("SEARCH", b"SUBJECT", b"m-1"), "SEARCH SUBJECT m-1")
    found = untagged(completed, b"ESEARCH")
    assert len(found) == 1 and not untagged(completed, b"SEARCH"), (
        f"SEARCH in an IMAP4rev2 session: expected one '* ESEARCH', got "
        f"{[shown(r) for r in completed.untagged]}"
    )
    assert esearch_all(found[0].line) == [2], f"SEARCH SUBJECT m-1: {shown(found[0])}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.4.4", "MUST")
def test_search_without_a_match_still_sends_esearch(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the SEARCH results in no matches, the server MUST NOT include the ALL result
    option in the ESEARCH response; however, it still MUST send the ESEARCH response."""
    session = imap_login()
    append(session, imap_mailbox, message("only"))
    select(session, imap_mailbox)
    completed = expect_ok(
        session.command("SEARCH", b"SUBJECT", b"no-such-subject"), "SEARCH (no match)"
    )
    found = untagged(completed, b"ESEARCH")
    assert len(found) == 1, (
        f"expected one '* ESEARCH', got {[shown(r) for r in completed.untagged]}"
    )
    assert b" ALL " not in found[0].line.upper() + b" ", f"ALL without a match: {shown(found[0])}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(
    9051,
    "7.3.4",
    "MUST",
    basis="§7.3.4 defines the UID indicator as what makes the data UIDs; UID SEARCH "
    "returns UIDs (§6.4.9), so its ESEARCH must carry it",
)
def test_uid_search_esearch_carries_the_uid_indicator(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The following example demonstrates that if the ESEARCH UID indicator is present,
    all data in the ESEARCH response is referring to UIDs; for example, the MIN result
    specifier will be followed by a UID."""
    session = imap_login()
    uids = three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("UID", b"SEARCH", b"ALL"), "UID SEARCH ALL")
    found = untagged(completed, b"ESEARCH")
    assert len(found) == 1, (
        f"expected one '* ESEARCH', got {[shown(r) for r in completed.untagged]}"
    )
    words = found[0].line.upper().split()
    assert b"UID" in words and esearch_all(found[0].line) == sorted(uids), (
        f"UID SEARCH ALL of UIDs {uids}: {shown(found[0])}"
    )


@pytest.mark.requires("IMAP4rev1")
@pytest.mark.rfc(3501, "6.4.4", "MUST")
def test_rev1_search_answers_with_an_untagged_search(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """REQUIRED untagged response: SEARCH"""
    session = imap_login()
    three_messages(session, imap_mailbox)
    completed = expect_ok(session.command("SEARCH", b"ALL"), "SEARCH ALL")
    lines = [r.line for r in untagged(completed, b"SEARCH")]
    assert len(lines) == 1 and lines[0].upper().split()[2:] == [b"1", b"2", b"3"], (
        f"SEARCH ALL in an IMAP4rev1 session: {[shown(r) for r in completed.untagged]}"
    )


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.2", "MUST")
def test_select_sends_a_list_response_with_the_name(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The server MUST return a LIST response with the mailbox name."""
    completed = select(imap_login(), imap_mailbox)
    names = [r.line.rsplit(b" ", 1)[-1].strip(b'"') for r in untagged(completed, b"LIST")]
    assert names == [imap_mailbox.encode()], (
        f"SELECT {imap_mailbox}: LIST responses {[shown(r) for r in untagged(completed, b'LIST')]}"
    )


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.2", "MUST")
def test_select_while_selected_sends_closed(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """When deselecting a selected mailbox, the server MUST return an untagged OK response
    with the "[CLOSED]" response code when the currently selected mailbox is closed (see
    Section 7.1)."""
    session = imap_login()
    select(session, imap_mailbox)
    completed = select(session, imap_mailbox)
    closed = [r for r in completed.untagged if r.status == b"OK" and r.code.upper() == b"CLOSED"]
    assert closed, f"SELECT again: no '* OK [CLOSED]' in {[shown(r) for r in completed.untagged]}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.11", "MUST", basis="§6.3.11 defines the STATUS DELETED item")
def test_status_deleted_counts_deleted_messages(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """DELETED The number of messages that have the \\Deleted flag set."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(session.command("STORE", b"2:3", b"+FLAGS.SILENT", b"(\\Deleted)"), "STORE 2:3")
    expect_ok(session.command("UNSELECT"), "UNSELECT")
    items = status_items(
        expect_ok(session.command("STATUS", mailbox(imap_mailbox), b"(DELETED)"), "STATUS")
    )
    assert items.get(b"DELETED") == 2, f"STATUS (DELETED) with 2 of 3 \\Deleted: {items}"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.11", "MUST")
def test_status_size_is_at_least_the_sum_of_message_sizes(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """This is not strictly required to be an exact value, but it MUST be equal to or
    greater than the sum of the values of the RFC822.SIZE FETCH message data items (see
    Section 6.4.5) of all messages in the mailbox."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    sizes = fetch(session, "1:*", "(RFC822.SIZE)")
    total = sum(int(str(d.get(b"RFC822.SIZE", b"0"), "ascii")) for d in sizes.values())
    expect_ok(session.command("UNSELECT"), "UNSELECT")
    items = status_items(
        expect_ok(session.command("STATUS", mailbox(imap_mailbox), b"(SIZE)"), "STATUS")
    )
    assert items.get(b"SIZE", -1) >= total, f"STATUS (SIZE) {items} for messages of {total} octets"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(
    9051,
    "6.4.2",
    "MUST",
    basis="§6.4.2 defines UNSELECT as a command of IMAP4rev2 itself (Appendix E 2: folded "
    "in UNSELECT), so an IMAP4rev2 server accepts it whether it advertises UNSELECT or not",
)
def test_unselect_is_part_of_imap4rev2(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """The UNSELECT command frees a session's resources associated with the selected
    mailbox and returns the server to the authenticated state."""
    session = imap_login()
    select(session, imap_mailbox)
    expect_ok(session.command("UNSELECT"), "UNSELECT in an IMAP4rev2 session")
    refused = session.command("FETCH", b"1", b"(FLAGS)")
    assert refused.response.status in (b"NO", b"BAD"), (
        f"FETCH after UNSELECT (authenticated state): {shown(refused.response)}"
    )


@pytest.mark.requires(REV2)
@pytest.mark.rfc(
    9051,
    "6.3.10",
    "MUST",
    basis="§6.3.10 defines NAMESPACE as a command of IMAP4rev2 itself (Appendix E 2: "
    "folded in NAMESPACE), answered with an untagged NAMESPACE response",
)
def test_namespace_is_part_of_imap4rev2(imap_login: Callable[[], ImapSession]) -> None:
    """The NAMESPACE command causes a single untagged NAMESPACE response to be returned."""
    completed = expect_ok(imap_login().command("NAMESPACE"), "NAMESPACE in an IMAP4rev2 session")
    found = untagged(completed, b"NAMESPACE")
    assert len(found) == 1, f"NAMESPACE: {[shown(r) for r in completed.untagged]}"


def _saved(session: ImapSession) -> list[int]:
    """The message numbers ``$`` names now (RFC 9051 §6.4.4.1), by FETCH $ (UID)."""
    return sorted(fetch(session, "$", "(UID)"))


@pytest.mark.requires(REV2)
@pytest.mark.rfc(
    9051,
    "6.4.4.1",
    "MUST",
    basis="§6.4.4.1 defines SAVE by what it sets; '$' in a later command names that set "
    "(SEARCHRES is part of IMAP4rev2, Appendix E 2)",
)
def test_search_save_sets_the_result_variable(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A successful SEARCH command with the SAVE result option sets the value of the
    search result variable to the list of messages found in the SEARCH command."""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(
        session.command("SEARCH", b"RETURN", b"(SAVE)", b"SUBJECT", b"m-1"),
        "SEARCH RETURN (SAVE) SUBJECT m-1",
    )
    assert _saved(session) == [2], "FETCH $ after SEARCH RETURN (SAVE) SUBJECT m-1"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.4.4.1", "MUST")
def test_search_without_save_leaves_the_result_variable(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """Any of the following SEARCH commands MUST NOT change the search result variable:"""
    session = imap_login()
    three_messages(session, imap_mailbox)
    expect_ok(
        session.command("SEARCH", b"RETURN", b"(SAVE)", b"SUBJECT", b"m-1"),
        "SEARCH RETURN (SAVE) SUBJECT m-1",
    )
    expect_ok(session.command("SEARCH", b"SUBJECT", b"m-2"), "SEARCH SUBJECT m-2")
    assert _saved(session) == [2], "FETCH $ after a SEARCH without SAVE"


@pytest.mark.requires(REV2)
@pytest.mark.rfc(
    9051,
    "A",
    "SHOULD",
    basis="Appendix E 12 deprecates the \\Recent flag and RFC 9051 §2.3.2 no longer "
    "defines it; graded SHOULD since Appendix A states the rule without a keyword",
)
def test_rev2_session_sees_no_recent_flag(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """With the exception of obsolete SEARCH and RECENT responses, servers advertising
    both IMAP4rev1 and IMAP4rev2 would never return such removed response data items/
    responses unless explicitly requested by an IMAPrev1 client."""
    session = imap_login()
    append(session, imap_mailbox, message("recent"), b"(\\Flagged)")
    select(session, imap_mailbox)
    flags = fetch(session, "1", "(FLAGS)")[1].get(b"FLAGS")
    assert isinstance(flags, list), f"FETCH 1 (FLAGS): {flags!r}"
    assert b"\\RECENT" not in {f.upper() for f in flags if isinstance(f, bytes)}, (
        f"FETCH 1 (FLAGS) of a new message in an IMAP4rev2 session: {flags!r}"
    )


@pytest.mark.requires(REV2)
@pytest.mark.rfc(9051, "6.3.9.1", "MUST")
def test_list_subscribed_lists_exactly_the_subscribed_names(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """In any case, the list MUST include exactly those mailbox names that match the
    canonical list pattern and are subscribed to.

    LIST (SUBSCRIBED) replaces IMAP4rev1's LSUB (RFC 9051 Appendix E 19).
    """
    session = imap_login()
    other = imap_mailbox + "-other"
    expect_ok(session.command("CREATE", mailbox(other)), f"CREATE {other}")
    expect_ok(session.command("SUBSCRIBE", mailbox(imap_mailbox)), f"SUBSCRIBE {imap_mailbox}")
    try:
        completed = expect_ok(
            session.command("LIST", b"(SUBSCRIBED)", b'""', mailbox(imap_mailbox + "*")),
            "LIST (SUBSCRIBED)",
        )
    finally:
        session.command("UNSUBSCRIBE", mailbox(imap_mailbox))
    names = sorted(name for _, _, name in listed(completed))
    assert names == [imap_mailbox.encode()], (
        f'LIST (SUBSCRIBED) "" {imap_mailbox}* with only {imap_mailbox} subscribed: {names}'
    )
