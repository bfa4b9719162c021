"""The small part of Xero's `where=` and `order=` language the sandbox understands.

    where=Type=="ACCPAY" && Status=="AUTHORISED"
    where=Contact.ContactID==guid("...")  |  IsSupplier==true  |  ContactStatus=="ACTIVE"
    order=UpdatedDateUTC DESC, Name

Equality only, joined by `&&` (or `AND`); anything else is a `QueryParseError`, which the API
answers as Xero does, with a `QueryParseException`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.sandbox.store import value_at

__all__ = ["Condition", "QueryParseError", "Sort", "parse_order", "parse_where", "value_at"]


class QueryParseError(ValueError):
    """The `where` or `order` expression is outside what the sandbox supports."""


_FIELD = r"[A-Za-z][A-Za-z0-9_.]*"
_CONDITION = re.compile(
    rf"""^\s*(?P<field>{_FIELD})\s*(?P<op>==|!=)\s*(?:
        "(?P<string>[^"]*)"
        | guid\("(?P<guid>[0-9a-fA-F-]{{36}})"\)
        | (?P<bool>true|false)
        | (?P<number>-?\d+(?:\.\d+)?)
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:&&|\bAND\b)\s*", re.IGNORECASE)
_MS_DATE = re.compile(r"^/Date\((-?\d+)")


@dataclass(frozen=True)
class Condition:
    """`field == value` (or `!=`), compared case-insensitively for strings."""

    field: str
    value: Any
    negate: bool = False

    def matches(self, doc: dict[str, Any]) -> bool:
        """True when the document satisfies the condition."""
        actual = value_at(doc, self.field)
        if isinstance(self.value, str) and isinstance(actual, str):
            equal = actual.lower() == self.value.lower()
        elif isinstance(self.value, Decimal) and actual is not None:
            equal = Decimal(str(actual)) == self.value
        else:
            equal = actual == self.value
        return equal != self.negate


def parse_where(expression: str | None) -> tuple[Condition, ...]:
    """Conditions of a `where=` expression, all of which must hold."""
    if not expression or not expression.strip():
        return ()
    conditions = []
    for part in _AND.split(expression.strip()):
        match = _CONDITION.match(part)
        if match is None:
            raise QueryParseError(f"Unsupported where clause: {part.strip()!r}")
        value: Any
        if match.group("string") is not None:
            value = match.group("string")
        elif match.group("guid") is not None:
            value = match.group("guid").lower()
        elif match.group("bool") is not None:
            value = match.group("bool").lower() == "true"
        else:
            value = Decimal(match.group("number"))
        conditions.append(Condition(match.group("field"), value, match.group("op") == "!="))
    return tuple(conditions)


@dataclass(frozen=True)
class Sort:
    """One `order=` term."""

    field: str
    descending: bool

    def key(self, doc: dict[str, Any]) -> tuple[int, Any]:
        """The document's sort key for this term."""
        return sort_key(self.field)(doc)


def parse_order(expression: str | None) -> tuple[Sort, ...]:
    """Terms of an `order=` expression (`Field [ASC|DESC], ...`)."""
    if not expression or not expression.strip():
        return ()
    terms = []
    for part in expression.split(","):
        words = part.split()
        if not words or len(words) > 2 or not re.fullmatch(_FIELD, words[0]):
            raise QueryParseError(f"Unsupported order clause: {part.strip()!r}")
        direction = words[1].upper() if len(words) == 2 else "ASC"
        if direction not in ("ASC", "DESC"):
            raise QueryParseError(f"Unsupported order direction: {words[1]!r}")
        terms.append(Sort(words[0], direction == "DESC"))
    return tuple(terms)


def sort_key(field: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """A key function ordering documents by a field; missing values sort last."""

    def key(doc: dict[str, Any]) -> tuple[int, Any]:
        value = value_at(doc, field)
        if value is None:
            return (2, "")
        if isinstance(value, str):
            ms = _MS_DATE.match(value)
            return (0, int(ms.group(1))) if ms else (1, value.lower())
        if isinstance(value, bool):
            return (0, int(value))
        return (0, value)

    return key
