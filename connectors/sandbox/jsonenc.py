"""JSON for sandboxes: Decimal amounts written as exact JSON numbers, and Microsoft dates.

The standard library can only write a Decimal by converting it to float, which rounds. ERPs send
amounts as JSON numbers with exact decimals (`Decimal("0.10")` as `0.10`): the sandboxes write
through `canonical.jsonio`, the project's one exact-JSON encoder.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from canonical import jsonio
from canonical.jsonio import loads

__all__ = [
    "dumps",
    "dumps_bytes",
    "loads",
    "ms_date",
    "parse_http_or_iso_datetime",
    "parse_ms_or_iso_date",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def dumps(value: Any) -> str:
    """Compact JSON text with Decimals written exactly (the one encoder: `canonical.jsonio`)."""
    return jsonio.dumps(value)


def dumps_bytes(value: Any) -> bytes:
    """Encode to compact UTF-8 JSON bytes (see `dumps`)."""
    return dumps(value).encode("utf-8")


def ms_date(moment: datetime | date) -> str:
    """Microsoft JSON date as Xero writes it: `/Date(1518685950940+0000)/` (UTC, milliseconds)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=UTC)
    delta = moment.astimezone(UTC) - _EPOCH
    millis = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return f"/Date({millis}+0000)/"


_MS_RE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_ms_or_iso_date(text: str) -> datetime:
    """Parse `/Date(ms[+zzzz])/`, `YYYY-MM-DD` or an ISO 8601 date-time into an aware UTC datetime.

    Raises ValueError on anything else.
    """
    text = text.strip()
    match = _MS_RE.match(text)
    if match:
        return _EPOCH + timedelta(milliseconds=int(match.group(1)))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_http_or_iso_datetime(text: str) -> datetime:
    """Parse an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`) or ISO 8601 into aware UTC.

    Naive ISO values are taken as UTC, as the ERPs do. Raises ValueError on anything else.
    """
    text = text.strip()
    try:
        return parse_ms_or_iso_date(text)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a date: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
