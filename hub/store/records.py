"""Canonical records, their cursors, and the one transaction that stores a page of a sync.

`apply_page` is the heart of the pull flow: the page's records are upserted by
(connection, object, remote id), unchanged ones (same content hash) are left alone, changed ones
get `version + 1`, deletions are marked, one outbox event is written per change, the cursor
advances and the sync run's counts grow, all in one transaction. Replaying a page changes
nothing. Two workers applying the same page at once end with one row per record and one event
per change: inserts use `ON CONFLICT DO NOTHING`, updates only touch a row whose stored hash
differs from the new one (on PostgreSQL the second writer waits on the row lock and then finds
nothing to do; on SQLite `BEGIN IMMEDIATE` serialises the writers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from canonical import EventType, Record
from canonical.ids import new_id
from hub.store.models import Cursor, OutboxEvent, StoredRecord, SyncRun, utcnow
from hub.store.upsert import chunks, insert_for

BOOKKEEPING = frozenset(
    {
        "id",
        "connection_id",
        "version",
        "created_at",
        "updated_at",
        "remote_data",
        "remote_updated_at",
    }
)
"""Fields left out of the content hash: the hub's own bookkeeping and the ERP's change stamp."""

_EVENT_TYPES = frozenset(t.value for t in EventType)


class PageResult(BaseModel):
    """What one page did to the store."""

    model_config = ConfigDict(frozen=True)

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    events: int = 0

    @property
    def changed(self) -> int:
        """Records created, updated or deleted."""
        return self.created + self.updated + self.deleted


class RecordView(BaseModel):
    """A stored record: the canonical JSON (`data`) and the store's bookkeeping."""

    model_config = ConfigDict(frozen=True)

    hub_id: str
    connection_id: str
    object: str
    remote_id: str
    version: int
    content_hash: str
    data: dict[str, Any]
    raw: dict[str, Any] | None
    remote_updated_at: datetime | None
    remote_deleted: bool
    created_at: datetime
    updated_at: datetime


def content_hash(doc: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON without the bookkeeping fields."""
    body = {k: v for k, v in doc.items() if k not in BOOKKEEPING}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _view(row: StoredRecord) -> RecordView:
    return RecordView.model_validate(row, from_attributes=True)


class RecordRepository:
    """Reads and writes canonical records and sync cursors."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def apply_page(
        self,
        connection_id: str,
        object_name: str,
        records: Sequence[Record],
        raw: Sequence[dict[str, Any] | None] = (),
        cursor: str | None = None,
        run_id: str | None = None,
        correlation_id: str = "",
    ) -> PageResult:
        """Store one page of a sync in one transaction (see the module docstring)."""
        items: dict[str, tuple[Record, dict[str, Any] | None]] = {}
        for i, record in enumerate(records):
            if not record.remote_id:
                raise ValueError(f"{object_name} {record.id} has no remote_id")
            payload = raw[i] if i < len(raw) else record.remote_data
            items.pop(record.remote_id, None)  # a repeated id counts once, last one wins
            items[record.remote_id] = (record, payload)
        with self._sessions.begin() as session:
            page = _Page(session, connection_id, object_name, correlation_id or new_id("cor"))
            result = page.apply(items)
            if cursor is not None:
                _save_cursor(session, connection_id, object_name, cursor)
            if run_id is not None:
                session.execute(
                    update(SyncRun)
                    .where(SyncRun.id == run_id)
                    .values(
                        created=SyncRun.created + result.created,
                        updated=SyncRun.updated + result.updated,
                        unchanged=SyncRun.unchanged + result.unchanged,
                        deleted=SyncRun.deleted + result.deleted,
                        pages=SyncRun.pages + 1,
                    )
                )
            return result

    def get(self, hub_id: str) -> RecordView | None:
        """The record with this hub id."""
        with self._sessions() as session:
            row = session.get(StoredRecord, hub_id)
            return _view(row) if row else None

    def get_by_remote(
        self, connection_id: str, object_name: str, remote_id: str
    ) -> RecordView | None:
        """The record with this ERP id."""
        with self._sessions() as session:
            row = session.scalars(
                select(StoredRecord).where(
                    StoredRecord.connection_id == connection_id,
                    StoredRecord.object == object_name,
                    StoredRecord.remote_id == remote_id,
                )
            ).first()
            return _view(row) if row else None

    def list(
        self,
        connection_id: str | None = None,
        object_name: str | None = None,
        *,
        after: str | None = None,
        limit: int = 50,
        include_deleted: bool = True,
    ) -> list[RecordView]:
        """Records in hub-id order (time of first sight), `after` a hub id for the next page."""
        stmt = select(StoredRecord).order_by(StoredRecord.hub_id).limit(limit)
        if connection_id:
            stmt = stmt.where(StoredRecord.connection_id == connection_id)
        if object_name:
            stmt = stmt.where(StoredRecord.object == object_name)
        if after:
            stmt = stmt.where(StoredRecord.hub_id > after)
        if not include_deleted:
            stmt = stmt.where(StoredRecord.remote_deleted.is_(False))
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]

    def counts(self, connection_id: str | None = None) -> dict[tuple[str, str], int]:
        """Number of records per (connection, object)."""
        stmt = select(StoredRecord.connection_id, StoredRecord.object, func.count()).group_by(
            StoredRecord.connection_id, StoredRecord.object
        )
        if connection_id:
            stmt = stmt.where(StoredRecord.connection_id == connection_id)
        with self._sessions() as session:
            return {(c, o): n for c, o, n in session.execute(stmt)}

    def get_cursor(self, connection_id: str, object_name: str) -> str | None:
        """Where the next incremental sync starts; None for a full read."""
        with self._sessions() as session:
            row = session.get(Cursor, (connection_id, object_name))
            return row.value if row else None

    def set_cursor(self, connection_id: str, object_name: str, value: str | None) -> None:
        """Set (or with None, clear so the next sync is full) the cursor."""
        with self._sessions.begin() as session:
            _save_cursor(session, connection_id, object_name, value)


