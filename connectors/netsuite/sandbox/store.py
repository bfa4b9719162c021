"""The NetSuite sandbox's data: records by type, derived SuiteQL tables, the deleted-record log."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from connectors.netsuite.sandbox.catalog import KINDS, RecordKind
from connectors.netsuite.sandbox.config import NetSuiteSandboxConfig
from connectors.netsuite.sandbox.rows import Row, entity_rows, simple_row, transaction_rows
from connectors.netsuite.sandbox.seed import CUSTOM_FIELDS, seed

__all__ = ["NetSuiteStore", "Record"]

Record = dict[str, Any]
_ENTITY_KINDS = ("vendor", "customer")
_PAYMENT_KINDS = ("vendorPayment", "customerPayment")
_TRANSACTION_START = 1000
_ENTITY_START = 100


def _now() -> datetime:
    return datetime.now(UTC)


class NetSuiteStore:
    """Every record of the account, with the SuiteQL tables derived from them; thread-safe."""

    def __init__(self, config: NetSuiteSandboxConfig, clock: Callable[[], datetime] = _now) -> None:
        self.config = config
        self.zone = ZoneInfo(config.time_zone)
        self.clock = clock
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Back to the seeded data."""
        with self.lock:
            self.records: dict[str, dict[int, Record]] = seed(self.config.seed, self.config.records)
            for kind in KINDS.values():
                self.records.setdefault(kind.name, {})
            self.deleted: list[Row] = []
            self._row_cache: dict[tuple[str, int], dict[str, list[Row]]] = {}
            self._tables: dict[str, list[Row]] = {}
            self._indexes: dict[tuple[str, str], tuple[int, dict[Any, list[Row]]]] = {}
            self._paid: dict[int, Decimal] = {}
            for name in _PAYMENT_KINDS:
                for payment in self.records[name].values():
                    self._add_paid(payment, 1)
            # Monotonic across resets: caches keyed by version never see stale data.
            self.version = getattr(self, "version", 0) + 1
            self.changes_made = 0
            self._next_id = {
                "transaction": 1
                + max(
                    (i for k in KINDS.values() if k.is_transaction for i in self.records[k.name]),
                    default=_TRANSACTION_START,
                ),
                "entity": 1
                + max((i for k in _ENTITY_KINDS for i in self.records[k]), default=_ENTITY_START),
            }

    # -- reads ---------------------------------------------------------------------------
    def get(self, kind: RecordKind, record_id: int) -> Record | None:
        """A record by internal id."""
        return self.records[kind.name].get(record_id)

    def by_external_id(self, kind: RecordKind, external_id: str) -> Record | None:
        """A record by external id."""
        for record in self.records[kind.name].values():
            if record.get("externalId") == external_id:
                return record
        return None

    def paid(self, doc_id: int) -> Decimal:
        """What payments have applied to a bill or invoice."""
        return self._paid.get(doc_id, Decimal(0))

    def kind_of_id(self, record_id: int, candidates: tuple[str, ...]) -> RecordKind | None:
        """Which of `candidates` holds this id."""
        for name in candidates:
            if record_id in self.records[name]:
                return KINDS[name.lower()]
        return None

    def table(self, name: str) -> list[Row]:
        """The rows of a SuiteQL table (built from the records, cached until the next write)."""
        with self.lock:
            rows = self._tables.get(name)
            if rows is None:
                rows = self._build_tables().get(name, [])
            return rows

    def index(self, name: str, column: str) -> dict[Any, list[Row]]:
        """The rows of a table by one column's value (for joins), cached until the next write."""
        with self.lock:
            key = (name, column)
            found = self._indexes.get(key)
            if found is None or found[0] != self.version:
                by_value: dict[Any, list[Row]] = {}
                for row in self.table(name):
                    value = row.get(column)
                    if value is not None:
                        by_value.setdefault(value, []).append(row)
                found = self._indexes[key] = (self.version, by_value)
            return found[1]

    def tables(self) -> set[str]:
        """Every table SuiteQL can read."""
        with self.lock:
            if not self._tables:
                self._build_tables()
            return set(self._tables) | _EMPTY_TABLES

    def _build_tables(self) -> dict[str, list[Row]]:
        tables: dict[str, list[Row]] = {name: [] for name in _EMPTY_TABLES}
        for kind in KINDS.values():
            for record_id, record in self.records[kind.name].items():
                for table, rows in self._rows_of(kind, record_id, record).items():
                    tables.setdefault(table, []).extend(rows)
        tables["transaction"].sort(key=lambda r: r["id"])
        tables["deletedrecord"] = list(self.deleted)
        tables["customfield"] = [
            {"id": n, "scriptid": script_id, "fieldtype": kind, "name": label, "isinactive": "F"}
            for n, (script_id, kind, label) in enumerate(CUSTOM_FIELDS, start=1)
        ]
        self._tables = tables
        return tables

    def _rows_of(self, kind: RecordKind, record_id: int, record: Record) -> dict[str, list[Row]]:
        key = (kind.name, record_id)
        cached = self._row_cache.get(key)
        if cached is None:
            if kind.is_transaction:
                cached = transaction_rows(kind, record, self.paid(record_id))
            elif kind.name in _ENTITY_KINDS:
                cached = entity_rows(kind, record)
            else:
                cached = {kind.table: [simple_row(kind, record)]}
            self._row_cache[key] = cached
        return cached

    # -- writes --------------------------------------------------------------------------
    def now(self) -> datetime:
        """The sandbox's clock, to the second (NetSuite keeps lastModifiedDate to the second)."""
        return self.clock().astimezone(UTC).replace(microsecond=0)

    def next_id(self, kind: RecordKind) -> int:
        """A new internal id (transactions and entities each share one sequence)."""
        family = (
            "transaction"
            if kind.is_transaction
            else "entity"
            if kind.name in _ENTITY_KINDS
            else kind.name
        )
        with self.lock:
            if family not in self._next_id:
                self._next_id[family] = 1 + max(self.records[kind.name], default=0)
            value = self._next_id[family]
            self._next_id[family] = value + 1
            return value

    def put(self, kind: RecordKind, record: Record, at: datetime | None = None) -> Record:
        """Store a created or changed record; `lastModifiedDate` moves to now (or `at`)."""
        with self.lock:
            record_id = record["id"]
            old = self.records[kind.name].get(record_id)
            stamp = (at or self.now()).astimezone(UTC).replace(microsecond=0)
            record["lastModifiedDate"] = stamp
            record.setdefault("createdDate" if kind.is_transaction else "dateCreated", stamp)
            if kind.name in _PAYMENT_KINDS and old is not None:
                self._add_paid(old, -1)
                self._touch_applied(old, stamp)
            self.records[kind.name][record_id] = record
            if kind.name in _PAYMENT_KINDS:
                self._add_paid(record, 1)
                self._touch_applied(record, stamp)
            self._changed(kind, record_id)
            return record

    def dependents(self, kind: RecordKind, record_id: int) -> list[str]:
        """What keeps a record from being deleted (as NetSuite refuses): payments applied to a
        document, transactions of a vendor or customer."""
        with self.lock:
            if kind.name in ("vendorBill", "invoice", "vendorCredit", "creditMemo"):
                return [
                    f"{name} {p['id']}"
                    for name in _PAYMENT_KINDS
                    for p in self.records[name].values()
                    if any(a.get("doc") == record_id for a in p.get("apply") or ())
                ]
            if kind.name in _ENTITY_KINDS:
                return [
                    f"{k.name} {r['id']}"
                    for k in KINDS.values()
                    if k.is_transaction
                    for r in self.records[k.name].values()
                    if r.get("entity") == record_id
                ][:5]
            return []

    def delete(self, kind: RecordKind, record_id: int, at: datetime | None = None) -> Record:
        """Remove a record and log it in `deletedrecord` (callers check `dependents` first)."""
        with self.lock:
            record = self.records[kind.name].pop(record_id)
            stamp = (at or self.now()).astimezone(UTC).replace(microsecond=0)
            if kind.name in _PAYMENT_KINDS:
                self._add_paid(record, -1)
                self._touch_applied(record, stamp)
            self.deleted.append(
                {
                    "recordid": record_id,
                    "type": kind.deleted_type,
                    "recordtypeid": kind.deleted_type,
                    "deleteddate": stamp,
                    "name": record.get("tranId")
                    or record.get("companyName")
                    or record.get("name")
                    or str(record_id),
                    "externalid": record.get("externalId"),
                    "istransaction": "T" if kind.is_transaction else "F",
                }
            )
            self._changed(kind, record_id)
            return record

    def copy(self, record: Record) -> Record:
        """A deep copy to change before `put`."""
        return copy.deepcopy(record)

    def _touch_applied(self, payment: Record, stamp: datetime) -> None:
        # A payment changes what the documents it applies to have paid: NetSuite moves their
        # lastModifiedDate with it.
        for applied in payment.get("apply") or ():
            for name in ("vendorBill", "invoice"):
                doc = self.records[name].get(applied["doc"])
                if doc is not None:
                    doc["lastModifiedDate"] = max(doc["lastModifiedDate"], stamp)
                    self._row_cache.pop((name, doc["id"]), None)

    def _add_paid(self, payment: Record, sign: int) -> None:
        for applied in payment.get("apply") or ():
            if applied.get("apply", True):
                doc = applied["doc"]
                self._paid[doc] = self._paid.get(doc, Decimal(0)) + sign * applied["amount"]
                for name in ("vendorBill", "invoice"):
                    self._row_cache.pop((name, doc), None)

    def _changed(self, kind: RecordKind, record_id: int) -> None:
        self._row_cache.pop((kind.name, record_id), None)
        self._tables = {}
        self.version += 1

    def iter_kind(self, kind: RecordKind) -> Iterator[Record]:
        """Records of one type in id order."""
        return iter(sorted(self.records[kind.name].values(), key=lambda r: r["id"]))


_EMPTY_TABLES = frozenset(
    {
        "transaction",
        "transactionline",
        "previoustransactionlinelink",
        "deletedrecord",
        "entityaddress",
        "customrecord_2663_entity_bank_details",
        "vendor",
        "customer",
        "account",
        "subsidiary",
        "currency",
        "department",
        "classification",
        "location",
        "item",
        "customfield",
    }
)
