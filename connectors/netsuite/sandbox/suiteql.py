"""A SuiteQL subset for the sandbox: parse a query, run it over the store's tables.

Supported: `SELECT [DISTINCT] *|expr [AS alias], ... FROM table [alias]
[[INNER|LEFT [OUTER]] JOIN table [alias] ON cond]... [WHERE cond] [ORDER BY expr [ASC|DESC], ...]`
where expressions are columns (`t.col` or `col`), string and number literals, `NULL`,
`TO_CHAR(x[, fmt])`, `TO_DATE(s[, fmt])`, `TO_TIMESTAMP(s, fmt)`, `BUILTIN.DF(x)`, `NVL(a, b)`,
`UPPER(x)`, `LOWER(x)`; conditions are `= <> != < > <= >=`, `[NOT] IN (...)`,
`[NOT] BETWEEN a AND b`, `IS [NOT] NULL`, `[NOT] LIKE`, `AND`, `OR`, `NOT` and parentheses.
Anything else is a `SuiteQLError` (400 INVALID_PARAMETER, as NetSuite answers a bad query).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from connectors.netsuite.sandbox.sqltime import as_moment, parse_account_date, to_char, to_date

__all__ = ["Query", "SuiteQLError", "parse", "run"]

Env = tuple[Any, ...]
"""One joined row: the row of each table in FROM/JOIN order (None for an unmatched LEFT JOIN)."""
Expr = Callable[[Env], Any]
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][A-Za-z0-9_$]*)"
    r"|(?P<op><=|>=|<>|!=|\|\||[=<>(),.*]))"
)
_KEYWORDS = {
    "select",
    "distinct",
    "from",
    "where",
    "order",
    "by",
    "asc",
    "desc",
    "and",
    "or",
    "not",
    "in",
    "between",
    "is",
    "null",
    "like",
    "join",
    "inner",
    "left",
    "outer",
    "on",
    "as",
}


class SuiteQLError(ValueError):
    """A query the sandbox (like NetSuite) cannot run."""


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    text = text.strip().rstrip(";")
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if text[pos:].strip() == "":
                break
            raise SuiteQLError(f"Invalid search query: unexpected character at {pos}")
        pos = match.end()
        kind = match.lastgroup
        assert kind is not None
        out.append(_Tok(kind, match.group(kind)))
    return out


@dataclass
class _Column:
    alias: str | None
    name: str


@dataclass
class Query:
    """A parsed query."""

    select: list[tuple[str, Expr]] | None  # None: SELECT *
    distinct: bool
    tables: list[tuple[str, str, str, Expr | None, tuple[str, str, str, str] | None]]
    where: list[tuple[frozenset[str], Expr]]
    order: list[tuple[Expr, bool]]
    key_after: tuple[str, Decimal] | None = None
    """`(op, n)` of a `key > n` / `key >= n` condition on the leading ORDER BY key, taken out
    of `where` so that the rest of the query (its `shape`) can be cached and paged by key."""
    shape: str = ""


class _Parser:
    def __init__(self, text: str, zone: ZoneInfo, columns: Callable[[str], set[str]]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.zone = zone
        self.columns = columns
        self.aliases: dict[str, str] = {}  # alias -> table
        self.used: set[str] = set()
        self.unnamed = 0

    # -- token helpers -------------------------------------------------------------------
    def peek(self, offset: int = 0) -> _Tok | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def word(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "id" and tok.text.lower() in words

    def op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text in ops

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise SuiteQLError("Invalid search query: unexpected end of query")
        self.i += 1
        return tok

    def expect_word(self, word: str) -> None:
        if not self.word(word):
            found = self.peek()
            raise SuiteQLError(
                f"Invalid search query: expected {word.upper()}, found "
                f"{found.text if found else 'end of query'}"
            )
        self.i += 1

    def expect_op(self, op: str) -> None:
        if not self.op(op):
            found = self.peek()
            raise SuiteQLError(
                f"Invalid search query: expected '{op}', found "
                f"{found.text if found else 'end of query'}"
            )
        self.i += 1

    # -- grammar -------------------------------------------------------------------------
    def query(self) -> Query:
        self.expect_word("select")
        distinct = False
        if self.word("distinct"):
            self.i += 1
            distinct = True
        start = self.i
        depth = 0
        while self.peek() is not None and not (depth == 0 and self.word("from")):
            if self.op("("):
                depth += 1
            elif self.op(")"):
                depth -= 1
            self.i += 1
        select_end = self.i
        self.expect_word("from")
        tables = [self.table_ref(None)]
        while self.word("join", "inner", "left"):
            left = self.word("left")
            if self.word("inner", "left"):
                self.i += 1
                if self.word("outer"):
                    self.i += 1
            self.expect_word("join")
            table, alias = self.table_name()
            self.aliases[alias] = table
            self.expect_word("on")
            on = self.condition()
            tables.append((table, alias, "left" if left else "inner", on[1], on[2]))
        where: list[tuple[frozenset[str], Expr]] = []
        if self.word("where"):
            self.i += 1
            where = self.conjuncts()
        order: list[tuple[Expr, bool]] = []
        order_columns: list[tuple[str, str] | None] = []
        if self.word("order"):
            self.i += 1
            self.expect_word("by")
            while True:
                expr, _ = self.expr()
                order_columns.append(self._last_column)
                descending = False
                if self.word("asc", "desc"):
                    descending = self.take().text.lower() == "desc"
                order.append((expr, descending))
                if not self.op(","):
                    break
                self.i += 1
        if self.peek() is not None:
            raise SuiteQLError(f"Invalid search query: unexpected {self.take().text!r}")
        end = self.i
        self.i = start
        select = self.select_list(select_end)
        self.i = end
        key_after, shape = None, [t.text for t in self.toks]
        if order and not order[0][1] and order_columns[0] is not None:
            for conjunct in where:
                key = getattr(conjunct[1], "key_range", None)
                if key is not None and key[0] == order_columns[0]:
                    where.remove(conjunct)
                    key_after = (key[1], key[2])
                    shape[key[3]] = "?"
                    break
        return Query(select, distinct, tables, where, order, key_after, " ".join(shape))

    def table_name(self) -> tuple[str, str]:
        tok = self.take()
        if tok.kind != "id":
            raise SuiteQLError(f"Invalid search query: expected a table, found {tok.text!r}")
        table = tok.text.lower()
        if table not in self.columns("") and self.columns(table) == set():
            raise SuiteQLError(f"Invalid search query: Record '{tok.text}' was not found.")
        alias = table
        nxt = self.peek()
        if self.word("as"):
            self.i += 1
            nxt = self.peek()
        if nxt is not None and nxt.kind == "id" and nxt.text.lower() not in _KEYWORDS:
            alias = self.take().text.lower()
        return table, alias

    def table_ref(
        self, _: None
    ) -> tuple[str, str, str, Expr | None, tuple[str, str, str, str] | None]:
        table, alias = self.table_name()
        self.aliases[alias] = table
        return table, alias, "from", None, None

    def select_list(self, end: int) -> list[tuple[str, Expr]] | None:
        if self.op("*") and self.i + 1 == end:
            self.i += 1
            return None
        items: list[tuple[str, Expr]] = []
        while self.i < end:
            expr, name = self.expr()
            if self.word("as"):
                self.i += 1
                name = self.take().text.lower()
            elif self.i < end and self.peek() is not None and self.peek().kind == "id":  # type: ignore[union-attr]
                name = self.take().text.lower()
            if name is None:
                self.unnamed += 1
                name = f"expr{self.unnamed}"
            items.append((name, expr))
            if self.i < end:
                self.expect_op(",")
        return items

    def conjuncts(self) -> list[tuple[frozenset[str], Expr]]:
        terms = [self.and_term()]
        while self.word("or"):
            self.i += 1
            terms.append(self.and_term())
        if len(terms) == 1:
            return list(terms[0][1])
        refs = frozenset().union(*(t[0] for t in terms))
        funcs = [self.combine_and(t) for t in terms]
        return [(refs, lambda env: any(f(env) for f in funcs))]

    def and_term(self) -> Any:
        terms: list[tuple[frozenset[str], Expr]] = [self.not_term()]
        while self.word("and"):
            self.i += 1
            terms.append(self.not_term())
        refs = frozenset().union(*(t[0] for t in terms))
        return refs, terms

    @staticmethod
    def combine_and(term: Any) -> Expr:
        funcs: list[Expr] = [t[1] for t in term[1]]
        if len(funcs) == 1:
            return funcs[0]
        return lambda env: all(f(env) for f in funcs)

    def condition(self) -> tuple[frozenset[str], Expr, tuple[str, str, str, str] | None]:
        terms = [self.and_term()]
        while self.word("or"):
            self.i += 1
            terms.append(self.and_term())
        refs = frozenset().union(*(t[0] for t in terms))
        funcs = [self.combine_and(t) for t in terms]
        equi: tuple[str, str, str, str] | None = None
        if len(terms) == 1 and len(terms[0][1]) == 1:
            equi = getattr(terms[0][1][0][1], "equi", None)
        if len(funcs) == 1:
            return refs, funcs[0], equi
        return refs, (lambda env: any(f(env) for f in funcs)), None

    def not_term(self) -> tuple[frozenset[str], Expr]:
        if self.word("not"):
            self.i += 1
            refs, inner = self.not_term()
            return refs, lambda env: not inner(env)
        if self.op("(") and self._is_condition_group():
            self.i += 1
            refs, expr, _ = self.condition()
            self.expect_op(")")
            return refs, expr
        return self.predicate()

    def _is_condition_group(self) -> bool:
        depth, j = 0, self.i
        while j < len(self.toks):
            tok = self.toks[j]
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and (
                (tok.kind == "op" and tok.text in {"=", "<", ">", "<=", ">=", "<>", "!="})
                or (
                    tok.kind == "id"
                    and tok.text.lower() in {"and", "or", "in", "is", "like", "between", "not"}
                )
            ):
                return True
            j += 1
        return False

    def predicate(self) -> tuple[frozenset[str], Expr]:
        before = set(self.used)
        self.used = set()
        left, _ = self.expr()
        negate = False
        if self.word("not"):
            self.i += 1
            negate = True
        result: Expr
        if self.word("in"):
            self.i += 1
            self.expect_op("(")
            values = [self.expr()[0]]
            while self.op(","):
                self.i += 1
                values.append(self.expr()[0])
            self.expect_op(")")
            result = lambda env: _in(left(env), [v(env) for v in values], self.zone)  # noqa: E731
        elif self.word("between"):
            self.i += 1
            low, _ = self.expr()
            self.expect_word("and")
            high, _ = self.expr()
            result = lambda env: (  # noqa: E731
                _cmp(left(env), low(env), ">=", self.zone)
                and _cmp(left(env), high(env), "<=", self.zone)
            )
        elif self.word("is"):
            self.i += 1
            is_not = False
            if self.word("not"):
                self.i += 1
                is_not = True
            self.expect_word("null")
            result = (
                (lambda env: left(env) is not None) if is_not else (lambda env: left(env) is None)
            )
        elif self.word("like"):
            self.i += 1
            pattern, _ = self.expr()
            result = lambda env: _like(left(env), pattern(env))  # noqa: E731
        elif self.op("=", "<", ">", "<=", ">=", "<>", "!="):
            op = self.take().text
            left_col = self._last_column
            literal_at = self.i
            right, _ = self.expr()
            right_col = self._last_column
            compared: Any = _comparison(left, right, op, self.zone)
            result = compared
            if op == "=" and left_col and right_col and left_col[0] != right_col[0]:
                compared.equi = (*left_col, *right_col)
            literal = self.toks[literal_at]
            if (
                op in (">", ">=")
                and left_col
                and literal.kind == "num"
                and self.i == literal_at + 1
            ):
                compared.key_range = (left_col, op, Decimal(literal.text), literal_at)
        else:
            found = self.peek()
            raise SuiteQLError(
                f"Invalid search query: expected a comparison, found "
                f"{found.text if found else 'end of query'}"
            )
        refs = frozenset(self.used)
        self.used = before | self.used
        if negate:
            inner = result
            return refs, lambda env: not inner(env)
        return refs, result

    _last_column: tuple[str, str] | None = None

    def expr(self) -> tuple[Expr, str | None]:
        self._last_column = None
        tok = self.take()
        if tok.kind == "str":
            literal = tok.text[1:-1].replace("''", "'")
            return (lambda env: literal), None
        if tok.kind == "num":
            number = Decimal(tok.text)
            return (lambda env: number), None
        if tok.kind == "op" and tok.text == "(":
            inner, name = self.expr()
            self.expect_op(")")
            return inner, name
        if tok.kind != "id":
            raise SuiteQLError(f"Invalid search query: unexpected {tok.text!r}")
        word = tok.text.lower()
        if word == "null":
            return (lambda env: None), None
        if self.op("(") or (word == "builtin" and self.op(".")):
            return self.function(word), None
        if self.op("."):
            self.i += 1
            col_tok = self.take()
            alias, column = word, col_tok.text.lower()
            if alias not in self.aliases:
                raise SuiteQLError(f"Invalid search query: unknown table alias {tok.text!r}")
        else:
            alias, column = self._owner(word), word
        self._check_column(alias, column)
        self.used.add(alias)
        self._last_column = (alias, column)
        position = list(self.aliases).index(alias)

        def column_value(env: Env) -> Any:
            row = env[position] if position < len(env) else None
            return None if row is None else row.get(column)

        return column_value, column

    def _owner(self, column: str) -> str:
        owners = [a for a, t in self.aliases.items() if column in self.columns(t)]
        if owners:
            return owners[0]
        if len(self.aliases) == 1:
            return next(iter(self.aliases))
        raise SuiteQLError(f"Invalid search query: Field '{column}' was not found.")

    def _check_column(self, alias: str, column: str) -> None:
        known = self.columns(self.aliases[alias])
        if known and column not in known:
            raise SuiteQLError(
                f"Invalid search query: Field '{column}' for record "
                f"'{self.aliases[alias]}' was not found."
            )

    def function(self, name: str) -> Expr:
        if name == "builtin":
            self.expect_op(".")
            name = "builtin." + self.take().text.lower()
        self.expect_op("(")
        args: list[Expr] = []
        if not self.op(")"):
            args.append(self.expr()[0])
            while self.op(","):
                self.i += 1
                args.append(self.expr()[0])
        self.expect_op(")")
        zone = self.zone
        if name == "to_char" and len(args) in (1, 2):
            value = args[0]
            fmt = args[1] if len(args) == 2 else (lambda env: None)
            return lambda env: to_char(value(env), fmt(env), zone)
        if name in ("to_date", "to_timestamp") and len(args) in (1, 2):
            text = args[0]
            fmt = args[1] if len(args) == 2 else (lambda env: None)

            def parse_date(env: Env) -> Any:
                raw = text(env)
                if raw is None or isinstance(raw, date):
                    return raw
                try:
                    return to_date(str(raw), fmt(env), zone)
                except ValueError as exc:
                    raise SuiteQLError(f"Invalid search query: {exc}") from exc

            return parse_date
        if name == "builtin.df" and len(args) == 1:
            arg = args[0]
            return lambda env: _display(arg(env), zone)
        if name == "nvl" and len(args) == 2:
            first, second = args
            return lambda env: v if (v := first(env)) is not None else second(env)
        if name in ("upper", "lower") and len(args) == 1:
            arg, method = args[0], str.upper if name == "upper" else str.lower
            return lambda env: None if (v := arg(env)) is None else method(str(v))
        raise SuiteQLError(f"Invalid search query: unsupported function {name.upper()}")


def _display(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, date):
        return to_char(value, None, zone)
    return None if value is None else str(value)


def _coerce(left: Any, right: Any, zone: ZoneInfo) -> tuple[Any, Any]:
    if isinstance(left, date) or isinstance(right, date):
        if isinstance(left, str):
            left = parse_account_date(left)
        if isinstance(right, str):
            right = parse_account_date(right)
        if isinstance(left, datetime) or isinstance(right, datetime):
            return as_moment(left, zone), as_moment(right, zone)
        return left, right
    if isinstance(left, int | Decimal) and isinstance(right, str):
        right = _number(right)
    elif isinstance(right, int | Decimal) and isinstance(left, str):
        left = _number(left)
    return left, right


def _number(text: str) -> Any:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _cmp(left: Any, right: Any, op: str, zone: ZoneInfo) -> bool:
    if left is None or right is None:
        return False
    try:
        a, b = _coerce(left, right, zone)
        return _OPS[op](a, b)
    except (TypeError, ValueError) as exc:
        raise SuiteQLError(f"Invalid search query: cannot compare {left!r} and {right!r}") from exc


def _comparison(left: Expr, right: Expr, op: str, zone: ZoneInfo) -> Any:
    # The comparison is a callable object so the parser can note what it compares on it.
    def compare(env: Env) -> bool:
        return _cmp(left(env), right(env), op, zone)

    return compare


def _in(value: Any, options: Sequence[Any], zone: ZoneInfo) -> bool:
    return any(_cmp(value, option, "=", zone) for option in options)


def _like(value: Any, pattern: Any) -> bool:
    if value is None or pattern is None:
        return False
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in str(pattern))
    return re.fullmatch(regex, str(value), re.IGNORECASE | re.DOTALL) is not None


def parse(text: str, zone: ZoneInfo, columns: Callable[[str], set[str]]) -> Query:
    """Parse a query; `columns(table)` names a table's columns (empty set: unknown table,
    `columns("")`: every table)."""
    if not text or not text.strip():
        raise SuiteQLError("Invalid search query: the query is empty")
    return _Parser(text, zone, columns).query()


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (1, 0)
    if isinstance(value, datetime):
        return (0, value.timestamp())
    if isinstance(value, date):
        return (0, value.toordinal())
    if isinstance(value, int | Decimal):
        return (0, value)
    return (0, str(value))


def run(query: Query, table: Callable[[str], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every result row of a query, ordered."""
    result = run_keyed(query, table)
    return result.rows(start_after(result.keys, query.key_after))


