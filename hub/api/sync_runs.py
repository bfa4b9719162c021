"""`/v1/sync-runs`: list, trigger and show syncs of the tenant's connections.

A sync triggered here carries the request's `X-Request-ID` as its correlation id, and so do the
events it causes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.api.deps import Reader, Rt, Writer, decode_cursor, page, tenant_connection
from hub.api.deps import tenant_connection_ids as mine
from hub.api.problems import Problem
from hub.store.models import SyncRun

router = APIRouter(prefix="/v1/sync-runs", tags=["sync runs"])


class SyncRunOut(BaseModel):
    """One sync of one resource of one connection, with its counts."""

    id: str
    connection_id: str
    resource: str
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


class SyncRunList(BaseModel):
    """A page of runs, newest first."""

    data: list[SyncRunOut]
    next_cursor: str | None = None


class SyncRunIn(BaseModel):
    """What to sync."""

    connection_id: str
    resource: str | None = Field(None, description="One resource (e.g. `invoices`); default all.")
    full: bool = Field(False, description="Read everything again instead of the changes.")


def _out(row: SyncRun) -> SyncRunOut:
    return SyncRunOut.model_validate(
        {**{c: getattr(row, c) for c in SyncRunOut.model_fields if c != "resource"},
         "resource": row.object}
    )  # fmt: skip


@router.get("", summary="List sync runs", response_model_exclude_none=True)
def list_runs(
    rt: Rt,
    caller: Reader,
    connection_id: str | None = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> SyncRunList:
    """Runs of the tenant's connections, newest first."""
    position = decode_cursor(cursor)
    ids = [tenant_connection(rt, caller, connection_id).id] if connection_id else mine(rt, caller)
    stmt = select(SyncRun).where(SyncRun.connection_id.in_(ids)).order_by(SyncRun.id.desc())
    if status:
        stmt = stmt.where(SyncRun.status == status)
    if position:
        stmt = stmt.where(SyncRun.id < position["after"])
    with rt.store.sessions() as session:
        rows = [_out(r).model_dump(mode="json") for r in session.scalars(stmt.limit(limit + 1))]
    return SyncRunList.model_validate(page(rows, limit, lambda r: {"after": r["id"]}))


@router.post("", status_code=202, summary="Start a sync")
def trigger(body: SyncRunIn, request: Request, rt: Rt, caller: Writer) -> SyncRunList:
    """Queue a sync of one resource or all; a resource already syncing keeps its running run."""
    from hub.jobs.enqueue import sync_sender
    from hub.jobs.scheduler import enqueue_sync, syncable_resources

    connection = tenant_connection(rt, caller, body.connection_id)
    resources = syncable_resources(connection.erp)
    if body.resource is not None and body.resource not in resources:
        raise Problem(422, f"resource: '{body.resource}' is not one of {', '.join(resources)}",
                      errors=[{"path": "resource", "reason": "unknown resource"}])  # fmt: skip
    send = sync_sender(rt, full=body.full)
    runs = []
    for resource in [body.resource] if body.resource else resources:
        run_id = enqueue_sync(
            rt, connection.id, resource, send, full=body.full,
            correlation_id=request.state.request_id,
        )  # fmt: skip
        run = (
            rt.store.runs.get(run_id) if run_id else rt.store.runs.running(connection.id, resource)
        )
        if run is not None:
            runs.append(show(run.id, rt, caller))
    return SyncRunList(data=runs)


@router.get("/{run_id}", summary="Show a sync run")
def show(run_id: str, rt: Rt, caller: Reader) -> SyncRunOut:
    """One run and its counts."""
    ids = mine(rt, caller)  # before the session: SQLite takes one writer at a time
    with rt.store.sessions() as session:
        row = session.get(SyncRun, run_id)
        if row is None or row.connection_id not in ids:
            raise Problem(404, f"no sync run {run_id}")
        return _out(row)
