"""Value profiling: what a field's example values look like (IBAN, BIC, currency, date, ...)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pycountry

# ISO 4217 and ISO 3166-1 alpha-2 from pycountry (already a dependency of the canonical model).
_ISO_CURRENCIES: frozenset[str] = frozenset(c.alpha_3 for c in pycountry.currencies)
_ISO_COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iban", re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")),
    ("email", re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")),
    ("url", re.compile(r"^(https?://|www\.)\S+$", re.I)),
    ("uuid", re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)),
    (
        "datetime",
        re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"),
    ),
    ("datetime", re.compile(r"^/Date\(\d+([+-]\d{4})?\)/$")),
    ("date", re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{2}[./]\d{2}[./]\d{4}$|^\d{8}$")),
    ("boolean", re.compile(r"^(true|false|yes|no|x|t|f)$", re.I)),
    ("decimal", re.compile(r"^[-+]?\d{1,3}(,\d{3})*\.\d+$|^[-+]?\d+\.\d+$")),
    ("integer", re.compile(r"^[-+]?\d+$")),
    ("phone", re.compile(r"^\+?[\d ()./-]{7,20}$")),
)
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def classify_value(value: object) -> str:
    """The kind of one example value: iban, bic, currency, country, email, date, decimal, ..."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "decimal"
    if isinstance(value, dict | list):
        return "object"
    text = str(value).strip()
    if not text:
        return "empty"
    compact = text.replace(" ", "")
    if text in _ISO_CURRENCIES:
        return "currency"
    if len(text) == 2 and text in _ISO_COUNTRIES:
        return "country"
    if _BIC.match(text) and text[4:6] in _ISO_COUNTRIES:
        return "bic"
    for kind, pattern in _PATTERNS:
        if pattern.match(compact if kind == "iban" else text):
            return kind
    return "text"


def profile(examples: Iterable[object]) -> str | None:
    """The dominant kind among a field's examples, or None without examples."""
    kinds = Counter(classify_value(v) for v in examples if v is not None)
    kinds.pop("empty", None)
    if not kinds:
        return None
    return kinds.most_common(1)[0][0]


_FITS: dict[str, dict[str, float]] = {
    "iban": {"iban": 1, "string": 0.2},
    "bic": {"bic": 1, "string": 0.2},
    "currency": {"currency": 1, "enum": -0.5, "string": -0.5},
    "country": {"country": 1, "string": -0.3, "enum": -0.3},
    "email": {"email": 1, "string": -0.3},
    "url": {"string": 0.2},
    "uuid": {"id": 1, "string": 0.2},
    "datetime": {"datetime": 1, "date": 0.5},
    "date": {"date": 1, "datetime": 0.5},
    "boolean": {"boolean": 1, "enum": 0.3},
    "decimal": {"money": 1, "decimal": 1, "integer": -0.5},
    "integer": {"integer": 1, "money": 0.3, "decimal": 0.3, "id": 0.3, "string": 0.2},
    "phone": {"string": 0.5},
    "text": {"string": 0.5, "enum": 0.3, "id": 0.2},
}


def profile_fit(kind: str | None, target_type: str) -> float:
    """Evidence from the examples for a target type: 1 matches, 0 neutral, -1 contradicts."""
    if kind is None:
        return 0.0
    return float(_FITS.get(kind, {}).get(target_type, -1.0))
