"""The changes one page makes: upserts by (connection, object, remote id), versions, events.

Used inside `RecordRepository`'s transaction; see `hub.store.records` for the guarantees.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from canonical import EventType, Record
from canonical.ids import new_id
from canonical.jsonio import Encoded
from hub.store.models import OutboxEvent, StoredRecord, utcnow
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
MAX_RACES = 5
"""Attempts at an update that concurrent workers keep beating (a bug if ever reached)."""


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

    def __add__(self, other: PageResult) -> PageResult:
        return PageResult(
            created=self.created + other.created,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            deleted=self.deleted + other.deleted,
            events=self.events + other.events,
        )


def content_hash(doc: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON without the bookkeeping fields."""
    body = {k: v for k, v in doc.items() if k not in BOOKKEEPING}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


Items = dict[str, tuple[Record, dict[str, Any] | None]]
"""A page's records by remote id, each with its raw ERP payload."""


class PageWriter:
    """The work of one `apply_page` inside its transaction."""

    def __init__(
        self,
        session: Session,
        connection_id: str,
        object_name: str,
        corr: str,
        mapping_version: int | None = None,
        resource: str | None = None,
    ) -> None:
        self.session = session
        self.mapping_version = mapping_version
        self.resource = resource  # the resource that read the records (None: a write's answer)
        self.connection_id = connection_id
        self.object = object_name
        self.correlation_id = corr
        self.now = utcnow()
        self.events: list[dict[str, Any]] = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}

    def apply(self, items: Items) -> PageResult:
        """Upsert the records of one object; their events join the same transaction."""
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

    def mark_deleted(self, remote_ids: list[str]) -> PageResult:
        """Records the ERP deleted outright: `remote_deleted`, a new version, a deleted event.

        A record the hub never stored, or already holds as deleted, is left alone.
        """
        table = cast(Table, StoredRecord.__table__)
        for rid in remote_ids:
            for _ in range(MAX_RACES):
                row = self.session.execute(
                    select(
                        StoredRecord.hub_id,
                        StoredRecord.version,
                        StoredRecord.remote_deleted,
                        StoredRecord.data,
                    ).where(
                        StoredRecord.connection_id == self.connection_id,
                        StoredRecord.object == self.object,
                        StoredRecord.remote_id == rid,
                    )
                ).first()
                if row is None or row.remote_deleted:
                    break
                doc = dict(row.data)
                doc.update(
                    remote_deleted=True, version=row.version + 1, updated_at=self.now.isoformat()
                )
                encoded = Encoded(doc)  # once for the row and its event
                result = self.session.execute(
                    update(table)
                    .where(table.c.hub_id == row.hub_id, table.c.version == row.version)
                    .values(
                        version=row.version + 1,
                        content_hash=content_hash(doc),
                        data=encoded,
                        remote_deleted=True,
                        updated_at=self.now,
                    )
                )
                if getattr(result, "rowcount", 0) == 1:
                    self.counts["deleted"] += 1
                    self._event("deleted", encoded)
                    break
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
                    StoredRecord.version,
                    StoredRecord.remote_deleted,
                    StoredRecord.created_at,
                    StoredRecord.mapping_version,
                    StoredRecord.resource,
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
        docs: dict[str, Encoded] = {}
        for rid, (record, payload) in fresh.items():
            doc = self._doc(record, record.id, 1, self.now)
            docs[rid] = Encoded(doc)  # encoded once for the row and its event
            rows.append(
                {
                    "hub_id": record.id,
                    "connection_id": self.connection_id,
                    "object": self.object,
                    "remote_id": rid,
                    "version": 1,
                    "content_hash": content_hash(doc),
                    "data": docs[rid],
                    "raw": payload,
                    "remote_updated_at": record.remote_updated_at,
                    "remote_deleted": record.remote_deleted,
                    "mapping_version": self.mapping_version,
                    "resource": self.resource,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        # executemany form: compiled once and cached, sent in batches by SQLAlchemy's
        # "insertmanyvalues"; RETURNING yields only the rows that did not conflict.
        stmt = (
            insert_for(self.session, StoredRecord.__table__)
            .on_conflict_do_nothing(index_elements=["connection_id", "object", "remote_id"])
            .returning(StoredRecord.__table__.c.remote_id)
        )
        inserted = set(self.session.scalars(stmt, rows)) if rows else set()
        for rid in inserted:
            deleted = fresh[rid][0].remote_deleted
            self.counts["deleted" if deleted else "created"] += 1
            self._event("deleted" if deleted else "created", docs[rid])
        return [rid for rid in fresh if rid not in inserted]

    def _update(self, row: Any, record: Record, payload: dict[str, Any] | None) -> None:
        doc = self._doc(record, row.hub_id, 0, row.created_at)
        new_hash = content_hash(doc)
        table = cast(Table, StoredRecord.__table__)
        # Optimistic: write version n+1 only over version n. When another worker got there
        # first, read the row again: it either holds this very content (unchanged) or another
        # one, which this page then replaces. One statement per change in the usual case.
        owner = {"resource": self.resource} if self.resource else {}
        for _ in range(MAX_RACES):
            if new_hash == row.content_hash:
                self.counts["unchanged"] += 1
                # Same content from another spec version, or first read by this resource (a
                # write's answer, a record stored before records knew their resource): say so.
                fix = {"mapping_version": self.mapping_version, **owner}
                fix = {k: v for k, v in fix.items() if getattr(row, k) != v}
                if fix:
                    self.session.execute(
                        update(table).where(table.c.hub_id == row.hub_id).values(**fix)
                    )
                return
            doc["version"] = row.version + 1
            encoded = Encoded(doc)  # once for the row and its event
            result = self.session.execute(
                update(table)
                .where(table.c.hub_id == row.hub_id, table.c.version == row.version)
                .values(
                    version=row.version + 1,
                    content_hash=new_hash,
                    data=encoded,
                    raw=payload,
                    remote_updated_at=record.remote_updated_at,
                    remote_deleted=record.remote_deleted,
                    mapping_version=self.mapping_version,
                    updated_at=self.now,
                    **owner,
                )
            )
            if getattr(result, "rowcount", 0) == 1:
                kind = "deleted" if record.remote_deleted and not row.remote_deleted else "updated"
                self.counts[kind] += 1
                self._event(kind, encoded)
                return
            row = self._existing([row.remote_id])[row.remote_id]
        raise RuntimeError(f"{self.object} {row.remote_id} kept changing under this page")

    def _event(self, change: str, doc: Encoded) -> None:
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
