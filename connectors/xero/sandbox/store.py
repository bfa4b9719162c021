"""In-memory collections of Xero documents, with cached JSON and cached filtered views.

A document is kept in Xero's own JSON shape (Decimal amounts, Microsoft dates) and encoded
once; a page is the cached encodings joined, so serving page 90 of 100 costs a slice and a
join, not re-serialising the collection. Views (filters and order) are cached per collection
version and dropped when the collection changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.sandbox.jsonenc import dumps_bytes
from connectors.xero.sandbox.query import Condition, Sort, sort_key, value_at
from connectors.xero.wire import format_ms_datetime as ms_date

__all__ = ["Collection", "Page", "Record", "Spec", "Store", "ViewKey"]


@dataclass(frozen=True)
class Spec:
    """How Xero exposes one collection."""

    name: str  # our name, e.g. "credit_notes"
    path: str  # Xero's path segment and envelope key, e.g. "CreditNotes"
    id_field: str  # e.g. "CreditNoteID"
    paged: bool
    summary_drops: tuple[str, ...] = ()  # fields left out of unpaged lists
    number_field: str | None = None  # second identifier accepted by GET /{path}/{ident}
    envelope: str | None = None  # envelope key when it differs from `path`
    stamped: bool = True  # the documents carry UpdatedDateUTC
    archived_when: tuple[str, str] | None = None  # (field, value) hidden unless includeArchived

    def is_archived(self, doc: dict[str, Any]) -> bool:
        """True for a document that lists leave out unless `includeArchived=true`."""
        return (
            self.archived_when is not None
            and doc.get(self.archived_when[0]) == (self.archived_when[1])
        )

    @property
    def key(self) -> str:
        """The collection's key in response envelopes."""
        return self.envelope or self.path


class Record:
    """One document and its cached encodings."""

    __slots__ = ("_full", "_summary", "doc", "id", "seq", "updated")

    def __init__(self, ident: str, doc: dict[str, Any], updated: datetime, seq: int) -> None:
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

    conditions: tuple[Condition, ...] = ()
    order: tuple[Sort, ...] = ()
    modified_since: datetime | None = None
    include_archived: bool = True
    ids: frozenset[str] | None = None
    extra: tuple[tuple[str, frozenset[str]], ...] = ()  # (dotted field, allowed lower values)


@dataclass(frozen=True)
class Page:
    """A slice of a view: the encoded records and Xero's pagination numbers."""

    items: list[bytes]
    page: int
    page_size: int
    page_count: int
    item_count: int


@dataclass
class Collection:
    """The records of one kind, in insertion order."""

    spec: Spec
    records: dict[str, Record] = field(default_factory=dict)
    version: int = 0
    _views: dict[ViewKey, list[Record]] = field(default_factory=dict)
    _seq: int = 0

    def put(self, doc: dict[str, Any], updated: datetime) -> Record:
        """Insert or replace a document; its `UpdatedDateUTC` is set from `updated`."""
        ident = str(doc[self.spec.id_field])
        if self.spec.stamped:
            doc["UpdatedDateUTC"] = ms_date(updated)
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
        if self.spec.stamped:
            record.doc["UpdatedDateUTC"] = ms_date(updated)
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
        """Records matching `key`, in its order (default: UpdatedDateUTC, then insertion)."""
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
            by_field = sort_key(term.field)
            result.sort(key=lambda r, k=by_field: k(r.doc), reverse=term.descending)  # type: ignore[misc]
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


class Store:
    """Every collection of one organisation."""

    def __init__(self, specs: Iterable[Spec]) -> None:
        self.collections: dict[str, Collection] = {s.name: Collection(s) for s in specs}

    def __getitem__(self, name: str) -> Collection:
        return self.collections[name]
