"""Oracle-style date formats for the sandbox's SuiteQL (`TO_CHAR`, `TO_DATE`) and NetSuite's
default rendering of dates (the account's format, `M/D/YYYY`, date only)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["account_date", "parse_account_date", "to_char", "to_date"]

_TOKENS = re.compile(r'"[^"]*"|YYYY|HH24|HH12|HH|MI|SS|MM|DD|MON|AM|PM|.', re.IGNORECASE)
_STRF = {
    "YYYY": "%Y",
    "MM": "%m",
    "DD": "%d",
    "HH24": "%H",
    "HH": "%I",
    "HH12": "%I",
    "MI": "%M",
    "SS": "%S",
    "MON": "%b",
    "AM": "%p",
    "PM": "%p",
}


@lru_cache(maxsize=64)
def _strftime_pattern(fmt: str) -> str:
    out: list[str] = []
    for token in _TOKENS.findall(fmt):
        if token.startswith('"'):
            out.append(token[1:-1].replace("%", "%%"))
        else:
            out.append(_STRF.get(token.upper(), token.replace("%", "%%")))
    return "".join(out)


def to_char(value: object, fmt: str | None, zone: ZoneInfo) -> str | None:
    """`TO_CHAR(value, fmt)`: datetimes in the account's zone, dates as they are."""
    if value is None:
        return None
    if isinstance(value, datetime):
        local = value.astimezone(zone)
        return local.strftime(_strftime_pattern(fmt)) if fmt else account_date(local.date())
    if isinstance(value, date):
        return value.strftime(_strftime_pattern(fmt)) if fmt else account_date(value)
    return str(value)


def to_date(text: str, fmt: str | None, zone: ZoneInfo) -> datetime:
    """`TO_DATE(text, fmt)`: a moment in the account's zone (as an aware datetime)."""
    if fmt:
        naive = datetime.strptime(text, _strftime_pattern(fmt))  # noqa: DTZ007 - zone set below
    else:
        naive = datetime.combine(parse_account_date(text), time())
    return naive.replace(tzinfo=zone)


def account_date(value: date) -> str:
    """A date in the account's date format (`3/15/2026`)."""
    return f"{value.month}/{value.day}/{value.year}"


def parse_account_date(text: str) -> date:
    """`3/15/2026` (or ISO `2026-03-15`) as a date."""
    text = text.strip()
    if "-" in text:
        return date.fromisoformat(text[:10])
    month, day, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def as_moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A date or datetime as the account's wall-clock time (naive), as NetSuite compares them.

    NetSuite keeps `lastmodifieddate` in the account's time zone: when DST ends, 01:15 after the
    change compares as earlier than 01:30 before it, although it happened later.
    """
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(zone).replace(tzinfo=None)
    return datetime.combine(value, time())
