"""JSON and dates for sandboxes: exact-decimal JSON (`canonical.jsonio`) and HTTP dates.

The standard library can only write a Decimal by converting it to float, which rounds. ERPs send
amounts as JSON numbers with exact decimals (`Decimal("0.10")` as `0.10`): the sandboxes write
through `canonical.jsonio`, the project's one exact-JSON encoder. An ERP's own date formats
(Xero's Microsoft dates, SAP's `/Date()/`) live in its package.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from canonical.jsonio import dumps, loads

__all__ = ["dumps", "dumps_bytes", "loads", "parse_http_or_iso_datetime"]


def dumps_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON bytes with Decimals written exactly (`canonical.jsonio.dumps`)."""
    return dumps(value).encode("utf-8")


def parse_http_or_iso_datetime(
    text: str, erp_format: Callable[[str], datetime] | None = None
) -> datetime:
    """Parse the ERP's own format (`erp_format`, tried first), ISO 8601 or an HTTP date
    (`Wed, 21 Oct 2015 07:28:00 GMT`) into aware UTC, as in an `If-Modified-Since` header.

    Naive values are taken as UTC, as the ERPs do. Raises ValueError on anything else.
    """
    text = text.strip()
    parsers: list[Callable[[str], datetime]] = [datetime.fromisoformat, parsedate_to_datetime]
    for parse in [erp_format, *parsers] if erp_format else parsers:
        try:
            parsed = parse(text)
        except (TypeError, ValueError):
            continue
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    raise ValueError(f"not a date: {text!r}")
