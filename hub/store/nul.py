"""JSON that keeps U+0000: PostgreSQL's JSONB cannot hold it, so strings carrying it are sealed.

A string that contains U+0000, or starts with the seal mark U+FDD0 (a Unicode noncharacter,
reserved for internal use), is stored as the mark followed by the string with `%` written `%25`
and U+0000 written `%00`; dictionary keys alike. Every other value is stored as it is, so the
common case costs one substring test on the JSON text. Reading reverses it exactly, on both
databases (the engine's JSON serializer and deserializer are these functions).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from canonical import jsonio

NUL = "\x00"
MARK = "\ufdd0"
_ESCAPED = re.compile("%(25|00)")


def _seal(text: str) -> str:
    if NUL in text or text.startswith(MARK):
        return MARK + text.replace("%", "%25").replace(NUL, "%00")
    return text


def _unseal(text: str) -> str:
    if text.startswith(MARK):
        return _ESCAPED.sub(lambda m: "%" if m.group(1) == "25" else NUL, text[1:])
    return text


def _walk(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {
            (change(k) if isinstance(k, str) else k): _walk(v, change) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_walk(v, change) for v in value]
    return value


def dumps(data: Any) -> str:
    """Exact JSON text (`canonical.jsonio`) in which no string carries U+0000."""
    text = jsonio.dumps(data)
    # json.dumps escapes both: a NUL as \u0000, the mark as \ufdd0 (ASCII output).
    if "\\u0000" in text or "\\ufdd0" in text:
        source = data.data if isinstance(data, jsonio.Encoded) else data  # text encoded earlier
        text = jsonio.dumps(_walk(source, _seal))
    return text


def loads(text: str | bytes | bytearray) -> Any:
    """The value `dumps` was given, exactly."""
    data = jsonio.loads(text)
    marked = (
        MARK in text or "\\ufdd0" in text
        if isinstance(text, str)
        else MARK.encode() in text or b"\\ufdd0" in text
    )
    return _walk(data, _unseal) if marked else data
