"""OData V2 system query options for the SAP sandbox: `$filter`, `$orderby`, keys and paging.

`$filter` supports what SAP Gateway clients send: `eq ne gt ge lt le`, `and or not`, parentheses,
`substringof`, `startswith`, `endswith`, `tolower`, `toupper`, and literals of every Edm type the
sandbox declares (`datetime'…'`, `datetimeoffset'…'`, `time'PT…'`, `guid'…'`, `12.5M`, strings).
Comparisons are type-checked against the property, as Gateway does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from connectors.sap.sandbox.edm import EntitySet, Prop
from connectors.sap.sandbox.wire import ODataValueError, parse_literal

__all__ = [
    "Predicate",
    "QueryError",
    "closing_paren",
    "compile_filter",
    "order_key",
    "parse_key_predicate",
    "split_top_level",
]

Row = dict[str, Any]
Predicate = Callable[[Row], bool]
_Value = Callable[[Row], Any]


class QueryError(ValueError):
    """A query option SAP Gateway would refuse with 400 (the message says what and where)."""


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<str>'(?:[^']|'')*')"
    r"|(?P<pre>(?:datetimeoffset|datetime|time|guid)'[^']*')"
    r"|(?P<num>-?\d+(?:\.\d+)?[MmLlDdFf]?(?![\w.]))"
    r"|(?P<ident>[A-Za-z_][\w/]*)"
    r"|(?P<punct>[(),])"
    r")",
    re.IGNORECASE,
)
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}
_FUNCTIONS = {"substringof", "startswith", "endswith", "tolower", "toupper"}
_ACCEPTS: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "Guid": (str,),
    "Decimal": (Decimal, int),
    "Int32": (int,),
    "DateTime": (datetime,),
    "DateTimeOffset": (datetime,),
    "Time": (time,),
    "Boolean": (bool,),
}


@dataclass
class _Operand:
    value: _Value
    prop: Prop | None = None
    literal: bool = False
    constant: Any = None


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise QueryError(f"Invalid token at position {pos + 1} of $filter: {text[pos:]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, es: EntitySet, text: str) -> None:
        self.es, self.tokens, self.pos = es, _tokens(text), 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise QueryError("Unexpected end of $filter expression")
        if expected is not None and token[1].lower() != expected:
            raise QueryError(f"Expected '{expected}' in $filter, found '{token[1]}'")
        self.pos += 1
        return token

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token and token[0] == "ident" and token[1].lower() in words:
            self.pos += 1
            return token[1].lower()
        return None

    def parse(self) -> Predicate:
        expr = self.or_expr()
        if self.peek() is not None:
            raise QueryError(f"Unexpected '{self.peek()[1]}' in $filter")  # type: ignore[index]
        return _as_predicate(expr)

    def or_expr(self) -> _Operand:
        left = self.and_expr()
        while self.keyword("or"):
            left = _Operand(_either(_as_predicate(left), _as_predicate(self.and_expr())))
        return left

    def and_expr(self) -> _Operand:
        left = self.not_expr()
        while self.keyword("and"):
            left = _Operand(_both(_as_predicate(left), _as_predicate(self.not_expr())))
        return left

    def not_expr(self) -> _Operand:
        if self.keyword("not"):
            inner = _as_predicate(self.not_expr())
            return _Operand(lambda r: not inner(r))
        return self.comparison()

    def comparison(self) -> _Operand:
        left = self.operand()
        op = self.keyword(*_COMPARISONS)
        if op is None:
            return left
        right = self.operand()
        _check_types(left, right, op)
        compare, lv, rv = _COMPARISONS[op], left.value, right.value
        return _Operand(lambda r: bool(compare(lv(r), rv(r))))

    def operand(self) -> _Operand:
        kind, text = self.take()
        if kind == "punct" and text == "(":
            inner = self.or_expr()
            self.take(")")
            return inner
        if kind in ("str", "pre", "num"):
            return _constant(text)
        if kind == "ident":
            lowered = text.lower()
            if lowered in ("true", "false", "null"):
                return _constant(lowered)
            nxt = self.peek()
            if lowered in _FUNCTIONS and nxt is not None and nxt[1] == "(":
                return self.function(lowered)
            prop = self.es.by_name.get(text)
            if prop is None:
                raise QueryError(f"Property '{text}' not found in type '{self.es.type_name}'")
            name = prop.name
            return _Operand(lambda r: r.get(name), prop=prop)
        raise QueryError(f"Unexpected '{text}' in $filter")

    def function(self, name: str) -> _Operand:
        self.take("(")
        args = [self.operand()]
        while self.peek() is not None and self.peek()[1] == ",":  # type: ignore[index]
            self.take(",")
            args.append(self.operand())
        self.take(")")
        wanted = 1 if name in ("tolower", "toupper") else 2
        if len(args) != wanted:
            raise QueryError(f"Function '{name}' takes {wanted} argument(s)")
        values = [a.value for a in args]
        if name == "tolower":
            return _Operand(lambda r: _text(values[0](r)).lower(), prop=args[0].prop)
        if name == "toupper":
            return _Operand(lambda r: _text(values[0](r)).upper(), prop=args[0].prop)
        first, second = values
        if name == "substringof":
            return _Operand(lambda r: _text(first(r)) in _text(second(r)))
        if name == "startswith":
            return _Operand(lambda r: _text(first(r)).startswith(_text(second(r))))
        return _Operand(lambda r: _text(first(r)).endswith(_text(second(r))))


def _either(a: Predicate, c: Predicate) -> Predicate:
    return lambda r: a(r) or c(r)


def _both(a: Predicate, c: Predicate) -> Predicate:
    return lambda r: a(r) and c(r)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _constant(text: str) -> _Operand:
    try:
        value = parse_literal(text)
    except ODataValueError as exc:
        raise QueryError(str(exc)) from exc
    return _Operand(lambda _r: value, literal=True, constant=value)


def _as_predicate(operand: _Operand) -> Predicate:
    value = operand.value
    return lambda r: bool(value(r))


def _check_types(left: _Operand, right: _Operand, op: str) -> None:
    for prop_side, lit_side in ((left, right), (right, left)):
        if prop_side.prop is None or not lit_side.literal or lit_side.constant is None:
            continue
        accepted = _ACCEPTS[prop_side.prop.type]
        constant = lit_side.constant
        if isinstance(constant, bool) and bool not in accepted:
            ok = False
        else:
            ok = isinstance(constant, accepted)
        if not ok:
            raise QueryError(
                f"Invalid parametertype used at function '{op}' "
                f"(property '{prop_side.prop.name}' is Edm.{prop_side.prop.type})"
            )


def compile_filter(es: EntitySet, text: str) -> Predicate:
    """A predicate over stored rows for a `$filter` expression (QueryError when invalid)."""
    if not text.strip():
        return lambda _r: True
    return _Parser(es, text).parse()


def _depths(text: str) -> Iterator[tuple[int, str, int]]:
    """(index, char, depth) for every character outside quotes."""
    depth, quoted = 0, False
    for index, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            yield index, char, depth


def closing_paren(text: str) -> int:
    """Index of the `)` closing the `(` that starts `text` (quotes respected), or -1."""
    for index, char, depth in _depths(text):
        if char == ")" and depth == 0:
            return index
    return -1


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """`text` split at `sep` outside quotes and parentheses."""
    parts: list[str] = []
    start = 0
    for index, char, depth in _depths(text):
        if depth == 0 and char == sep:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_key_predicate(es: EntitySet, text: str) -> tuple[Any, ...]:
    """The key tuple of `'100'` or `SupplierInvoice='51',FiscalYear='2025'` (QueryError)."""
    parts = split_top_level(text)
    values: dict[str, Any] = {}
    if len(parts) == 1 and "=" not in parts[0].split("'")[0] and len(es.keys) == 1:
        values[es.keys[0]] = parts[0]
    else:
        for part in parts:
            name, sep, raw = part.partition("=")
            if not sep or name.strip() not in es.keys:
                raise QueryError(f"Invalid key predicate '{text}' for '{es.name}'")
            values[name.strip()] = raw.strip()
    if set(values) != set(es.keys):
        raise QueryError(f"Key predicate '{text}' of '{es.name}' must name {', '.join(es.keys)}")
    key: list[Any] = []
    for name in es.keys:
        try:
            value = parse_literal(values[name])
        except ODataValueError as exc:
            raise QueryError(f"Invalid key value for '{name}': {exc}") from exc
        accepted = _ACCEPTS[es.by_name[name].type]
        if value is None or not isinstance(value, accepted):
            raise QueryError(f"Invalid key value for '{name}' of '{es.name}'")
        key.append(value)
    return tuple(key)


def order_key(es: EntitySet, text: str) -> list[tuple[str, bool]]:
    """`$orderby` as [(property, descending)] (QueryError for unknown properties)."""
    out: list[tuple[str, bool]] = []
    for part in split_top_level(text):
        name, _, direction = part.partition(" ")
        direction = direction.strip().lower()
        if name not in es.by_name or direction not in ("", "asc", "desc"):
            raise QueryError(f"Invalid $orderby '{part}' for '{es.type_name}'")
        out.append((name, direction == "desc"))
    return out
