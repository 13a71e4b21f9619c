"""Command arguments of the IMAP grammar (RFC 9051 §9, RFC 3501 §9): sequence sets,
flags, dates, mailbox names, and the section specs of FETCH.  Search keys are in
``_search_syntax``, FETCH attributes in ``_fetch_syntax``."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from reference_impl.imap._grammar import ImapDefectKind, Tokens, fault
from reference_impl.imap._mutf7 import decode_mutf7, encode_mutf7

__all__ = [
    "SYSTEM_FLAGS",
    "SequenceSet",
    "date",
    "date_time",
    "decode_mailbox",
    "encode_mailbox",
    "flag",
    "flag_list",
    "format_date_time",
    "sequence_set",
]

# RFC 9051 §2.3.2 system flags (\Recent is RFC 3501's, fetch-only: never stored by a client).
SYSTEM_FLAGS = {f.upper(): f for f in ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft")}
RECENT = "\\Recent"

# RFC 9051 §9: seq-number = nz-number / "*"; seq-range = seq-number ":" seq-number;
# sequence-set = (seq-number / seq-range) ["," sequence-set]; "$" is seq-last-command.
_SEQ_ITEM = rb"(?:[0-9]{1,10}|\*)(?::(?:[0-9]{1,10}|\*))?"
_SEQUENCE_SET = re.compile(rb"\$|" + _SEQ_ITEM + rb"(?:," + _SEQ_ITEM + rb")*")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# date-text = date-day "-" date-month "-" date-year; date-day = 1*2DIGIT.
_DATE = re.compile(rb"([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})")
# date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE;
# date-day-fixed = (SP DIGIT) / 2DIGIT; zone = ("+" / "-") 4DIGIT.
_DATE_TIME = re.compile(
    rb'"([ 0-9][0-9])-([A-Za-z]{3})-([0-9]{4}) '
    rb'([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})"'
)
_MAX_NUMBER = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class SequenceSet:
    """Ranges of numbers; None stands for ``*``, the largest number in use."""

    ranges: tuple[tuple[int | None, int | None], ...]
    saved: bool = False  # "$" (RFC 5182, RFC 9051 §6.4.4.4 SAVE)

    def resolve(self, largest: int) -> list[tuple[int, int]]:
        """Ascending (low, high) pairs with ``*`` as ``largest``; a reversed range such as
        ``4:2`` means ``2:4`` (RFC 9051 §9 seq-range)."""
        pairs = []
        for first, last in self.ranges:
            low, high = largest if first is None else first, largest if last is None else last
            pairs.append((min(low, high), max(low, high)))
        return sorted(pairs)

    def members(self, candidates: list[int], largest: int) -> list[int]:
        """The ``candidates`` (ascending) the set contains."""
        pairs = self.resolve(largest)
        return [n for n in candidates if any(low <= n <= high for low, high in pairs)]

    def highest_named(self) -> int:
        """The largest explicit number (0 if only ``*``)."""
        return max((n for pair in self.ranges for n in pair if n is not None), default=0)


def sequence_set(tokens: Tokens) -> SequenceSet:
    found = tokens.match(_SEQUENCE_SET)
    if found is None:
        raise fault(ImapDefectKind.BAD_SEQUENCE_SET, repr(tokens.peek()))
    if found.group() == b"$":
        return SequenceSet(ranges=(), saved=True)
    ranges = []
    for item in found.group().split(b","):
        first, _, last = item.partition(b":")
        low = _seq_number(first)
        ranges.append((low, _seq_number(last) if last else low))
    return SequenceSet(ranges=tuple(ranges))


def _seq_number(text: bytes) -> int | None:
    if text == b"*":
        return None
    value = int(text)
    if not 0 < value <= _MAX_NUMBER:
        raise fault(ImapDefectKind.BAD_SEQUENCE_SET, f"{value} is not a nz-number")
    return value


def flag(tokens: Tokens, *, allow_recent: bool = False) -> str:
    """flag = "\\Answered" / ... / flag-keyword / flag-extension (RFC 9051 §9)."""
    if tokens.skip(b"\\"):
        name = "\\" + tokens.atom().decode("ascii")
        canonical = SYSTEM_FLAGS.get(name.upper())
        if canonical is not None:
            return canonical
        if name.upper() == RECENT.upper() and not allow_recent:
            raise fault(ImapDefectKind.BAD_FLAG, "\\Recent cannot be set by a client")
        return RECENT if name.upper() == RECENT.upper() else name
    return tokens.atom().decode("ascii")


def flag_list(tokens: Tokens) -> list[str]:
    return tokens.paren_list(flag)


def date(tokens: Tokens) -> datetime.date:
    """date = date-text / DQUOTE date-text DQUOTE (RFC 9051 §9)."""
    quoted = tokens.skip(b'"')
    found = tokens.match(_DATE)
    if found is None or (quoted and not tokens.skip(b'"')):
        raise fault(ImapDefectKind.BAD_DATE)
    return _calendar_date(found.group(1), found.group(2), found.group(3))


def _calendar_date(day: bytes, month: bytes, year: bytes) -> datetime.date:
    name = month.decode("ascii").upper()
    if name not in _MONTHS:
        raise fault(ImapDefectKind.BAD_DATE, f"no month {name!r}")
    try:
        return datetime.date(int(year), _MONTHS.index(name) + 1, int(day.strip()))
    except ValueError:
        raise fault(ImapDefectKind.BAD_DATE, "no such day") from None


def date_time(tokens: Tokens) -> datetime.datetime:
    found = tokens.match(_DATE_TIME)
    if found is None:
        raise fault(ImapDefectKind.BAD_DATE, "expected date-time")
    day = _calendar_date(found.group(1), found.group(2), found.group(3))
    hour, minute, second = (int(found.group(n)) for n in (4, 5, 6))
    sign = 1 if found.group(7) == b"+" else -1
    offset = datetime.timedelta(hours=int(found.group(8)), minutes=int(found.group(9)))
    if hour > 23 or minute > 59 or second > 60 or offset >= datetime.timedelta(hours=24):
        raise fault(ImapDefectKind.BAD_DATE, "time out of range")
    zone = datetime.timezone(sign * offset)
    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, min(second, 59), tzinfo=zone
    )


def format_date_time(timestamp: float, zone: datetime.tzinfo = datetime.UTC) -> bytes:
    """An internal date in date-time form (RFC 9051 §9), e.g. ``"17-Jul-1996 02:44:25 -0700"``."""
    moment = datetime.datetime.fromtimestamp(timestamp, zone)
    month = _MONTHS[moment.month - 1].capitalize()
    return b'"%s"' % moment.strftime(f"%d-{month}-%Y %H:%M:%S %z").encode("ascii")


def decode_mailbox(wire: bytes, *, utf8: bool) -> str:
    """A mailbox name as text: UTF-8 under IMAP4rev2 / UTF8=ACCEPT (RFC 9051 §5.1,
    RFC 6855 §3), modified UTF-7 otherwise (RFC 3501 §5.1.3)."""
    if utf8:
        try:
            name = wire.decode("utf-8")
        except UnicodeDecodeError:
            raise fault(ImapDefectKind.BAD_MAILBOX, "not UTF-8") from None
        # RFC 9051 §5.1: a name with "&" may still be a modified UTF-7 name of rev1 clients.
        return name
    decoded = decode_mutf7(wire)
    if decoded is None:
        raise fault(ImapDefectKind.BAD_MAILBOX, repr(wire[:60])[2:-1])
    return decoded


def encode_mailbox(name: str, *, utf8: bool) -> bytes:
    return name.encode("utf-8") if utf8 else encode_mutf7(name)
