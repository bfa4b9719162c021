"""JSON with exact numbers: Decimal in, Decimal out, never through float.

`loads` reads every JSON number with a fraction as Decimal; `dumps` writes Decimal as a plain
JSON number with all its digits (a float, which has already lost exactness, is written as is).
The store keeps raw ERP payloads this way, so an amount is the same after a round trip through
the database as it was on the wire.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Self

from pydantic import BaseModel


def number_text(value: Decimal) -> str:
    """A Decimal as a plain JSON number: no exponent, no negative zero."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    return format(value.copy_abs() if value.is_zero() else value, "f")


_TOKEN = secrets.token_hex(8)  # per process: no string in the data can pose as a marker
_MARK = f"\u0000dec{_TOKEN}:"
_MARK_JSON = json.dumps(_MARK)[:-1]
"""The marker as the encoder writes it: an opening quote, the escaped text, no closing quote."""


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Marked text now, swapped for the bare number after encoding: the C encoder stays fast.
        return _MARK + number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Encoded:
    """JSON text `dumps` wrote once, written again as is: one document stored in two places
    (a record's row and its outbox event) is encoded once."""

    __slots__ = ("data", "text")

    def __init__(self, data: Any) -> None:
        self.data = data  # kept for writers that must rewrite the text (hub.store.nul)
        self.text = dumps(data)


def _refuse_floats(data: Any) -> None:
    if type(data) is float:
        raise TypeError("a float cannot hold an exact amount; use Decimal")
    if isinstance(data, dict):
        for item in data.values():
            _refuse_floats(item)
    elif isinstance(data, list | tuple):
        for item in data:
            _refuse_floats(item)


def dumps(data: Any, *, default: Callable[[Any], Any] | None = None, floats: bool = True) -> str:
    """JSON text with every Decimal written exactly as a JSON number (never through float).

    `default` writes values JSON has no type for before the standard rules (an ERP's own date
    format, say); it returns `NotImplemented` to leave a value to them. `floats=False` refuses
    any float in `data` with a TypeError (a wire format whose amounts must be exact).
    """
    if type(data) is Encoded:
        return data.text
    if not floats:
        _refuse_floats(data)
    encode = _default
    if default is not None:

        def encode(value: Any) -> Any:
            written = default(value)
            return _default(value) if written is NotImplemented else written

    text = json.dumps(data, default=encode, separators=(",", ":"))
    if _TOKEN not in text:
        return text
    # Each marked Decimal reads `"<marker><digits>"`: drop the marker, then the closing quote
    # that follows the digits (digits hold no quote).
    head, *marked = text.split(_MARK_JSON)
    return head + "".join([part.replace('"', "", 1) for part in marked])


def loads(text: str | bytes | bytearray) -> Any:
    """Parse JSON reading numbers with a fraction or exponent as Decimal."""
    return json.loads(text, parse_float=Decimal)


class ExactJsonModel(BaseModel):
    """A model whose `model_validate_json` reads every JSON number exactly (as Decimal).

    pydantic's own JSON parser reads numbers as floats first, which loses digits beyond 17.
    """

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Literal["allow", "ignore", "forbid"] | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Parse JSON with every number read exactly (no float on the way), then validate."""
        return cls.model_validate(
            loads(json_data),
            strict=strict,
            extra=extra,
            context=context,
            by_alias=by_alias,
            by_name=by_name,
        )
