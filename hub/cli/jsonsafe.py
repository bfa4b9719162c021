"""Reading a JSON document a person handed over (`hub validate`, `hub mappings suggest`) safely.

Numbers are exact (Decimal) as everywhere, but bounded: an integer of thousands of digits, an
exponent like `1e999999999` or nesting thousands of levels deep is refused with one line that
says why, instead of a traceback from deep inside the parser or the validator.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DIGITS = 40
"""The most digits a number may have (an amount needs far fewer)."""
MAX_EXPONENT = 40
"""The largest power of ten a number may carry, either way."""
MAX_DEPTH = 64
"""The deepest nesting of objects and arrays accepted."""


class DocumentError(ValueError):
    """The text is not a JSON document the hub will read; the message says why, in one line."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise DocumentError(f"a number has {len(text.lstrip('-'))} digits; at most {MAX_DIGITS}")
    return int(text)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DocumentError(f"'{text[:40]}' is not a number") from None
    digits = len(value.as_tuple().digits)
    if digits > MAX_DIGITS or abs(value.adjusted()) > MAX_EXPONENT:
        raise DocumentError(f"the number '{text[:40]}' is out of range")
    return value


def _constant(text: str) -> Any:
    raise DocumentError(f"{text} is not a number JSON allows")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def load_document(raw: bytes) -> Any:
    """The JSON value in `raw` (UTF-8); DocumentError naming the problem otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_decimal, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise DocumentError(f"nested deeper than {MAX_DEPTH} levels") from None
    if _depth(value) > MAX_DEPTH:
        raise DocumentError(f"nested deeper than {MAX_DEPTH} levels")
    return value
