"""Sync runs: one per sync of (connection, object), with counts kept by `apply_page`.

A running run carries a lease: until when the process working on it (or the queue holding its
job) vouches for it. The sync renews it while it works; a run still `running` past its lease
lost its process (a killed worker or `hub sync --wait`) and is taken over, never waited out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from canonical.ids import new_id
from hub.store.errors import NotFound
from hub.store.models import OutboxEvent, SyncRun, utcnow

Mode = Literal["full", "incremental"]
RUN_STATUSES = ("running", "succeeded", "failed")
ABANDONED = "abandoned: the process running it stopped before it finished"
"""The error of a run whose process died, closed because a run of another mode replaced it."""


class SyncRunView(BaseModel):
    """A sync run and its counts."""

    model_config = ConfigDict(frozen=True)

    id: str
    connection_id: str
    object: str
    mode: str
    status: str
    created: int
    updated: int
    unchanged: int
    deleted: int
    pages: int
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    correlation_id: str
    lease_expires_at: datetime | None = None

    @property
    def alive(self) -> bool:
        """Running, and its lease not expired: a process (or a queued job) still owns it."""
        return (
            self.status == "running"
            and self.lease_expires_at is not None
            and self.lease_expires_at > datetime.now(UTC)
        )


def _lease(lease_ms: int) -> datetime:
    return utcnow() + timedelta(milliseconds=lease_ms)


def _view(row: SyncRun) -> SyncRunView:
    return SyncRunView.model_validate(row, from_attributes=True)


class SyncRunRepository:
    """Starts, finishes and lists sync runs."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def start(
        self,
        connection_id: str,
        object_name: str,
        mode: Mode,
        correlation_id: str | None = None,
        run_id: str | None = None,
        lease_ms: int | None = None,
    ) -> SyncRunView:
        """A running sync run, or the existing one with `run_id` (a redelivered job resumes it;
        a failed one replayed runs again); `lease_ms` renews its lease."""
        with self._sessions.begin() as session:
            if run_id and (row := session.get(SyncRun, run_id)) is not None:
                if row.status == "failed":
                    # Replayed after it was given up (`hub dlq replay`): it runs again.
                    row.status, row.error, row.finished_at = "running", None, None
                if row.status == "running" and lease_ms is not None:
                    row.lease_expires_at = _lease(lease_ms)
                session.flush()
                return _view(row)
            rid = run_id or new_id("run")
            row = SyncRun(
                id=rid,
                connection_id=connection_id,
                object=object_name,
                mode=mode,
                status="running",
                correlation_id=correlation_id or rid,
                created=0,
                updated=0,
                unchanged=0,
                deleted=0,
                pages=0,
                started_at=utcnow(),
                lease_expires_at=_lease(lease_ms) if lease_ms is not None else None,
            )
            session.add(row)
            session.flush()
            return _view(row)

    def renew(self, run_id: str, lease_ms: int) -> bool:
        """Extend a running run's lease to `lease_ms` from now; False when it is not running."""
        with self._sessions.begin() as session:
            done = session.execute(
                update(SyncRun)
                .where(SyncRun.id == run_id, SyncRun.status == "running")
                .values(lease_expires_at=_lease(lease_ms))
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def finish(self, run_id: str, error: str | None = None) -> SyncRunView:
        """Mark the run succeeded (or failed with `error`) and write sync.completed/failed."""
        with self._sessions.begin() as session:
            row = session.get(SyncRun, run_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no sync run {run_id}")
            row.status = "failed" if error else "succeeded"
            row.error = error
            row.finished_at = utcnow()
            row.lease_expires_at = None
            session.flush()
            view = _view(row)
            session.add(
                OutboxEvent(
                    id=new_id("evt"),
                    type="sync.failed" if error else "sync.completed",
                    connection_id=row.connection_id,
                    correlation_id=row.correlation_id,
                    data=view.model_dump(mode="json"),
                )
            )
            return view

    def get(self, run_id: str) -> SyncRunView | None:
        """The run with this id."""
        with self._sessions() as session:
            row = session.get(SyncRun, run_id)
            return _view(row) if row else None

    def running(self, connection_id: str, object_name: str) -> SyncRunView | None:
        """The newest run of (connection, object) still marked running, if any."""
        with self._sessions() as session:
            row = session.scalars(
                select(SyncRun)
                .where(
                    SyncRun.connection_id == connection_id,
                    SyncRun.object == object_name,
                    SyncRun.status == "running",
                )
                .order_by(SyncRun.started_at.desc())
            ).first()
            return _view(row) if row else None

    def list(
        self, connection_id: str | None = None, object_name: str | None = None, limit: int = 50
    ) -> list[SyncRunView]:
        """Runs, newest first."""
        stmt = select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(limit)
        if connection_id:
            stmt = stmt.where(SyncRun.connection_id == connection_id)
        if object_name:
            stmt = stmt.where(SyncRun.object == object_name)
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]
