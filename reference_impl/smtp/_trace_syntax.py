"""The Received: trace field's syntax (RFC 5321 §4.4, Time-stamp-line and Stamp).

A relay or delivery agent prepends one to each message it handles; a reader of a stored
message checks that what was prepended parses.  Comments (CFWS) are taken out first:
TCP-info in parentheses after a domain is a comment by its form as well, and every place
Stamp allows white space it allows CFWS.
"""

from __future__ import annotations

import re

from reference_impl.mime import MimeDefectKind
from reference_impl.mime._dates import parse_date
from reference_impl.mime._lexer import strip_comments
from reference_impl.smtp._syntax import _ADDRESS_LITERAL, _ATEXT, _DOMAIN

__all__ = ["stamp_faults"]

_EXTENDED_DOMAIN = rf"(?:{_DOMAIN}|{_ADDRESS_LITERAL})"
_ATOM = rf"{_ATEXT}+"
# RFC 5322 §3.6.4 msg-id = "<" id-left "@" id-right ">" (taken loosely).
_MSG_ID = r"<[^<>\s]+>"
# RFC 5321 §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"; Mailbox = Local-part "@" domain.
_MAILBOX = r"(?:\"(?:[^\"\\]|\\.)*\"|[^\s<>@\"]+)@[^\s<>;]+"
_PATH = rf"<(?:[^<>:\s]+:)?{_MAILBOX}>"
_STRING = rf"(?:{_ATOM}|\"(?:[^\"\\]|\\.)*\")"
# Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time, comments taken out;
# Opt-info = [Via] [With] [ID] [For] [Additional-Registered-Clauses].
_STAMP = re.compile(
    rf"""\s*FROM\s+{_EXTENDED_DOMAIN}
    \s+BY\s+{_EXTENDED_DOMAIN}
    (?:\s+VIA\s+{_ATOM})?
    (?:\s+WITH\s+{_ATOM})?
    (?:\s+ID\s+(?:{_MSG_ID}|{_ATOM}))?
    (?:\s+FOR\s+(?:{_PATH}|{_MAILBOX}))?
    (?:\s+{_ATOM}\s+{_STRING})*
    \s*;\s+(?P<date>.+)""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


def stamp_faults(value: str) -> list[str]:
    """What keeps the value of a Received: field (unfolded, after the colon) from being
    a Stamp; empty when it is one."""
    bare = strip_comments(value)
    if bare is None:
        return ["a comment is not closed (RFC 5322 §3.2.2)"]
    match = _STAMP.fullmatch(bare)
    if match is None:
        return [
            "not 'from DOMAIN by DOMAIN [via] [with] [id] [for] ; date-time' "
            "(RFC 5321 §4.4 Stamp)"
        ]
    _, issues = parse_date(match.group("date"))
    # §4.4: the obs- forms of date-time, especially two-digit years, MUST NOT be used.
    return [
        f"date-time: {why} (RFC 5321 §4.4, RFC 5322 §3.3)"
        for kind, why in issues
        if kind in (MimeDefectKind.DATE_SYNTAX, MimeDefectKind.DATE_OBSOLETE)
    ]
