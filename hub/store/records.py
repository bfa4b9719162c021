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

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from canonical import Record
from canonical.ids import new_id
from hub.store.changes import Items, PageResult, PageWriter
from hub.store.models import Cursor, StoredRecord, SyncRun, utcnow
from hub.store.upsert import insert_for


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
    mapping_version: int | None = None
    created_at: datetime
    updated_at: datetime


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
        mapping_versions: Mapping[str, int | None] | None = None,
    ) -> PageResult:
        """Store one page of one object in one transaction (see the module docstring).

        `raw[i]` is the ERP payload of `records[i]` (default: the record's `remote_data`); the
        cursor is kept under `object_name`. `mapping_versions` names, per object, the version
        of the connection's mapping spec that shaped the records (None: built-in only).
        """
        items: Items = {}
        for i, record in enumerate(records):
            if object_name != type(record).OBJECT:
                raise ValueError(f"a {type(record).OBJECT} record in a page of {object_name}")
            payload = raw[i] if i < len(raw) else record.remote_data
            _add(items, record, payload)
        return self._commit(
            connection_id,
            {object_name: items},
            object_name,
            cursor,
            run_id,
            correlation_id,
            mapping_versions,
        )

    def apply_resource_page(
        self,
        connection_id: str,
        resource: str,
        records: Sequence[Record],
        cursor: str | None = None,
        run_id: str | None = None,
        correlation_id: str = "",
        mapping_versions: Mapping[str, int | None] | None = None,
        deleted: Sequence[tuple[str, str]] = (),
        present: Collection[str] | None = None,
        *,
        pages: int = 1,
    ) -> PageResult:
        """Store one page of an ERP resource, whose records may be of several objects.

        One transaction, as `apply_page`; each record goes to its own object (a Xero contact
        page holds suppliers and customers), its raw payload is its `remote_data`, the records
        remember the resource, and the cursor is kept under the resource's name. `deleted`
        lists (object, remote id) of records the ERP deleted outright: their stored records
        become `remote_deleted`. `present` is the complete list of the resource's keys in the
        ERP (the last page of a key-scan pass): every stored record of the resource whose key is
        not in it becomes `remote_deleted` too. `pages` is what the run's page count grows by
        (0 for a slice of a page that is not its last).
        """
        return self._commit(
            connection_id,
            _group(records),
            resource,
            cursor,
            run_id,
            correlation_id,
            mapping_versions,
            deleted,
            resource=resource,
            present=present,
            pages=pages,
        )

    def apply_records(
        self,
        connection_id: str,
        records: Sequence[Record],
        correlation_id: str = "",
        mapping_versions: Mapping[str, int | None] | None = None,
    ) -> PageResult:
        """Store records outside a sync (what a write brought back): no cursor, no run."""
        return self._commit(
            connection_id, _group(records), None, None, None, correlation_id, mapping_versions
        )

    def _commit(
        self,
        connection_id: str,
        groups: dict[str, dict[str, tuple[Record, dict[str, Any] | None]]],
        cursor_key: str | None,
        cursor: str | None,
        run_id: str | None,
        correlation_id: str,
        mapping_versions: Mapping[str, int | None] | None = None,
        deleted: Sequence[tuple[str, str]] = (),
        *,
        resource: str | None = None,
        present: Collection[str] | None = None,
        pages: int = 1,
    ) -> PageResult:
        correlation_id = correlation_id or new_id("cor")
        versions = mapping_versions or {}
        total = PageResult()
        gone: dict[str, list[str]] = {}
        for object_name, remote_id in deleted:
            gone.setdefault(object_name, []).append(remote_id)
        with self._sessions.begin() as session:
            for object_name, items in groups.items():
                page = PageWriter(
                    session,
                    connection_id,
                    object_name,
                    correlation_id,
                    versions.get(object_name),
                    resource,
                )
                total = total + page.apply(items)
            if present is not None and resource is not None:
                for object_name, remote_id in _vanished(session, connection_id, resource, present):
                    gone.setdefault(object_name, []).append(remote_id)
            for object_name, remote_ids in gone.items():
                page = PageWriter(
                    session, connection_id, object_name, correlation_id, versions.get(object_name)
                )
                total = total + page.mark_deleted(remote_ids)
            if cursor is not None and cursor_key is not None:
                _save_cursor(session, connection_id, cursor_key, cursor)
            if run_id is not None:
                session.execute(
                    update(SyncRun)
                    .where(SyncRun.id == run_id)
                    .values(
                        created=SyncRun.created + total.created,
                        updated=SyncRun.updated + total.updated,
                        unchanged=SyncRun.unchanged + total.unchanged,
                        deleted=SyncRun.deleted + total.deleted,
                        pages=SyncRun.pages + pages,
                    )
                )
        return total

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


def _vanished(
    session: Session, connection_id: str, resource: str, present: Collection[str]
) -> list[tuple[str, str]]:
    """(object, remote id) of the live stored records `resource` read whose key the ERP no
    longer lists (records stored before they knew their resource are left alone)."""
    keys = present if isinstance(present, (set, frozenset)) else set(present)
    rows = session.execute(
        select(StoredRecord.object, StoredRecord.remote_id).where(
            StoredRecord.connection_id == connection_id,
            StoredRecord.resource == resource,
            StoredRecord.remote_deleted.is_(False),
        )
    )
    return sorted((obj, rid) for obj, rid in rows if rid not in keys)


def _add(items: Items, record: Record, payload: dict[str, Any] | None) -> None:
    if not record.remote_id:
        raise ValueError(f"{type(record).OBJECT} {record.id} has no remote_id")
    items.pop(record.remote_id, None)  # a repeated id counts once, the last one wins
    items[record.remote_id] = (record, payload)


def _group(records: Sequence[Record]) -> dict[str, Items]:
    groups: dict[str, Items] = {}
    for record in records:
        _add(groups.setdefault(type(record).OBJECT, {}), record, record.remote_data)
    return groups


def _save_cursor(session: Session, connection_id: str, object_name: str, value: str | None) -> None:
    now = utcnow()
    stmt = insert_for(session, Cursor.__table__).values(
        connection_id=connection_id, object=object_name, value=value, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["connection_id", "object"], set_={"value": value, "updated_at": now}
    )
    session.execute(stmt)