def _save_cursor(session: Session, connection_id: str, object_name: str, value: str | None) -> None:
    now = utcnow()
    stmt = insert_for(session, Cursor.__table__).values(
        connection_id=connection_id, object=object_name, value=value, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["connection_id", "object"], set_={"value": value, "updated_at": now}
    )
    session.execute(stmt)


class _Page:
    """The work of one `apply_page` inside its transaction."""

    def __init__(self, session: Session, connection_id: str, object_name: str, corr: str) -> None:
        self.session = session
        self.connection_id = connection_id
        self.object = object_name
        self.correlation_id = corr
        self.now = utcnow()
        self.events: list[dict[str, Any]] = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}

    def apply(self, items: dict[str, tuple[Record, dict[str, Any] | None]]) -> PageResult:
        existing = self._existing(list(items))
        fresh = {rid: item for rid, item in items.items() if rid not in existing}
        lost = self._insert(fresh)
        if lost:  # another worker inserted them first: they are now updates (or unchanged)
            existing.update(self._existing(lost))
        for rid, row in existing.items():
            self._update(row, *items[rid])
        if self.events:
            for chunk in chunks(self.events, 200):
                self.session.execute(insert_for(self.session, OutboxEvent.__table__), chunk)
        return PageResult(**self.counts, events=len(self.events))

    def _existing(self, remote_ids: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in chunks(remote_ids):
            rows = self.session.execute(
                select(
                    StoredRecord.hub_id,
                    StoredRecord.remote_id,
                    StoredRecord.content_hash,
                    StoredRecord.remote_deleted,
                    StoredRecord.created_at,
                ).where(
                    StoredRecord.connection_id == self.connection_id,
                    StoredRecord.object == self.object,
                    StoredRecord.remote_id.in_(chunk),
                )
            )
            found.update({row.remote_id: row for row in rows})
        return found

    def _doc(self, record: Record, hub_id: str, version: int, created: datetime) -> dict[str, Any]:
        doc = record.to_json_dict()
        doc.update(
            id=hub_id,
            connection_id=self.connection_id,
            version=version,
            created_at=created.isoformat(),
            updated_at=self.now.isoformat(),
        )
        return doc

    def _insert(self, fresh: dict[str, tuple[Record, dict[str, Any] | None]]) -> list[str]:
        rows = []
        docs: dict[str, dict[str, Any]] = {}
        for rid, (record, payload) in fresh.items():
            doc = self._doc(record, record.id, 1, self.now)
            docs[rid] = doc
            rows.append(
                {
                    "hub_id": record.id,
                    "connection_id": self.connection_id,
                    "object": self.object,
                    "remote_id": rid,
                    "version": 1,
                    "content_hash": content_hash(doc),
                    "data": doc,
                    "raw": payload,
                    "remote_updated_at": record.remote_updated_at,
                    "remote_deleted": record.remote_deleted,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        inserted: set[str] = set()
        for chunk in chunks(rows, 200):
            stmt = (
                insert_for(self.session, StoredRecord.__table__)
                .values(chunk)
                .on_conflict_do_nothing(index_elements=["connection_id", "object", "remote_id"])
                .returning(StoredRecord.__table__.c.remote_id)
            )
            inserted.update(self.session.scalars(stmt))
        for rid in inserted:
            deleted = fresh[rid][0].remote_deleted
            self.counts["deleted" if deleted else "created"] += 1
            self._event("deleted" if deleted else "created", docs[rid])
        return [rid for rid in fresh if rid not in inserted]

    def _update(self, row: Any, record: Record, payload: dict[str, Any] | None) -> None:
        doc = self._doc(record, row.hub_id, 0, row.created_at)
        new_hash = content_hash(doc)
        if new_hash == row.content_hash:
            self.counts["unchanged"] += 1
            return
        table = cast(Table, StoredRecord.__table__)
        version = self.session.scalar(
            update(table)
            .where(table.c.hub_id == row.hub_id, table.c.content_hash != new_hash)
            .values(
                version=table.c.version + 1,
                content_hash=new_hash,
                raw=payload,
                remote_updated_at=record.remote_updated_at,
                remote_deleted=record.remote_deleted,
                updated_at=self.now,
            )
            .returning(table.c.version)
        )
        if version is None:  # a concurrent worker stored this very content first
            self.counts["unchanged"] += 1
            return
        doc["version"] = version
        self.session.execute(update(table).where(table.c.hub_id == row.hub_id).values(data=doc))
        kind = "deleted" if record.remote_deleted and not row.remote_deleted else "updated"
        self.counts[kind] += 1
        self._event(kind, doc)

    def _event(self, change: str, doc: dict[str, Any]) -> None:
        event_type = f"{self.object}.{change}"
        if event_type not in _EVENT_TYPES:
            return  # reference data (accounts, tax rates, dimensions) has no events in v1
        self.events.append(
            {
                "id": new_id("evt"),
                "type": event_type,
                "connection_id": self.connection_id,
                "correlation_id": self.correlation_id,
                "data": doc,
                "created_at": self.now,
            }
        )
