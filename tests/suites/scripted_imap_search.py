"""Misbehaving IMAP servers for the SEARCH keys of RFC 3501 §6.4.4 (suites/imap/
test_rfc3501_search_keys.py), said as wire rules (see ``wire_script``).

A server that ignores a key answers with every message, or with none: each rule rewrites
the ``* SEARCH`` answer to the key's test so, which no conforming server would send for
the three messages that test searches.
"""

from __future__ import annotations

from scripted_imap import REFUSAL_TO_OK
from wire_script import Script, one_rule

__all__ = ["SCRIPTS"]

KEYS = "test_rfc3501_search_keys.py"

# Tests whose key, ignored, would match all of the corpus's messages 1-3.
_KEY_OF_TEST = {
    "answered": "ANSWERED",
    "unanswered": "UNANSWERED",
    "deleted": "DELETED",
    "undeleted": "UNDELETED",
    "draft": "DRAFT",
    "undraft": "UNDRAFT",
    "flagged": "FLAGGED",
    "unflagged": "UNFLAGGED",
    "keyword": "KEYWORD",
    "unkeyword": "UNKEYWORD",
    "from": "FROM",
    "to": "TO",
    "cc": "CC",
    "bcc": "BCC",
    "body": "BODY",
    "text": "OR TEXT",
    "header": "HEADER X-Conformance-Key",
    "header_empty_string": "HEADER Keywords",
    "larger": "LARGER",
    "smaller": "SMALLER",
    "before": "BEFORE",
    "on": "ON",
    "since": "SINCE",
    "sentbefore": "SENTBEFORE",
    "senton": "SENTON",
    "sentsince": "SENTSINCE",
    "not": "NOT DRAFT",
    "or": "OR ANSWERED",
    "parenthesized_list": r"NOT \(",
    "sequence_set": r"2:\*",
    "strings_are_substrings_case_insensitive": 'SUBJECT "TA',
    "uid": "UID",
    "charset_us_ascii_is_supported": "CHARSET US-ASCII",
    "recent": "RECENT",
    "new": "NEW",
}


def _answers(key: str, numbers: bytes) -> Script:
    """``SEARCH <key> ...`` answered ``* SEARCH <numbers>`` whatever matched."""
    return one_rule(rf"\S+ SEARCH {key}", rewrite=((rb"\* SEARCH[^\r\n]*", numbers),))


SCRIPTS: dict[str, tuple[Script, tuple[str, ...]]] = {
    f"search-{name.replace('_', '-')}-ignored": (
        _answers(key, b"* SEARCH 1 2 3 4 5 6"),
        (f"{KEYS}::test_search_{name}",),
    )
    for name, key in _KEY_OF_TEST.items()
}
SCRIPTS |= {
    "search-old-matches-none": (
        _answers("OLD", b"* SEARCH"),
        (f"{KEYS}::test_search_old",),
    ),
    "search-unknown-charset-ok": (
        one_rule(r"\S+ SEARCH CHARSET X-NO-SUCH", rewrite=REFUSAL_TO_OK),
        (f"{KEYS}::test_search_unknown_charset_gets_no",),
    ),
    "search-unknown-charset-without-badcharset": (
        one_rule(r"\S+ SEARCH CHARSET X-NO-SUCH", rewrite=((rb"\[BADCHARSET[^\]]*\] ?", b""),)),
        (f"{KEYS}::test_search_unknown_charset_says_badcharset",),
    ),
}
