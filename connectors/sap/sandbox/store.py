"""In-memory tables of the SAP sandbox: rows by key in key order, with join indexes.

Rows are dicts of Python values (see `wire`). Each table keeps its keys sorted (SAP Gateway
answers in key order without `$orderby`) and remembers the last filtered, ordered key lists it
computed, so that following a `__next` link does not filter the whole table again.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from connectors.sap.sandbox.edm import EntitySet, Nav, Service

__all__ = ["Row", "Store", "Table"]

Row = dict[str, Any]
Key = tuple[Any, ...]
_CACHE = 8


def _sortable(value: Any) -> tuple[int, Any]:
    # None sorts first, as an empty value does in ABAP.
    return (0, "") if value is None else (1, value)


def _by(rows: dict[Key, Row], name: str) -> Callable[[Key], tuple[int, Any]]:
    return lambda key: _sortable(rows[key][name])


class Table:
    """One entity set's rows."""

    def __init__(self, es: EntitySet) -> None:
        self.es = es
        self.rows: dict[Key, Row] = {}
        self._sorted: list[Key] = []
        self._indexes: dict[tuple[str, ...], dict[Key, list[Key]]] = {}
        self._queries: OrderedDict[tuple[str, str], list[Key]] = OrderedDict()
        self.version = 0

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: Key) -> Row | None:
        """The row with this key, or None."""
        return self.rows.get(key)

    def put(self, row: Row) -> Row:
        """Insert or replace a row (every declared property present, None when empty)."""
        full = {p.name: row.get(p.name) for p in self.es.props}
        key = self.es.key_of(full)
        old = self.rows.get(key)
        if old is not None:
            self._unindex(key, old)
        elif not self._sorted or key > self._sorted[-1]:
            self._sorted.append(key)
        else:
            bisect.insort(self._sorted, key)
        self.rows[key] = full
        self._index(key, full)
        self._changed()
        return full

    def delete(self, key: Key) -> Row | None:
        """Remove a row; returns it (None if it was not there)."""
        row = self.rows.pop(key, None)
        if row is not None:
            self._sorted.pop(bisect.bisect_left(self._sorted, key))
            self._unindex(key, row)
            self._changed()
        return row

    def clear(self) -> None:
        """No rows."""
        self.rows.clear()
        self._sorted.clear()
        self._indexes.clear()
        self._changed()

    def touch(self) -> None:
        """Forget cached query results after rows were changed in place."""
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._queries.clear()

    def in_key_order(self) -> Iterator[Row]:
        """Every row, in key order."""
        rows = self.rows
        return (rows[k] for k in self._sorted)

    def select(
        self,
        cache_key: tuple[str, str],
        predicate: Callable[[Row], bool],
        order: list[tuple[str, bool]],
    ) -> list[Key]:
        """Keys of the rows matching, ordered; the result is cached until the table changes."""
        cached = self._queries.get(cache_key)
        if cached is not None:
            self._queries.move_to_end(cache_key)
            return cached
        rows = self.rows
        keys = [k for k in self._sorted if predicate(rows[k])]
        for name, descending in reversed(order):
            keys.sort(key=_by(rows, name), reverse=descending)
        self._queries[cache_key] = keys
        if len(self._queries) > _CACHE:
            self._queries.popitem(last=False)
        return keys

    def _index(self, key: Key, row: Row) -> None:
        for fields, index in self._indexes.items():
            index.setdefault(tuple(row[f] for f in fields), []).append(key)

    def _unindex(self, key: Key, row: Row) -> None:
        for fields, index in self._indexes.items():
            bucket = index.get(tuple(row[f] for f in fields))
            if bucket and key in bucket:
                bucket.remove(key)

    def lookup(self, fields: tuple[str, ...], values: Key) -> list[Row]:
        """Rows whose `fields` equal `values`, in key order (indexed on first use)."""
        index = self._indexes.get(fields)
        if index is None:
            index = {}
            for key in self._sorted:
                row = self.rows[key]
                index.setdefault(tuple(row[f] for f in fields), []).append(key)
            self._indexes[fields] = index
        return [self.rows[k] for k in sorted(index.get(values, ()))]


class Store:
    """Every table of every service, addressed by (service name, entity set name)."""

    def __init__(self, services: Iterable[Service]) -> None:
        self.lock = threading.RLock()
        self.services = {svc.name: svc for svc in services}
        self.tables: dict[tuple[str, str], Table] = {
            (svc.name, es.name): Table(es) for svc in self.services.values() for es in svc.sets
        }

    def table(self, service: str, entity_set: str) -> Table:
        """The table of one entity set."""
        return self.tables[(service, entity_set)]

    def follow(self, service: str, es: EntitySet, nav: Nav, row: Row) -> list[Row]:
        """The rows a navigation reaches from `row`."""
        values = tuple(row.get(src) for src, _ in nav.pairs)
        if any(v in (None, "") for v in values):
            return []
        target = self.table(service, nav.target)
        return target.lookup(tuple(dst for _, dst in nav.pairs), values)

    def clear(self) -> None:
        """Empty every table."""
        for table in self.tables.values():
            table.clear()

    def snapshot(self) -> dict[tuple[str, str], tuple[dict[Key, Row], list[Key]]]:
        """What every table holds now (rows are replaced, not edited, by writes)."""
        with self.lock:
            return {name: (dict(t.rows), list(t._sorted)) for name, t in self.tables.items()}

    def restore(self, snapshot: dict[tuple[str, str], tuple[dict[Key, Row], list[Key]]]) -> None:
        """Back to a snapshot (a change set that failed is undone)."""
        with self.lock:
            for name, (rows, ordered) in snapshot.items():
                table = self.tables[name]
                table.rows, table._sorted = dict(rows), list(ordered)
                table._indexes.clear()
                table.touch()
