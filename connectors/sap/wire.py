"""SAP's OData V2 wire format on the client side: values, envelopes and the payload model base.

`Edm.Decimal` arrives as a JSON string and becomes `Decimal` straight from the string;
`Edm.DateTime` is `/Date(ms)/` (UTC; SAP's dates are midnight), `Edm.DateTimeOffset`
`/Date(ms+0000)/`, `Edm.Time` `PT12H30M00S`. Nothing passes through float. Collections are
`{"d": {"results": [...], "__count": "N", "__next": "..."}}`, single entities `{"d": {...}}`,
to-many expansions `{"results": [...]}`, to-one expansions an object or null.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

__all__ = [
    "ODataDate",
    "ODataDateTime",
    "ODataDecimal",
    "ODataTime",
    "SapModel",
    "collection",
    "date_literal",
    "datetime_literal",
    "format_ms_date",
    "parse_odata_datetime",
    "parse_odata_decimal",
    "parse_odata_time",
    "results",
    "string_literal",
]

_MS = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{1,4})?\)/$")
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def parse_odata_datetime(value: Any) -> dt.datetime | None:
    """`/Date(ms[+hhmm])/` or ISO 8601 -> aware UTC; the offset does not move the instant."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an OData date")
    match = _MS.match(value.strip())
    if match:
        return _EPOCH + dt.timedelta(milliseconds=int(match.group(1)))
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _parse_date(value: Any) -> dt.date | None:
    moment = parse_odata_datetime(value)
    return None if moment is None else moment.date()


def parse_odata_time(value: Any) -> dt.time | None:
    """`PT12H30M00S` -> time of day."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not an Edm.Time (PT12H30M00S)")
    hours, minutes, seconds = (int(match.group(i) or 0) for i in (1, 2, 3))
    return dt.time(hours % 24, minutes, seconds)


def parse_odata_decimal(value: Any) -> Decimal | None:
    """An `Edm.Decimal` string (or an exact JSON number) -> Decimal; never through float."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise ValueError("a float cannot hold an exact Edm.Decimal")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an Edm.Decimal") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite Edm.Decimal")
    return number


ODataDateTime = Annotated[dt.datetime | None, BeforeValidator(parse_odata_datetime)]
ODataDate = Annotated[dt.date | None, BeforeValidator(_parse_date)]
ODataTime = Annotated[dt.time | None, BeforeValidator(parse_odata_time)]
ODataDecimal = Annotated[Decimal | None, BeforeValidator(parse_odata_decimal)]


def results(value: Any) -> list[dict[str, Any]]:
    """The entities of a to-many expansion (`{"results": [...]}` or a plain list)."""
    if isinstance(value, dict):
        value = value.get("results")
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _expanded(value: Any) -> Any:
    # A navigation that was not expanded is `{"__deferred": ...}`: nothing to read.
    if isinstance(value, dict) and "__deferred" in value:
        return None
    return value


class SapModel(BaseModel):
    """Base of SAP payload models: SAP's own field names; unknown fields kept (YY1_ extensions)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def custom_fields(self) -> dict[str, Any]:
        """The key-user extension fields (`YY1_...`) that carry a value."""
        extra = self.model_extra or {}
        return {k: v for k, v in extra.items() if k.startswith("YY1_") and v not in (None, "")}


def to_many(value: Any) -> list[dict[str, Any]]:
    """Validator input for a to-many navigation field."""
    return results(_expanded(value))


def to_one(value: Any) -> dict[str, Any] | None:
    """Validator input for a to-one navigation field."""
    value = _expanded(value)
    return value if isinstance(value, dict) else None


def collection(body: Any) -> tuple[list[dict[str, Any]], str | None, int | None]:
    """(entities, `__next` link, `__count`) of a collection response."""
    data = body.get("d") if isinstance(body, dict) else None
    if isinstance(data, list):  # OData V1 style, still sent by some services
        return [e for e in data if isinstance(e, dict)], None, None
    if not isinstance(data, dict):
        raise ValueError("the response has no 'd' envelope")
    entities = results(data)
    count = data.get("__count")
    return entities, data.get("__next") or None, int(count) if count is not None else None


def string_literal(value: str) -> str:
    """A URI string literal: quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def datetime_literal(moment: dt.datetime) -> str:
    """`datetime'2026-01-01T00:00:00'` (UTC) for Edm.DateTime filters."""
    return f"datetime'{moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()}'"


def date_literal(day: dt.date) -> str:
    """`datetime'2026-01-01T00:00:00'` for an Edm.DateTime that holds a date."""
    return f"datetime'{day.isoformat()}T00:00:00'"


def datetimeoffset_literal(moment: dt.datetime) -> str:
    """`datetimeoffset'2026-01-01T00:00:00Z'` for Edm.DateTimeOffset filters."""
    text = moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"datetimeoffset'{text}'"


def format_ms_date(value: dt.date | dt.datetime) -> str:
    """`/Date(ms)/` for an Edm.DateTime sent in a write body (dates at midnight UTC)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    delta = value.astimezone(dt.UTC) - _EPOCH
    return f"/Date({(delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000})/"
