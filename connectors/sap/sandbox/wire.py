"""OData V2 values on the wire: JSON forms, URI literals and their Python values.

Python values held by the sandbox store, per Edm type: String/Guid `str`, Decimal `Decimal`,
DateTime/DateTimeOffset aware UTC `datetime`, Time `datetime.time`, Boolean `bool`, Int32 `int`.
In JSON, decimals are strings, DateTime is `/Date(ms)/`, DateTimeOffset `/Date(ms+0000)/` and
Time `PT12H30M00S`, as SAP Gateway writes them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.sap.sandbox.edm import Prop

__all__ = [
    "ODataValueError",
    "from_json",
    "literal",
    "parse_literal",
    "to_json",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = re.compile(r"^/Date\((-?\d+)(?:([+-])(\d{1,4}))?\)/$")
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?$")


class ODataValueError(ValueError):
    """A value that does not fit its property's Edm type (the message names both)."""


def _millis(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _duration(value: time) -> str:
    return f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"


def to_json(prop: Prop, value: Any) -> Any:
    """The JSON value SAP Gateway writes for a stored value."""
    if value is None:
        return None
    kind = prop.type
    if kind == "Decimal":
        return format(value, "f")
    if kind == "DateTime":
        return f"/Date({_millis(value)})/"
    if kind == "DateTimeOffset":
        return f"/Date({_millis(value)}+0000)/"
    if kind == "Time":
        return _duration(value)
    return value


def _parse_ms(text: str) -> datetime:
    # The milliseconds are the instant in UTC; an offset only says where it was recorded.
    match = _MS.match(text)
    if not match:
        raise ValueError(text)
    return _EPOCH + timedelta(milliseconds=int(match.group(1)))


def _parse_iso(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _parse_time(text: str) -> time:
    match = _DURATION.match(text)
    if not match or not any(match.group(i) for i in (1, 2, 3)):
        raise ValueError(text)
    hours, minutes, seconds = (int(match.group(i) or 0) for i in (1, 2, 3))
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(text)
    return time(hours, minutes, seconds)


def from_json(prop: Prop, value: Any) -> Any:
    """A JSON value sent by a client, checked and converted for `prop` (ODataValueError)."""
    if value is None:
        return None
    kind = prop.type
    try:
        if kind in ("String", "Guid"):
            if not isinstance(value, str):
                raise ValueError(value)
            if prop.max_length is not None and len(value) > prop.max_length:
                raise ODataValueError(
                    f"Property '{prop.name}' is longer than {prop.max_length} characters"
                )
            return value
        if kind == "Decimal":
            if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
                raise ValueError(value)
            number = Decimal(str(value))
            if not number.is_finite():
                raise ValueError(value)
            if prop.scale is not None and -number.as_tuple().exponent > prop.scale:  # type: ignore[operator]
                raise ODataValueError(
                    f"Property '{prop.name}' has more than {prop.scale} decimal places"
                )
            return number
        if kind in ("DateTime", "DateTimeOffset"):
            if not isinstance(value, str):
                raise ValueError(value)
            return _parse_ms(value) if value.startswith("/Date(") else _parse_iso(value)
        if kind == "Time":
            if not isinstance(value, str):
                raise ValueError(value)
            return _parse_time(value)
        if kind == "Boolean":
            if not isinstance(value, bool):
                raise ValueError(value)
            return value
        if kind == "Int32":
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError(value)
            return int(value)
    except ODataValueError:
        raise
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise ODataValueError(
            f"Invalid value {value!r} for property '{prop.name}' of type Edm.{kind}"
        ) from exc
    raise ODataValueError(f"Edm.{kind} is not supported for property '{prop.name}'")


def literal(prop: Prop, value: Any) -> str:
    """The URI literal of a stored value (key predicates in `__metadata.uri` and `__next`)."""
    kind = prop.type
    if kind == "String":
        return "'" + str(value).replace("'", "''") + "'"
    if kind == "Guid":
        return f"guid'{value}'"
    if kind == "DateTime":
        return f"datetime'{value.astimezone(UTC).replace(tzinfo=None).isoformat()}'"
    if kind == "DateTimeOffset":
        return f"datetimeoffset'{value.astimezone(UTC).isoformat().replace('+00:00', 'Z')}'"
    if kind == "Time":
        return f"time'{_duration(value)}'"
    if kind == "Decimal":
        return f"{format(value, 'f')}M"
    if kind == "Boolean":
        return "true" if value else "false"
    return str(value)


_PREFIXED = re.compile(r"^(datetimeoffset|datetime|time|guid)'(.*)'$", re.IGNORECASE | re.DOTALL)
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)([MmLlDdFf]?)$")


def parse_literal(text: str) -> Any:
    """The Python value of a URI literal (`'a''b'`, `datetime'…'`, `12.50M`, `true`, `null`)."""
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered == "null":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    match = _PREFIXED.match(text)
    try:
        if match:
            prefix, body = match.group(1).lower(), match.group(2)
            if prefix == "guid":
                return body.lower()
            if prefix == "time":
                return _parse_time(body)
            return _parse_iso(body)
        number = _NUMBER.match(text)
        if number:
            digits, suffix = number.groups()
            if suffix.lower() in ("m", "d", "f") or "." in digits:
                return Decimal(digits)
            return int(digits)
    except ValueError as exc:
        raise ODataValueError(f"Invalid literal {text!r}") from exc
    raise ODataValueError(f"Invalid literal {text!r}")
