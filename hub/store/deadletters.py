"""Dead letters: jobs that failed for good, kept with their arguments so they can be replayed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hub.store.errors import NotFound
from hub.store.models import DeadLetter, utcnow
from hub.store.upsert import insert_ignore


class DeadLetterView(BaseModel):
    """A dead job."""

    model_config = ConfigDict(frozen=True)

    id: str
    actor: str
    queue: str
    message_args: list[Any]
    message_kwargs: dict[str, Any]
    error: str
    case_id: str | None
    created_at: datetime
    replayed_at: datetime | None


def _view(row: DeadLetter) -> DeadLetterView:
    return DeadLetterView.model_validate(row, from_attributes=True)


class DeadLetterRepository:
    """Adds, lists and marks replayed dead letters."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(
        self,
        *,
        message_id: str,
        actor: str,
        queue: str,
        args: list[Any],
        kwargs: dict[str, Any],
        error: str,
        case_id: str | None = None,
    ) -> DeadLetterView:
        """Keep a dead job (idempotent per message id: a second report changes nothing)."""
        row = {
            "id": message_id,
            "actor": actor,
            "queue": queue,
            "message_args": list(args),
            "message_kwargs": dict(kwargs),
            "error": error,
            "case_id": case_id,
            "created_at": utcnow(),
        }
        with self._sessions.begin() as session:
            insert_ignore(session, DeadLetter.__table__, [row], ["id"])
            stored = session.get(DeadLetter, message_id)
            assert stored is not None
            return _view(stored)

    def get(self, message_id: str) -> DeadLetterView:
        """The dead letter; NotFound when there is none."""
        with self._sessions() as session:
            row = session.get(DeadLetter, message_id)
            if row is None:
                raise NotFound(f"no dead letter {message_id}")
            return _view(row)

    def list(self, *, include_replayed: bool = False, limit: int = 100) -> list[DeadLetterView]:
        """Dead letters, oldest first; replayed ones only when asked."""
        stmt = select(DeadLetter).order_by(DeadLetter.created_at, DeadLetter.id).limit(limit)
        if not include_replayed:
            stmt = stmt.where(DeadLetter.replayed_at.is_(None))
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]

    def mark_replayed(self, message_id: str) -> DeadLetterView:
        """Note that the job was enqueued again."""
        with self._sessions.begin() as session:
            row = session.get(DeadLetter, message_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no dead letter {message_id}")
            row.replayed_at = utcnow()
            session.flush()
            return _view(row)
