"""Record lists for the API: a tenant's records of one object, filtered, in pages by hub id.

Hub ids are ULID-based, so id order is the order records were first seen, stable across pages;
`after` is the last id of the previous page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hub.store.models import StoredRecord
from hub.store.records import RecordView


@dataclass(frozen=True)
class RecordFilter:
    """What to list: one object of some connections, and the optional filters."""

    object_name: str
    connection_ids: Sequence[str]
    modified_after: datetime | None = None
    include_deleted: bool = False
    status: str | None = None
    party_id: str | None = None


def list_records(
    sessions: sessionmaker[Session], where: RecordFilter, *, after: str | None, limit: int
) -> list[RecordView]:
    """Up to `limit` records matching `where`, after the hub id `after`."""
    if not where.connection_ids:
        return []
    table = StoredRecord
    stmt = (
        select(table)
        .where(table.object == where.object_name, table.connection_id.in_(where.connection_ids))
        .order_by(table.hub_id)
        .limit(limit)
    )
    if after:
        stmt = stmt.where(table.hub_id > after)
    if where.modified_after is not None:
        stmt = stmt.where(table.updated_at > where.modified_after)
    if not where.include_deleted:
        stmt = stmt.where(table.remote_deleted.is_(False))
    if where.status is not None:
        stmt = stmt.where(table.data["status"].as_string() == where.status)
    if where.party_id is not None:
        stmt = stmt.where(table.data["party_id"].as_string() == where.party_id)
    with sessions() as session:
        return [RecordView.model_validate(r, from_attributes=True) for r in session.scalars(stmt)]
