"""The Date field: date-time syntax (RFC 5322 §3.3), its semantic checks, obsolete forms (§4.3)."""

from __future__ import annotations

import calendar
import datetime
import re

from reference_impl.mime._addresses import Issue
from reference_impl.mime._kinds import MimeDefectKind
from reference_impl.mime._lexer import strip_comments

__all__ = ["parse_date"]

_K = MimeDefectKind
# date-time = [ day-of-week "," ] date time [CFWS]  (RFC 5322 §3.3), comments already gone
_DATE_TIME = re.compile(
    r"""\s*(?:(?P<dow>[A-Za-z]+)\s*,\s*)?
    (?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{2,})\s+
    (?P<hour>\d\d)\s*:\s*(?P<minute>\d\d)(?:\s*:\s*(?P<second>\d\d))?\s+
    (?P<zone>[+-]\d{4}|[A-Za-z]{1,5})\s*""",
    re.VERBOSE,
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# obs-zone (RFC 5322 §4.3): UT, GMT, the US zones, military letters except J
_OBS_ZONES = {"ut": 0, "gmt": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7,
              "mdt": -6, "pst": -8, "pdt": -7}


def parse_date(text: str) -> tuple[datetime.datetime | None, list[Issue]]:
    """The moment a Date field names, and the rules its text broke."""
    bare = strip_comments(text)
    match = _DATE_TIME.fullmatch(bare) if bare is not None else None
    if match is None:
        return None, [(_K.DATE_SYNTAX, "not a date-time")]
    issues: list[Issue] = []
    parts = match.groupdict()
    dow, month_name = (parts["dow"] or "").lower(), parts["month"].lower()
    zone = parts["zone"].lower()
    if (dow and dow not in _DAYS) or month_name not in _MONTHS:
        return None, [(_K.DATE_SYNTAX, "unknown day or month name")]
    year = int(parts["year"])
    if len(parts["year"]) < 4:
        issues.append((_K.DATE_OBSOLETE, "two- or three-digit year"))
        year += 2000 if year < 50 and len(parts["year"]) == 2 else 1900
    offset = _zone_offset(zone, issues)
    if offset is None:
        return None, [*issues, (_K.DATE_SYNTAX, f"unknown zone {zone!r}")]
    moment = _moment(parts, year, _MONTHS.index(month_name) + 1, offset, issues)
    if moment is not None and dow and _DAYS[moment.weekday()] != dow:
        issues.append((_K.DATE_RANGE, "day-of-week is not the date's"))
    return moment, issues


def _zone_offset(zone: str, issues: list[Issue]) -> datetime.timedelta | None:
    if zone[0] in "+-":
        hours, minutes = int(zone[1:3]), int(zone[3:5])
        if minutes > 59:
            issues.append((_K.DATE_RANGE, "zone minutes above 59"))
            minutes = 0
        sign = -1 if zone[0] == "-" else 1
        return sign * datetime.timedelta(hours=hours, minutes=minutes)
    issues.append((_K.DATE_OBSOLETE, "named time zone"))
    if zone in _OBS_ZONES:
        return datetime.timedelta(hours=_OBS_ZONES[zone])
    if len(zone) == 1 and zone != "j":
        return datetime.timedelta(0)  # §4.3: military zones SHOULD be taken as +0000
    return None


def _moment(
    parts: dict[str, str], year: int, month: int, offset: datetime.timedelta, issues: list[Issue]
) -> datetime.datetime | None:
    day, hour, minute = int(parts["day"]), int(parts["hour"]), int(parts["minute"])
    second = int(parts["second"] or 0)
    if year < 1900:
        issues.append((_K.DATE_SYNTAX, "year before 1900"))
        return None
    if year > datetime.MAXYEAR:
        return None  # valid (year = 4*DIGIT), but past what datetime holds
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        issues.append((_K.DATE_RANGE, "day not in the month"))
        return None
    if hour > 23 or minute > 59 or second > 60:
        issues.append((_K.DATE_RANGE, "time-of-day outside 00:00:00-23:59:60"))
        return None
    # §3.3 bounds only the zone's minutes; an offset of a day or more has no tzinfo
    zone = datetime.timezone(offset) if abs(offset) < datetime.timedelta(days=1) else datetime.UTC
    return datetime.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=zone)
