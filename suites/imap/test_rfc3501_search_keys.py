"""RFC 3501 §6.4.4: the SEARCH keys, each asked of three messages that differ in what
the key reads (``_search_corpus``), and the CHARSET rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance import ImapSession

from ._imap import uid_of
from ._search_corpus import search_corpus, searched

KEY_RULE = "§6.4.4 defines each search key by the messages it matches; no other reading"


def _expect_matches(session: ImapSession, name: str, wanted: list[int], *criteria: bytes) -> None:
    search_corpus(session, name)
    found = searched(session, *criteria)
    sent = b" ".join(criteria).decode("ascii", "replace")
    assert found == wanted, f"SEARCH {sent}: expected {wanted}, got {found}"


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_answered(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """ANSWERED Messages with the \\Answered flag set."""
    _expect_matches(imap_login(), imap_mailbox, [1], b"ANSWERED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_unanswered(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """UNANSWERED Messages that do not have the \\Answered flag set."""
    _expect_matches(imap_login(), imap_mailbox, [2, 3], b"UNANSWERED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_deleted(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """DELETED Messages with the \\Deleted flag set."""
    _expect_matches(imap_login(), imap_mailbox, [3], b"DELETED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_undeleted(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """UNDELETED Messages that do not have the \\Deleted flag set."""
    _expect_matches(imap_login(), imap_mailbox, [1, 2], b"UNDELETED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_draft(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """DRAFT Messages with the \\Draft flag set."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"DRAFT")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_undraft(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """UNDRAFT Messages that do not have the \\Draft flag set."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"UNDRAFT")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_flagged(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """FLAGGED Messages with the \\Flagged flag set."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"FLAGGED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_unflagged(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """UNFLAGGED Messages that do not have the \\Flagged flag set."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"UNFLAGGED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_keyword(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """KEYWORD <flag> Messages with the specified keyword flag set."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"KEYWORD", b"$Conformance")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_unkeyword(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """UNKEYWORD <flag> Messages that do not have the specified keyword flag set."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"UNKEYWORD", b"$Conformance")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_from(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """FROM <string> Messages that contain the specified string in the envelope structure's
    FROM field."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"FROM", b"erin")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_to(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """TO <string> Messages that contain the specified string in the envelope structure's TO
    field."""
    _expect_matches(imap_login(), imap_mailbox, [3], b"TO", b"heidi")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_cc(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """CC <string> Messages that contain the specified string in the envelope structure's CC
    field."""
    _expect_matches(imap_login(), imap_mailbox, [1], b"CC", b"carol")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_bcc(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """BCC <string> Messages that contain the specified string in the envelope structure's BCC
    field."""
    _expect_matches(imap_login(), imap_mailbox, [3], b"BCC", b"judy")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_body(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """BODY <string> Messages that contain the specified string in the body of the message."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"BODY", b"bananas")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_text(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """TEXT <string> Messages that contain the specified string in the header or body of the
    message."""
    _expect_matches(
        imap_login(), imap_mailbox, [1, 3], b"OR", b"TEXT", b"alpha", b"TEXT", b"cherries"
    )


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_header(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """HEADER <field-name> <string> Messages that have a header with the specified field-name
    (as defined in [RFC-2822]) and that contains the specified string in the text of the
    header (what comes after the colon)."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"HEADER", b"X-Conformance-Key", b"beta")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_header_empty_string(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the string to search is zero-length, this matches all messages that have a header
    line with the specified field-name regardless of the contents."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"HEADER", b"Keywords", b'""')


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_larger(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """LARGER <n> Messages with an [RFC-2822] size larger than the specified number of octets."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"LARGER", b"600")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_smaller(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """SMALLER <n> Messages with an [RFC-2822] size smaller than the specified number of octets."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"SMALLER", b"600")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_before(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """BEFORE <date> Messages whose internal date (disregarding time and timezone) is earlier
    than the specified date."""
    _expect_matches(imap_login(), imap_mailbox, [1], b"BEFORE", b"1-Jan-2005")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_on(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """ON <date> Messages whose internal date (disregarding time and timezone) is within the
    specified date."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"ON", b"15-Jun-2010")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_since(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """SINCE <date> Messages whose internal date (disregarding time and timezone) is within or
    later than the specified date."""
    _expect_matches(imap_login(), imap_mailbox, [2, 3], b"SINCE", b"15-Jun-2010")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_sentbefore(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """SENTBEFORE <date> Messages whose [RFC-2822] Date: header (disregarding time and
    timezone) is earlier than the specified date."""
    _expect_matches(imap_login(), imap_mailbox, [1], b"SENTBEFORE", b"5-May-2001")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_senton(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """SENTON <date> Messages whose [RFC-2822] Date: header (disregarding time and timezone) is
    within the specified date."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"SENTON", b"5-May-2001")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_sentsince(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """SENTSINCE <date> Messages whose [RFC-2822] Date: header (disregarding time and timezone)
    is within or later than the specified date."""
    _expect_matches(imap_login(), imap_mailbox, [2, 3], b"SENTSINCE", b"5-May-2001")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_not(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """NOT <search-key> Messages that do not match the specified search key."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"NOT", b"DRAFT")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_or(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """OR <search-key1> <search-key2> Messages that match either search key."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"OR", b"ANSWERED", b"DELETED")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_parenthesized_list(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """A search key can also be a parenthesized list of one or more search keys (e.g., for use
    with the OR and NOT keys)."""
    _expect_matches(imap_login(), imap_mailbox, [1, 3], b"NOT", b"(FLAGGED DRAFT)")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_sequence_set(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """<sequence set> Messages with message sequence numbers corresponding to the specified
    message sequence number set."""
    _expect_matches(imap_login(), imap_mailbox, [2, 3], b"2:*")


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_strings_are_substrings_case_insensitive(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """In all search keys that use strings, a message matches the key if the string is a
    substring of the field. The matching is case-insensitive."""
    _expect_matches(imap_login(), imap_mailbox, [2], b"SUBJECT", b'"TA SUMM"')


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
def test_search_uid(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """UID <sequence set> Messages with unique identifiers corresponding to the specified
    unique identifier set.  Sequence set ranges are permitted."""
    session = imap_login()
    search_corpus(session, imap_mailbox)
    second, third = uid_of(session, 2), uid_of(session, 3)
    found = searched(session, b"UID", f"{third}:{second}".encode())
    assert found == [2, 3], f"SEARCH UID {third}:{second}: expected [2, 3], got {found}"


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
@pytest.mark.requires("IMAP4rev1")  # \Recent: RFC 9051 Appendix E drops it
def test_search_recent(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """RECENT Messages that have the \\Recent flag set."""
    first = imap_login()
    search_corpus(first, imap_mailbox)  # the first session to see them: all recent
    later = imap_login()
    search_corpus(later, imap_mailbox)  # 4-6, recent in this session only
    found = searched(later, b"RECENT")
    assert found == [4, 5, 6], f"SEARCH RECENT in the second session: {found}, not [4, 5, 6]"


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
@pytest.mark.requires("IMAP4rev1")  # \Recent: RFC 9051 Appendix E drops it
def test_search_new(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """NEW Messages that have the \\Recent flag set but not the \\Seen flag.  This is
    functionally equivalent to "(RECENT UNSEEN)"."""
    first = imap_login()
    search_corpus(first, imap_mailbox)
    later = imap_login()
    search_corpus(later, imap_mailbox)  # 4-6 recent here; 6 is \Seen
    found = searched(later, b"NEW")
    assert found == [4, 5], f"SEARCH NEW in the second session: {found}, not [4, 5]"


@pytest.mark.rfc(3501, "6.4.4", "MUST", basis=KEY_RULE)
@pytest.mark.requires("IMAP4rev1")  # \Recent: RFC 9051 Appendix E drops it
def test_search_old(imap_login: Callable[[], ImapSession], imap_mailbox: str) -> None:
    """OLD Messages that do not have the \\Recent flag set.  This is functionally
    equivalent to "NOT RECENT" (as opposed to "NOT NEW")."""
    first = imap_login()
    search_corpus(first, imap_mailbox)
    later = imap_login()
    search_corpus(later, imap_mailbox)
    found = searched(later, b"OLD")
    assert found == [1, 2, 3], f"SEARCH OLD in the second session: {found}, not [1, 2, 3]"


@pytest.mark.rfc(3501, "6.4.4", "MUST")
def test_search_charset_us_ascii_is_supported(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """US-ASCII MUST be supported; other [CHARSET]s MAY be supported."""
    criteria = (b"CHARSET", b"US-ASCII", b"SUBJECT", b"beta")
    _expect_matches(imap_login(), imap_mailbox, [2], *criteria)


@pytest.mark.rfc(3501, "6.4.4", "MUST")
def test_search_unknown_charset_gets_no(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """If the server does not support the specified [CHARSET], it MUST return a tagged NO
    response (not a BAD)."""
    session = imap_login()
    search_corpus(session, imap_mailbox)
    completed = session.command("SEARCH", b"CHARSET", b"X-NO-SUCH-CHARSET", b"SUBJECT", b"beta")
    assert completed.response.status == b"NO", (
        f"SEARCH CHARSET X-NO-SUCH-CHARSET: expected NO, got {completed.response.line!r}"
    )


@pytest.mark.rfc(3501, "6.4.4", "SHOULD")
def test_search_unknown_charset_says_badcharset(
    imap_login: Callable[[], ImapSession], imap_mailbox: str
) -> None:
    """This response SHOULD contain the BADCHARSET response code, which MAY list the
    [CHARSET]s supported by the server."""
    session = imap_login()
    search_corpus(session, imap_mailbox)
    completed = session.command("SEARCH", b"CHARSET", b"X-NO-SUCH-CHARSET", b"SUBJECT", b"beta")
    code = completed.response.code.split(b" ", 1)[0].upper()
    assert code == b"BADCHARSET", (
        f"SEARCH CHARSET X-NO-SUCH-CHARSET: no [BADCHARSET] in {completed.response.line!r}"
    )
