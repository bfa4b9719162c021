"""JSON with exact numbers: Decimal in, Decimal out, never through float.

`loads` reads every JSON number with a fraction as Decimal; `dumps` writes Decimal as a plain
JSON number with all its digits. The store keeps raw ERP payloads this way, so an amount is the
same after a round trip through the database as it was on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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


def dumps(data: Any) -> str:
    """JSON text with every Decimal written exactly; floats are refused (they lost exactness)."""
    if isinstance(data, Decimal):
        return number_text(data)
    if isinstance(data, bool) or data is None or isinstance(data, int | str):
        return json.dumps(data)
    if isinstance(data, float):
        raise TypeError("a float cannot hold an exact amount; use Decimal")
    if isinstance(data, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in data.items()) + "}"
    if isinstance(data, Sequence) and not isinstance(data, bytes | bytearray):
        return "[" + ",".join(dumps(v) for v in data) + "]"
    if isinstance(data, datetime | date):
        return json.dumps(data.isoformat())
    if isinstance(data, Enum):
        return dumps(data.value)
    raise TypeError(f"{type(data).__name__} is not JSON serialisable")


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
