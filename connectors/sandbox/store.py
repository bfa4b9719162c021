"""In-memory collections of an ERP's documents, with cached JSON and cached filtered views.

A document is kept in the ERP's own JSON shape (Decimal amounts, the ERP's dates) and encoded
once; a page is the cached encodings joined, so serving page 90 of 100 costs a slice and a
join, not re-serialising the collection. Views (filters and order) are cached per collection
version and dropped when the collection changes.

What differs per ERP comes in through the collection's spec (`CollectionSpec`: its name, id
field, optional second identifier, what counts as archived and how a change is stamped on the
document) and the view's filters and orders (anything with `matches(doc)`, or `key(doc)` and
`descending`), which the ERP parses from its own query language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from connectors.sandbox.jsonenc import dumps_bytes

__all__ = [
    "Collection",
    "CollectionSpec",
    "Filter",
    "Order",
    "Page",
    "Record",
    "Store",
    "ViewKey",
    "value_at",
]

Doc = dict[str, Any]


def value_at(doc: Doc, path: str) -> Any:
    """The value at a dotted path of a document (None when absent)."""
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class CollectionSpec(Protocol):
    """What the store needs to know of one of the ERP's collections."""

    @property
    def name(self) -> str:
        """The collection's name in the store."""
        ...

    @property
    def id_field(self) -> str:
        """The document field holding its id."""
        ...

    @property
    def number_field(self) -> str | None:
        """A second identifier a document can be found by (an invoice number), or None."""
        ...

    def is_archived(self, doc: Doc) -> bool:
        """True for a document lists leave out unless archived ones are asked for."""
        ...

    def stamp(self, doc: Doc, updated: datetime) -> None:
        """Write the change time onto the document as the ERP does (or nothing)."""
        ...


class Filter(Protocol):
    """One condition of a view."""

    def matches(self, doc: Doc) -> bool:
        """True when the document passes."""
        ...


class Order(Protocol):
    """One ordering term of a view."""

    @property
    def descending(self) -> bool:
        """Largest first."""
        ...

    def key(self, doc: Doc) -> Any:
        """The document's sort key for this term."""
        ...


class Record:
    """One document and its cached encodings."""

    __slots__ = ("_full", "_summary", "doc", "id", "seq", "updated")

    def __init__(self, ident: str, doc: Doc, updated: datetime, seq: int) -> None:
        self.id = ident
        self.doc = doc
        self.updated = updated
        self.seq = seq
        self._full: bytes | None = None
        self._summary: bytes | None = None

    def encoded(self, drops: tuple[str, ...] = ()) -> bytes:
        """The document as JSON bytes, without the `drops` fields when given."""
        if not drops:
            if self._full is None:
                self._full = dumps_bytes(self.doc)
            return self._full
        if self._summary is None:
            self._summary = dumps_bytes({k: v for k, v in self.doc.items() if k not in drops})
        return self._summary

    def invalidate(self) -> None:
        """Forget the cached encodings after the document changed."""
        self._full = self._summary = None


@dataclass(frozen=True)
class ViewKey:
    """Everything a list request filters and orders by."""

    conditions: tuple[Filter, ...] = ()
    order: tuple[Order, ...] = ()
    modified_since: datetime | None = None
    include_archived: bool = True
    ids: frozenset[str] | None = None
    extra: tuple[tuple[str, frozenset[str]], ...] = ()  # (dotted field, allowed lower values)


@dataclass(frozen=True)
class Page:
    """A slice of a view: the encoded records and the page numbers."""

    items: list[bytes]
    page: int
    page_size: int
    page_count: int
    item_count: int


SpecT = TypeVar("SpecT", bound=CollectionSpec)


@dataclass
class Collection(Generic[SpecT]):
    """The records of one kind, in insertion order."""

    spec: SpecT
    records: dict[str, Record] = field(default_factory=dict)
    version: int = 0
    _views: dict[ViewKey, list[Record]] = field(default_factory=dict)
    _seq: int = 0

    def put(self, doc: Doc, updated: datetime) -> Record:
        """Insert or replace a document, stamped as changed at `updated`."""
        ident = str(doc[self.spec.id_field])
        self.spec.stamp(doc, updated)
        record = self.records.get(ident)
        if record is None:
            self._seq += 1
            record = Record(ident, doc, updated, self._seq)
            self.records[ident] = record
        else:
            record.doc, record.updated = doc, updated
            record.invalidate()
        self.changed()
        return record

    def touch(self, record: Record, updated: datetime) -> None:
        """Mark an edited document as changed at `updated`."""
        record.updated = updated
        self.spec.stamp(record.doc, updated)
        record.invalidate()
        self.changed()

    def changed(self) -> None:
        """Drop cached views after any change."""
        self.version += 1
        self._views.clear()

    def get(self, ident: str) -> Record | None:
        """A record by id (case-insensitive GUID) or by its number field."""
        record = self.records.get(ident) or self.records.get(ident.lower())
        if record is None and self.spec.number_field:
            for candidate in self.records.values():
                if candidate.doc.get(self.spec.number_field) == ident:
                    return candidate
        return record

    def view(self, key: ViewKey) -> list[Record]:
        """Records matching `key`, in its order (default: change time, then insertion)."""
        cached = self._views.get(key)
        if cached is not None:
            return cached
        rows: Iterable[Record] = self.records.values()
        if key.modified_since is not None:
            since = key.modified_since
            rows = (r for r in rows if r.updated >= since)
        if key.ids is not None:
            ids = key.ids
            rows = (r for r in rows if r.id.lower() in ids)
        if not key.include_archived:
            rows = (r for r in rows if not self.spec.is_archived(r.doc))
        for dotted, allowed in key.extra:
            rows = _where_in(rows, dotted, allowed)
        if key.conditions:
            conditions = key.conditions
            rows = (r for r in rows if all(c.matches(r.doc) for c in conditions))
        result = sorted(rows, key=lambda r: (r.updated, r.seq))
        for term in reversed(key.order):
            result.sort(key=lambda r, t=term: t.key(r.doc), reverse=term.descending)  # type: ignore[misc]
        if len(self._views) > 64:
            self._views.clear()
        self._views[key] = result
        return result

    def page(self, key: ViewKey, page: int, page_size: int) -> Page:
        """One page of a view (1-based); past the end is an empty page."""
        rows = self.view(key)
        start = (page - 1) * page_size
        items = [r.encoded() for r in rows[start : start + page_size]]
        count = len(rows)
        return Page(items, page, page_size, math.ceil(count / page_size) if count else 0, count)


def _where_in(rows: Iterable[Record], dotted: str, allowed: frozenset[str]) -> Iterable[Record]:
    return (r for r in rows if str(value_at(r.doc, dotted) or "").lower() in allowed)


class Store(Generic[SpecT]):
    """Every collection of one organisation (tenant, company), by the specs' names."""

    def __init__(self, specs: Iterable[SpecT]) -> None:
        self.collections: dict[str, Collection[SpecT]] = {s.name: Collection(s) for s in specs}

    def __getitem__(self, name: str) -> Collection[SpecT]:
        return self.collections[name]
