"""What both directions of the NetSuite translation share: the context, time, errors.

NetSuite keeps datetimes in the account's time zone: every read formats them with `TO_CHAR`
(`YYYY-MM-DD HH24:MI:SS`, local) and `local_to_utc` turns them into UTC with the account's zone,
DST included; an ambiguous local time (the hour repeated when DST ends) reads as the earlier
instant, so a cursor taken from it never skips a change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from canonical import Record
from connectors.errors import MappingError
from connectors.ids import IdResolver
from connectors.mapping import build_record, field_error

__all__ = [
    "DIMENSION_KINDS",
    "TranslateContext",
    "build",
    "local_to_utc",
    "mapping_error",
    "parse_day",
    "text",
    "utc_to_local",
]

R = TypeVar("R", bound=Record)

DIMENSION_KINDS: Mapping[str, str] = {
    "department": "department",
    "class": "class",
    "location": "location",
    "subsidiary": "subsidiary",
}
"""NetSuite segment -> canonical dimension kind (a connection may rename them)."""


@dataclass(frozen=True)
class TranslateContext:
    """What a translation needs beyond the payload, for one connection."""

    connection_id: str
    ids: IdResolver
    base_currency: str
    zone: ZoneInfo
    dimension_kinds: Mapping[str, str] = field(default_factory=lambda: dict(DIMENSION_KINDS))

    def kind_of(self, segment: str) -> str:
        """The canonical dimension kind of a NetSuite segment."""
        return self.dimension_kinds.get(segment, segment)


def text(value: Any) -> str | None:
    """The value as stripped text; None for None or blank."""
    if value is None:
        return None
    stripped = str(value).strip()
    return stripped or None


def local_to_utc(stamp: str | None, zone: ZoneInfo) -> datetime | None:
    """`YYYY-MM-DD HH24:MI:SS` in the account's zone as an aware UTC datetime."""
    if not stamp:
        return None
    naive = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - zone set next
    # fold=0: an hour that occurs twice (DST ending) reads as its first occurrence.
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def utc_to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware moment in the account's zone (naive = UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def parse_day(value: str | None) -> date | None:
    """`YYYY-MM-DD` (or NetSuite's `M/D/YYYY`) as a date."""
    if not value:
        return None
    value = value.strip()
    if "/" in value:
        month, day, year = (int(p) for p in value.split("/"))
        return date(year, month, day)
    return date.fromisoformat(value[:10])


def mapping_error(
    source: str, remote_id: str | None, ns_field: str, path: str, reason: str
) -> MappingError:
    """`NetSuite vendorBill '1001': tranDate -> invoice.issue_date: is missing`."""
    return field_error(_subject(source, remote_id), ns_field, path, reason)


def _subject(source: str, remote_id: str | None) -> str:
    return f"NetSuite {source} '{remote_id}'" if remote_id else f"NetSuite {source}"


def build(
    cls: type[R],
    data: dict[str, Any],
    *,
    source: str,
    remote_id: str | None,
    fields: Mapping[str, str],
) -> R:
    """Validate `data` as canonical `cls`; a violation becomes a MappingError naming both sides."""
    return build_record(cls, data, subject=_subject(source, remote_id), fields=fields)
