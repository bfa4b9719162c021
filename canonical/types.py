"""Annotated field types: each validates its value and names its kind for the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from canonical.money import is_currency


@dataclass(frozen=True)
class Kind:
    """Marks a field type with the name the path catalogue shows for it (`money`, `iban`, ...)."""

    name: str


DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"


MAX_MAGNITUDE = 30
"""Numbers stay below 10^30 (beyond any amount, quantity or rate) ..."""
MIN_MAGNITUDE = -40
"""... and a number that is not zero stays at or above 10^-40."""


def to_decimal(value: Any) -> Decimal:
    """Read Decimal, int or decimal text exactly; refuse float and bool with a clear error.

    Text must be the number alone: blanks around it, `_` and other digits than 0-9 are refused
    (Python's Decimal would take them). Any number lies between 10^-40 and 10^30 (or is zero),
    so `1e999999999` is an error here rather than an overflow in a sum later.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "expected a decimal string, got a boolean")
    if isinstance(value, float):
        raise PydanticCustomError(
            "money_float",
            'a float cannot hold an exact amount; give a decimal string such as "12.30"',
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        # Checks in C, in the order that names the problem best; the Decimal parse does the rest.
        if not value.isascii() or "_" in value:
            raise PydanticCustomError(
                "decimal_parsing", "'{value}' is not a decimal number", {"value": value}
            )
        if value != value.strip():
            raise PydanticCustomError(
                "decimal_parsing",
                "'{value}' has blanks around the number; give the number alone",
                {"value": value},
            )
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise PydanticCustomError(
                "decimal_parsing", "'{value}' is not a decimal number", {"value": value}
            ) from None
    else:
        raise PydanticCustomError(
            "decimal_type", "expected a decimal string, got {kind}", {"kind": type(value).__name__}
        )
    if not result.is_finite():
        raise PydanticCustomError("decimal_finite", "the number must be finite")
    if result:
        magnitude = result.adjusted()
        if magnitude >= MAX_MAGNITUDE:
            raise PydanticCustomError(
                "decimal_range", "the number is too large (at most 30 digits before the point)"
            )
        if magnitude < MIN_MAGNITUDE:
            raise PydanticCustomError(
                "decimal_range", "the number is too small (below 10^-40, yet not zero)"
            )
    return result


_DECIMAL_SCHEMA = WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN})

Money = Annotated[Decimal, BeforeValidator(to_decimal), _DECIMAL_SCHEMA, Kind("money")]
"""An amount of money: Decimal in Python, a decimal string in JSON; floats are refused."""

DecimalValue = Annotated[Decimal, BeforeValidator(to_decimal), _DECIMAL_SCHEMA, Kind("decimal")]
"""A non-money exact number (quantity, unit price, rate, percentage)."""


def _custom_value(value: Any) -> Any:
    # Dispatch on the Python type: a union would guess, and read the GL code "0600" as 600.
    if value is None or isinstance(value, bool | int | str | date):
        return value
    if isinstance(value, Decimal):
        return to_decimal(value)
    if isinstance(value, float):
        return to_decimal(value)  # refused with the float message
    raise PydanticCustomError(
        "custom_value",
        "a custom field holds a string, number, boolean, date or null, not {kind}",
        {"kind": type(value).__name__},
    )


CustomValue = Annotated[
    bool | int | str | Decimal | date | None,
    PlainValidator(_custom_value),
    WithJsonSchema({"type": ["string", "number", "boolean", "null"]}),
    Kind("any"),
]
"""A custom field value: strings stay strings (no guessing); tenant definitions type them."""


def _currency(value: str) -> str:
    if not is_currency(value):
        raise PydanticCustomError(
            "currency", "'{value}' is not an ISO 4217 currency code", {"value": value}
        )
    return value


def _country(value: str) -> str:
    if len(value) != 2 or pycountry.countries.get(alpha_2=value) is None:
        raise PydanticCustomError(
            "country", "'{value}' is not an ISO 3166-1 alpha-2 country code", {"value": value}
        )
    return value


def _iban(value: str) -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise PydanticCustomError("iban", "invalid IBAN: {reason}", {"reason": str(exc)}) from None


def _bic(value: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise PydanticCustomError("bic", "invalid BIC: {reason}", {"reason": str(exc)}) from None


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "timezone", "timestamp has no time zone; give it in UTC, e.g. 2026-01-31T09:00:00Z"
        )
    return value.astimezone(UTC)


def _email(value: str) -> str:
    local, sep, domain = value.partition("@")
    if not sep or not local or "." not in domain or " " in value or domain.startswith("."):
        raise PydanticCustomError("email", "'{value}' is not an e-mail address", {"value": value})
    return value


CurrencyCode = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_currency),
    Kind("currency"),
]
CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_country), Kind("country")
]
Iban = Annotated[str, AfterValidator(_iban), Kind("iban")]
Bic = Annotated[str, AfterValidator(_bic), Kind("bic")]
Email = Annotated[str, AfterValidator(_email), Kind("email")]
UtcDatetime = Annotated[datetime, AfterValidator(_utc), Kind("datetime")]
NO_NUL = r"^[^\x00]*$"
"""Text never holds U+0000 (a C string terminator, not a character anyone writes)."""

Str = Annotated[str, Field(pattern=NO_NUL)]
"""A string without U+0000 (checked by pydantic-core, at no Python cost per field)."""

Text = Annotated[str, Field(min_length=1, pattern=NO_NUL), Kind("string")]
"""A non-empty string without U+0000."""

Days = Annotated[int, Field(strict=True, ge=0, le=3650), Kind("integer")]
"""A whole number of days, 0 to 3650 (ten years); `true` or `30.0` are not days."""
HubId = Annotated[str, Field(min_length=1), Kind("id")]
"""A hub id of another record (`sup_...`, `inv_...`)."""