def start_after(keys: Sequence[Any], key_after: tuple[str, Decimal] | None) -> int:
    """Where the rows after a `key > n` (or `>= n`) condition start, in rows sorted by key."""
    if key_after is None:
        return 0
    op, value = key_after
    finder = bisect.bisect_right if op == ">" else bisect.bisect_left
    return finder(keys, value, key=lambda k: _sort_key(k)[1] if k is not None else value + 1)


@dataclass(frozen=True)
class Result:
    """A query's joined, filtered and ordered rows, projected (SELECT) only when read."""

    envs: list[Env]
    keys: list[Any]
    project: Callable[[Env], dict[str, Any]]

    def __len__(self) -> int:
        return len(self.envs)

    def rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        """The selected columns of rows `start` to `stop`."""
        return [self.project(env) for env in self.envs[start:stop]]


def run_keyed(
    query: Query,
    table: Callable[[str], list[dict[str, Any]]],
    index_of: Callable[[str, str], dict[Any, list[dict[str, Any]]]] | None = None,
) -> Result:
    """Every result row of a query, ordered, with each row's leading ORDER BY value."""
    first_table, first_alias = query.tables[0][0], query.tables[0][1]
    pending = list(query.where)
    available = {first_alias}
    positions = {t[1]: n for n, t in enumerate(query.tables)}
    envs: list[Env] = [(row,) for row in table(first_table)]
    envs = _filter(envs, pending, available)
    for name, alias, how, on, equi in query.tables[1:]:
        available.add(alias)
        rows = table(name)
        joined: list[Env] = []
        join_index: dict[Any, list[dict[str, Any]]] | None = None
        outer_key: tuple[str, str] | None = None
        if equi is not None:
            a1, c1, a2, c2 = equi
            inner_col = c1 if a1 == alias else c2 if a2 == alias else None
            outer_key = (a2, c2) if a1 == alias else (a1, c1) if a2 == alias else None
            if inner_col is not None and outer_key is not None:
                if index_of is not None:
                    join_index = index_of(name, inner_col)
                else:
                    join_index = {}
                    for candidate in rows:
                        key = candidate.get(inner_col)
                        if key is not None:
                            join_index.setdefault(_sort_key(key)[1], []).append(candidate)
        for env in envs:
            if join_index is not None and outer_key is not None:
                outer = env[positions[outer_key[0]]]
                value = outer.get(outer_key[1]) if outer is not None else None
                candidates = join_index.get(_sort_key(value)[1], []) if value is not None else []
                # The index answered the ON condition, which is exactly this equality.
                matched = candidates
            else:
                matched = [r for r in rows if on is None or on((*env, r))]
            if matched:
                joined.extend((*env, r) for r in matched)
            elif how == "left":
                joined.append((*env, None))
        envs = _filter(joined, pending, available)
    for _, expr in pending:
        envs = [env for env in envs if expr(env)]
    for expr, descending in reversed(query.order):
        envs.sort(key=lambda env: _sort_key(expr(env)), reverse=descending)
    leading = query.order[0][0] if query.order else None
    select = query.select

    def project(env: Env) -> dict[str, Any]:
        if select is None:
            row: dict[str, Any] = {}
            for alias_row in env:
                if alias_row is not None:
                    row.update(alias_row)
            return row
        return {name: expr(env) for name, expr in select}

    if query.distinct:
        kept: list[Env] = []
        seen: set[tuple[Any, ...]] = set()
        for env in envs:
            row = project(env)
            marker = tuple(sorted((k, str(v)) for k, v in row.items()))
            if marker not in seen:
                seen.add(marker)
                kept.append((*env, row))
        envs = kept

        def project(env: Env) -> dict[str, Any]:
            return dict(env[-1])

    keys = [leading(env) for env in envs] if leading is not None else []
    return Result(envs, keys, project)


def _filter(
    envs: list[Env], pending: list[tuple[frozenset[str], Expr]], available: set[str]
) -> list[Env]:
    ready = [expr for refs, expr in pending if refs <= available]
    pending[:] = [(refs, expr) for refs, expr in pending if not refs <= available]
    for expr in ready:
        envs = [env for env in envs if expr(env)]
    return envs
