"""The outbox: events written with the change that caused them, dispatched afterwards in order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from canonical import Event
from canonical.ids import new_id
from hub.store.models import OutboxEvent, utcnow


class OutboxItem(BaseModel):
    """An event in the outbox; `seq` is its place in the delivery order."""

    model_config = ConfigDict(frozen=True)

    seq: int
    id: str
    type: str
    connection_id: str | None
    correlation_id: str
    data: dict[str, Any]
    created_at: datetime
    dispatched_at: datetime | None

    def to_event(self) -> Event:
        """The canonical event envelope of this item."""
        return Event.model_validate(
            {
                "id": self.id,
                "type": self.type,
                "occurred_at": self.created_at,
                "connection_id": self.connection_id,
                "correlation_id": self.correlation_id,
                "data": self.data,
            }
        )


def _view(row: OutboxEvent) -> OutboxItem:
    return OutboxItem.model_validate(row, from_attributes=True)


class OutboxRepository:
    """Adds, fetches and marks outbox events."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(
        self,
        event_type: str,
        data: dict[str, Any],
        *,
        correlation_id: str,
        connection_id: str | None = None,
    ) -> OutboxItem:
        """Append an event on its own (changes to records add theirs in their transaction)."""
        with self._sessions.begin() as session:
            row = OutboxEvent(
                id=new_id("evt"),
                type=event_type,
                connection_id=connection_id,
                correlation_id=correlation_id,
                data=data,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return _view(row)

    def pending(self, limit: int = 100, after_seq: int = 0) -> list[OutboxItem]:
        """Undispatched events in `seq` order, starting after `after_seq`.

        Select by `dispatched_at IS NULL`, not by a stored high-water mark: on PostgreSQL a
        transaction may commit a lower `seq` after a higher one is already visible.
        """
        stmt = (
            select(OutboxEvent)
            .where(OutboxEvent.dispatched_at.is_(None), OutboxEvent.seq > after_seq)
            .order_by(OutboxEvent.seq)
            .limit(limit)
        )
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]

    def mark_dispatched(self, seqs: list[int]) -> int:
        """Mark these events dispatched; the number that were not already."""
        if not seqs:
            return 0
        with self._sessions.begin() as session:
            result = session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.seq.in_(seqs), OutboxEvent.dispatched_at.is_(None))
                .values(dispatched_at=utcnow())
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def list(
        self,
        *,
        connection_id: str | None = None,
        event_type: str | None = None,
        after_seq: int = 0,
        limit: int = 100,
    ) -> list[OutboxItem]:
        """Events in order, dispatched or not."""
        stmt = select(OutboxEvent).where(OutboxEvent.seq > after_seq).order_by(OutboxEvent.seq)
        if connection_id:
            stmt = stmt.where(OutboxEvent.connection_id == connection_id)
        if event_type:
            stmt = stmt.where(OutboxEvent.type == event_type)
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt.limit(limit))]

    def counts(self, connection_id: str | None = None) -> dict[str, int]:
        """Number of events per type."""
        stmt = select(OutboxEvent.type, func.count()).group_by(OutboxEvent.type)
        if connection_id:
            stmt = stmt.where(OutboxEvent.connection_id == connection_id)
        with self._sessions() as session:
            return {row[0]: row[1] for row in session.execute(stmt)}
