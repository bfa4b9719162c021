"""Xero's wire format: Microsoft JSON dates, exact numbers, and the base of every payload model.

Xero writes dates as `"/Date(1518685950940+0000)/"` and amounts as JSON numbers. Here dates become
UTC datetimes and `date`s (and go back the same way), numbers become `Decimal` without passing
through float, and `dumps_xero` writes JSON whose numbers are exact.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from canonical import jsonio
from canonical.jsonio import ExactJsonModel
from canonical.types import to_decimal

# ---------------------------------------------------------------------------------------------
# Microsoft JSON dates

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)


def _bad_date(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "xero_date",
        "'{value}' is not a Xero date (/Date(1518685950940+0000)/ or ISO 8601)",
        {"value": str(value)[:60]},
    )


def parse_ms_datetime(value: Any) -> dt.datetime:
    """A UTC datetime from `/Date(ms[+hhmm])/`, an ISO 8601 string, a datetime or a date.

    The number in a Microsoft date is milliseconds since the epoch in UTC; the offset that may
    follow only says in which zone the value was recorded, so it does not move the instant (the
    official xero-python SDK reads it the same way). Naive ISO times are UTC, as Xero sends them.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if not isinstance(value, str):
        raise _bad_date(value)
    text = value.strip()
    match = _MS_DATE.match(text)
    if match:
        try:
            return _EPOCH + int(match.group(1)) * _MS
        except OverflowError:
            raise _bad_date(value) from None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad_date(value) from None
    return parse_ms_datetime(parsed)


def parse_ms_date(value: Any) -> dt.date:
    """A date from `/Date(ms[+hhmm])/` (its UTC date, as the SDK reads it) or ISO 8601 text."""
    if isinstance(value, dt.datetime):
        return parse_ms_datetime(value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and not _MS_DATE.match(value.strip()):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _bad_date(value) from None
        # A date written with a time ("2026-01-31T00:00:00") names that calendar day.
        return parsed.date() if parsed.tzinfo is None else parse_ms_datetime(parsed).date()
    return parse_ms_datetime(value).date()


def format_ms_datetime(value: dt.datetime | dt.date) -> str:
    """`/Date(ms+0000)/` for a datetime (naive ones are taken as UTC), or a date's midnight UTC."""
    moment = parse_ms_datetime(value)
    return f"/Date({(moment - _EPOCH) // _MS}+0000)/"


def format_ms_date(value: dt.date) -> str:
    """`/Date(ms+0000)/` for midnight UTC of `value`, the way Xero writes dates."""
    return format_ms_datetime(dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC))


_MS_SCHEMA = {"type": "string", "pattern": r"^/Date\(-?\d+([+-]\d{4})?\)/$"}

XeroDateTime = Annotated[
    dt.datetime,
    PlainValidator(parse_ms_datetime),
    PlainSerializer(format_ms_datetime),
    WithJsonSchema(_MS_SCHEMA),
]
"""A timestamp: UTC-aware in Python, `/Date(ms+0000)/` on the wire."""

XeroDate = Annotated[
    dt.date,
    PlainValidator(parse_ms_date),
    PlainSerializer(format_ms_date),
    WithJsonSchema(_MS_SCHEMA),
]
"""A calendar date: `date` in Python, `/Date(ms+0000)/` (midnight UTC) on the wire."""

# ---------------------------------------------------------------------------------------------
# Exact numbers


XeroDecimal = Annotated[Decimal, PlainValidator(to_decimal), WithJsonSchema({"type": "number"})]
"""An exact number (amount, quantity, rate): Decimal, int or numeric text; float is refused."""


def _xero_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_ms_datetime(value)
    if isinstance(value, dt.date):
        return format_ms_date(value)
    return NotImplemented


def dumps_xero(data: Any) -> str:
    """JSON text for Xero: exact numbers (`canonical.jsonio`), dates as `/Date()/`, no float."""
    if isinstance(data, BaseModel):
        data = data.model_dump(by_alias=True, exclude_none=True)
    return jsonio.dumps(data, default=_xero_value, floats=False)


# ---------------------------------------------------------------------------------------------
# Base


_SPECIAL = {"id": "ID", "utc": "UTC", "api": "API", "cis": "CIS"}


def xero_alias(name: str) -> str:
    """Xero's name for a snake_case attribute: `updated_date_utc` -> `UpdatedDateUTC`."""
    return "".join(_SPECIAL.get(part, part[:1].upper() + part[1:]) for part in name.split("_"))


class XeroModel(ExactJsonModel):
    """Base of Xero payload models: snake_case attributes, Xero's names on the wire, extras kept."""

    model_config = ConfigDict(
        alias_generator=xero_alias,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
    )

    def to_xero(self) -> dict[str, Any]:
        """The payload as Xero expects it: Xero's names, None left out, dates as /Date()/."""
        return self.model_dump(by_alias=True, exclude_none=True)


class XeroValidationMessage(XeroModel):
    """One validation message Xero attaches to an element."""

    message: str | None = None


class XeroElementError(XeroModel):
    """An element of a `ValidationException` with its messages."""

    validation_errors: list[XeroValidationMessage] = Field(default_factory=list)


class XeroError(XeroModel):
    """Xero's error body (`Type` is e.g. `ValidationException`)."""

    error_number: int | None = None
    type: str | None = None
    message: str | None = None
    elements: list[XeroElementError] = Field(default_factory=list)


class XeroPagination(XeroModel):
    """The `pagination` block of a paged response (camelCase on the wire)."""

    page: int | None = Field(None, alias="page")
    page_size: int | None = Field(None, alias="pageSize")
    page_count: int | None = Field(None, alias="pageCount")
    item_count: int | None = Field(None, alias="itemCount")
