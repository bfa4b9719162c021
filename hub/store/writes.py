"""Write requests: a canonical record to send to an ERP once, under an idempotency key.

    pending --begin_attempt--> sending --succeed--> succeeded     (terminal)
                                  |---fail(final=False)--> pending (the job retries)
                                  `---fail(final=True)---> failed  (a person acts; retry() reopens)

The same key with the same payload returns the existing request; the same key with another
payload is a `connectors.errors.Conflict`. A request that succeeded is never sent again:
`begin_attempt` hands it back unchanged so a redelivered job sees it is done.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from canonical.ids import new_id
from connectors.errors import Conflict
from hub.store.errors import NotFound
from hub.store.models import OutboxEvent, WriteRequest, utcnow
from hub.store.upsert import insert_ignore

WRITE_STATUSES = ("pending", "sending", "succeeded", "failed")


class WriteRequestView(BaseModel):
    """A write request and where it stands."""

    model_config = ConfigDict(frozen=True)

    id: str
    connection_id: str
    object: str
    operation: str
    idempotency_key: str
    payload: dict[str, Any]
    payload_hash: str
    status: str
    remote_id: str | None
    hub_id: str | None
    attempts: int
    error: str | None
    error_category: str | None
    correlation_id: str
    created_at: datetime
    updated_at: datetime

    @property
    def done(self) -> bool:
        """True once the ERP has the record."""
        return self.status == "succeeded"


def payload_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of the payload's canonical JSON (key order does not matter)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _view(row: WriteRequest) -> WriteRequestView:
    return WriteRequestView.model_validate(row, from_attributes=True)


class WriteRequestRepository:
    """Creates write requests idempotently and moves them through their states."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create_or_get(
        self,
        *,
        connection_id: str,
        object_name: str,
        idempotency_key: str,
        payload: dict[str, Any],
        correlation_id: str | None = None,
        operation: str = "create",
    ) -> tuple[WriteRequestView, bool]:
        """The request under this key and whether this call created it.

        Raises `Conflict` when the key was used before with a different payload.
        """
        digest = payload_hash(payload)
        rid = new_id("wrq")
        now = utcnow()
        row = {
            "id": rid,
            "connection_id": connection_id,
            "object": object_name,
            "operation": operation,
            "idempotency_key": idempotency_key,
            "payload": payload,
            "payload_hash": digest,
            "status": "pending",
            "attempts": 0,
            "correlation_id": correlation_id or rid,
            "created_at": now,
            "updated_at": now,
        }
        with self._sessions.begin() as session:
            insert_ignore(
                session, WriteRequest.__table__, [row], ["connection_id", "idempotency_key"]
            )
            stored = session.scalars(
                select(WriteRequest).where(
                    WriteRequest.connection_id == connection_id,
                    WriteRequest.idempotency_key == idempotency_key,
                )
            ).one()
            if stored.payload_hash != digest or stored.object != object_name:
                raise Conflict(
                    f"idempotency key '{idempotency_key}' was used for a different request "
                    f"({stored.id}); use a new key for a new request",
                    correlation_id=correlation_id,
                )
            return _view(stored), stored.id == rid

    def get(self, request_id: str) -> WriteRequestView:
        """The request; NotFound when there is none."""
        with self._sessions() as session:
            row = session.get(WriteRequest, request_id)
            if row is None:
                raise NotFound(f"no write request {request_id}")
            return _view(row)

    def list(
        self, connection_id: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[WriteRequestView]:
        """Requests, newest first."""
        stmt = select(WriteRequest).order_by(WriteRequest.id.desc()).limit(limit)
        if connection_id:
            stmt = stmt.where(WriteRequest.connection_id == connection_id)
        if status:
            stmt = stmt.where(WriteRequest.status == status)
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]

    def begin_attempt(self, request_id: str) -> WriteRequestView:
        """Count an attempt and mark it sending; a succeeded request comes back untouched."""
        with self._sessions.begin() as session:
            row = self._locked(session, request_id)
            if row.status != "succeeded":
                row.status = "sending"
                row.attempts += 1
                session.flush()
            return _view(row)

    def succeed(
        self, request_id: str, remote_id: str, hub_id: str | None = None
    ) -> WriteRequestView:
        """Record the ERP's id and write `write.succeeded` (idempotent)."""
        with self._sessions.begin() as session:
            row = self._locked(session, request_id)
            if row.status == "succeeded":
                return _view(row)
            row.status = "succeeded"
            row.remote_id = remote_id
            row.hub_id = hub_id
            row.error = None
            row.error_category = None
            session.flush()
            view = _view(row)
            self._event(session, "write.succeeded", view)
            return view

    def fail(self, request_id: str, *, error: str, category: str, final: bool) -> WriteRequestView:
        """Record a failed attempt: back to pending (retry coming) or failed (final)."""
        with self._sessions.begin() as session:
            row = self._locked(session, request_id)
            if row.status == "succeeded":
                return _view(row)
            row.status = "failed" if final else "pending"
            row.error = error
            row.error_category = category
            session.flush()
            view = _view(row)
            if final:
                self._event(session, "write.failed", view)
            return view

    def retry(self, request_id: str) -> WriteRequestView:
        """Reopen a failed request so it can be sent again (a person fixed the cause)."""
        with self._sessions.begin() as session:
            row = self._locked(session, request_id)
            if row.status == "failed":
                row.status = "pending"
                session.flush()
            return _view(row)

    def _locked(self, session: Session, request_id: str) -> WriteRequest:
        row = session.get(WriteRequest, request_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no write request {request_id}")
        return row

    def _event(self, session: Session, event_type: str, view: WriteRequestView) -> None:
        data = view.model_dump(mode="json", exclude={"payload", "payload_hash"})
        session.add(
            OutboxEvent(
                id=new_id("evt"),
                type=event_type,
                connection_id=view.connection_id,
                correlation_id=view.correlation_id,
                data=data,
            )
        )
