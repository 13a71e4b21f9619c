"""Checks of a message's own header fields: which must be there, which at most once
(RFC 5322 §3.6), and the syntax of dates, addresses and identifiers (§3.3, §3.4, §3.6.4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from reference_impl.mime._addresses import (
    Address,
    Issue,
    Mailbox,
    parse_address_list,
    parse_msg_ids,
)
from reference_impl.mime._context import ParseContext
from reference_impl.mime._dates import parse_date
from reference_impl.mime._headers import HeaderField
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._lexer import strip_comments
from reference_impl.mime._words import decode_words

__all__ = ["ADDRESS_FIELDS", "check_message_fields", "check_unstructured"]

_K = MimeDefectKind
# The fields the RFC 5322 §3.6 table allows at most once.
_AT_MOST_ONCE = (
    "date", "from", "sender", "reply-to", "to", "cc", "bcc",
    "message-id", "in-reply-to", "references", "subject",
)
ADDRESS_FIELDS = frozenset({"from", "sender", "reply-to", "to", "cc", "bcc",
                            "resent-from", "resent-sender", "resent-to", "resent-cc",
                            "resent-bcc"})
_ID_FIELDS = frozenset({"message-id", "resent-message-id", "in-reply-to", "references"})
_DATE_FIELDS = frozenset({"date", "resent-date"})
# Structured fields that hold no encoded words; every other field is taken as unstructured,
# where encoded words may replace text (RFC 2047 §5 (1)).
_NO_WORDS = frozenset({"content-type", "content-transfer-encoding", "content-disposition",
                       "content-id", "received", "return-path", "dkim-signature",
                       "authentication-results", "keywords"})


def check_message_fields(ctx: ParseContext, fields: list[HeaderField], *, nested: bool) -> None:
    """The RFC 5322 rules on a message's fields; ``nested`` for a message/rfc822 body,
    whose required fields RFC 2046 §5.2.1 relaxes to one of From, Subject or Date."""
    counts = Counter(f.key for f in fields)
    where = fields[0].offset if fields else 0
    if nested:
        if not any(counts[name] for name in ("from", "subject", "date")):
            ctx.report(_K.NESTED_HEADERS_MISSING, where)
    else:
        if not counts["date"]:
            ctx.report(_K.MISSING_DATE, where)
        if not counts["from"]:
            ctx.report(_K.MISSING_FROM, where)
        if not counts["message-id"]:
            ctx.report(_K.MISSING_MESSAGE_ID, where)
    for name in _AT_MOST_ONCE:
        if counts[name] > 1:
            second = [f for f in fields if f.key == name][1]
            ctx.report(_K.DUPLICATE_FIELD, second.offset, second.name)
    for header in fields:
        _check_field(ctx, header)
    _check_sender(ctx, fields, counts)


def _check_field(ctx: ParseContext, header: HeaderField) -> None:
    text = header.value.decode("utf-8", "surrogateescape")
    issues: list[Issue] = []
    if header.key in _DATE_FIELDS:
        issues = parse_date(text)[1]
    elif header.key in ADDRESS_FIELDS:
        addresses, issues = parse_address_list(text, allow_empty=header.key.endswith("bcc"))
        _decode_names(ctx, header, addresses)
        if header.key in ("sender", "resent-sender") and len(addresses) > 1:
            issues.append((_K.ADDRESS_COUNT, f"{len(addresses)} addresses"))
    elif header.key in _ID_FIELDS:
        issues = parse_msg_ids(text)[1]
    elif header.key == "mime-version":
        if (strip_comments(text) or "").replace(" ", "").replace("\t", "") != "1.0":
            issues = [(_K.MIME_VERSION_SYNTAX, text)]
    elif header.key not in _NO_WORDS:
        check_unstructured(ctx, header)
    for kind, why in issues:
        ctx.report(kind, header.offset, f"{header.name}: {why}")


def check_unstructured(ctx: ParseContext, header: HeaderField) -> str:
    """The field's text with encoded words decoded; their faults reported."""
    return decode_words(header.text, _reporter(ctx, header))


def _reporter(ctx: ParseContext, header: HeaderField) -> Callable[[MimeDefectKind, str], None]:
    def report(kind: MimeDefectKind, why: str) -> None:
        ctx.report(kind, header.offset, f"{header.name}: {why}")

    return report


def _decode_names(ctx: ParseContext, header: HeaderField, addresses: list[Address]) -> None:
    """Check the encoded words of display names, the one place in an address they may be."""
    report = _reporter(ctx, header)
    for address in addresses:
        members = [address] if isinstance(address, Mailbox) else list(address.members)
        names = [m.name for m in members] + ([] if isinstance(address, Mailbox) else [address.name])
        for name in names:
            if name:
                decode_words(name, report, phrase=True)


def _check_sender(ctx: ParseContext, fields: list[HeaderField], counts: Counter[str]) -> None:
    """RFC 5322 §3.6.2: more than one mailbox in From requires a Sender field."""
    if counts["sender"]:
        return
    for header in fields:
        if header.key != "from":
            continue
        addresses, _ = parse_address_list(header.value.decode("utf-8", "surrogateescape"))
        mailboxes = sum(1 if isinstance(a, Mailbox) else len(a.members) for a in addresses)
        if mailboxes > 1:
            ctx.report(_K.MISSING_SENDER, header.offset, f"{mailboxes} mailboxes")
        return
