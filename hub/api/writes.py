"""Writes: `POST /v1/{invoices|...}` and `PATCH /v1/{invoices|...}/{id}`, and `/v1/operations/{id}`.

Every write needs an `Idempotency-Key` header. The same key with the same body answers the
stored response again (byte for byte, with `Idempotent-Replayed: true`); the same key with
another body is a 422; while the first request with the key is still being answered, 409. Keys
are kept `LEDGERHUB_API_IDEMPOTENCY_TTL_SECONDS` (24 h). A write is validated against the
canonical model before anything is stored, then answered `202` with an operation resource
(`Location: /v1/operations/{id}`) whose status moves queued -> sending -> succeeded (with the
ERP's id) or failed (with its exception case). The ERP itself receives the operation id as its
idempotency key, so a retried send never writes twice.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import select

from canonical import OBJECTS, CanonicalValidationError
from hub.api.deps import (
    Reader,
    Rt,
    Writer,
    decode_cursor,
    page,
    tenant_connection,
    tenant_connection_ids,
)
from hub.api.problems import Problem
from hub.api.records import FAMILIES, tenant_record
from hub.api.security import Caller
from hub.jobs.runtime import Runtime
from hub.store import NotFound, WriteRequestView
from hub.store.models import CaseRecord, WriteRequest
from hub.store.records import RecordView

router = APIRouter(tags=["writes"])

WRITABLE = ("suppliers", "customers", "invoices", "payments", "journal-entries")
MAX_KEY_LENGTH = 255
OpStatus = Literal["queued", "sending", "succeeded", "failed"]
_STATUS: dict[str, OpStatus] = {
    "pending": "queued",
    "sending": "sending",
    "succeeded": "succeeded",
    "failed": "failed",
}
_BOOKKEEPING = ("version", "created_at", "updated_at", "remote_data", "remote_updated_at")


class OperationError(BaseModel):
    """Why an operation failed."""

    category: str | None
    message: str | None


class Operation(BaseModel):
    """A write and where it stands."""

    id: str
    object: str
    operation: str
    connection_id: str
    status: OpStatus
    record_id: str | None
    remote_id: str | None
    exception_case_id: str | None
    error: OperationError | None
    attempts: int
    correlation_id: str
    created_at: datetime
    updated_at: datetime


def _case_of(rt: Runtime, request_id: str) -> str | None:
    with rt.store.sessions() as session:
        return session.scalar(
            select(CaseRecord.case_id)
            .where(CaseRecord.record_ref == request_id)
            .order_by(CaseRecord.last_seen.desc())
            .limit(1)
        )


def operation_of(rt: Runtime, view: WriteRequestView) -> Operation:
    """The API form of a write request."""
    failed = view.status == "failed"
    return Operation(
        id=view.id,
        object=view.object,
        operation=view.operation,
        connection_id=view.connection_id,
        status=_STATUS.get(view.status, "queued"),
        record_id=view.hub_id,
        remote_id=view.remote_id,
        exception_case_id=_case_of(rt, view.id) if failed else None,
        error=OperationError(category=view.error_category, message=view.error) if failed else None,
        attempts=view.attempts,
        correlation_id=view.correlation_id,
        created_at=view.created_at,
        updated_at=view.updated_at,
    )


def _digest(method: str, path: str, body: dict[str, Any]) -> str:
    text = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _problem_for(object_name: str, exc: CanonicalValidationError) -> Problem:
    errors = [
        {
            "path": v.path.removeprefix(f"{object_name}.").removeprefix(object_name),
            "reason": v.reason,
        }
        for v in exc.violations
    ]
    for error in errors:
        error["path"] = error["path"] or "body"
    detail = "; ".join(f"{e['path']}: {e['reason']}" for e in errors[:5])
    return Problem(422, f"the {object_name} is not valid: {detail}", errors=errors)


def _submit(
    rt: Runtime,
    caller: Caller,
    request: Request,
    idempotency_key: str | None,
    object_name: str,
    payload: dict[str, Any],
    operation: str,
) -> Response:
    """The idempotent write: claim the key, validate, store, enqueue, keep the answer."""
    from hub.jobs.enqueue import enqueue_write
    from hub.jobs.writes import submit_write

    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        reason = "required" if not key else f"longer than {MAX_KEY_LENGTH} characters"
        raise Problem(400, f"Idempotency-Key: {reason} on every write",
                      errors=[{"path": "Idempotency-Key", "reason": reason}])  # fmt: skip
    ttl = timedelta(seconds=rt.settings.api_idempotency_ttl_seconds)
    digest = _digest(request.method, request.url.path, payload)
    begun = rt.store.idempotency.begin(caller.tenant_id, key, digest, ttl)
    if begun.outcome == "replay":
        headers = {**(begun.headers or {}), "Idempotent-Replayed": "true"}
        return Response(begun.body, begun.status or 200, headers, "application/json")
    if begun.outcome == "mismatch":
        reused = [{"path": "Idempotency-Key", "reason": "reused with another body"}]
        raise Problem(422, f"Idempotency-Key '{key}' was used for a different request; "
                      "use a new key for a new request", errors=reused)  # fmt: skip
    if begun.outcome == "running":
        raise Problem(409, f"a request with Idempotency-Key '{key}' is still being answered; "
                      "retry shortly", headers={"Retry-After": "1"})  # fmt: skip
    try:
        connection_id = payload.pop("connection_id", None)
        if not isinstance(connection_id, str) or not connection_id:
            raise Problem(422, "connection_id: required",
                          errors=[{"path": "connection_id", "reason": "required"}])  # fmt: skip
        tenant_connection(rt, caller, connection_id)
        try:
            OBJECTS[object_name].parse(payload)
        except CanonicalValidationError as exc:
            raise _problem_for(object_name, exc) from None
        view, created = submit_write(
            rt, connection_id, object_name, payload,
            idempotency_key=f"api:{begun.record_id}",
            correlation_id=request.state.request_id, operation=operation,
        )  # fmt: skip
        if created:
            enqueue_write(rt, view.id)
    except BaseException:
        rt.store.idempotency.abandon(begun.record_id)  # nothing was written: the key is free
        raise
    body = operation_of(rt, view).model_dump_json()
    headers = {"Location": f"/v1/operations/{view.id}"}
    rt.store.idempotency.finish(begun.record_id, 202, body, headers)
    return Response(body, 202, headers, "application/json")


def _merged(current: RecordView, changes: dict[str, Any]) -> dict[str, Any]:
    payload = {k: v for k, v in current.data.items() if k not in _BOOKKEEPING}
    payload.update({k: v for k, v in changes.items() if k not in ("id", "remote_id")})
    payload.update(id=current.hub_id, remote_id=current.remote_id)
    return payload


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
RecordBody = Annotated[dict[str, Any], Body(description="A canonical record plus `connection_id`.")]
PatchBody = Annotated[dict[str, Any], Body(description="The canonical fields to change.")]


def _register(segment: str, object_name: str) -> None:
    def create(
        body: RecordBody, request: Request, rt: Rt, caller: Writer, key: IdempotencyKey = None
    ) -> Response:
        return _submit(rt, caller, request, key, object_name, dict(body), "create")

    def update(
        record_id: str,
        body: PatchBody,
        request: Request,
        rt: Rt,
        caller: Writer,
        key: IdempotencyKey = None,
    ) -> Response:
        current = tenant_record(rt, caller, object_name, record_id)
        payload = _merged(current, dict(body))
        payload["connection_id"] = current.connection_id
        return _submit(rt, caller, request, key, object_name, payload, "update")

    noun = object_name.replace("_", " ")
    answers: dict[int | str, dict[str, Any]] = {
        202: {"model": Operation, "description": "Accepted; follow `Location` for its status."}
    }
    router.add_api_route(
        f"/v1/{segment}", create, methods=["POST"], status_code=202, responses=answers,
        summary=f"Create a {noun} in the ERP", operation_id=f"create_{object_name}",
    )  # fmt: skip
    router.add_api_route(
        f"/v1/{segment}/{{record_id}}", update, methods=["PATCH"], status_code=202,
        responses=answers, summary=f"Change a {noun} in the ERP",
        operation_id=f"update_{object_name}",
    )  # fmt: skip


for _segment in WRITABLE:
    _register(_segment, FAMILIES[_segment])


class OperationList(BaseModel):
    """A page of operations, newest first."""

    data: list[Operation]
    next_cursor: str | None = None


@router.get("/v1/operations", summary="List write operations", response_model_exclude_none=True)
def list_operations(
    rt: Rt,
    caller: Reader,
    status: OpStatus | None = None,
    connection_id: str | None = None,
    object: Annotated[
        str | None, Query(description="A canonical object, e.g. `invoice`.", max_length=40)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> OperationList:
    """The writes of the tenant's connections, newest first; filter by `status`, `connection_id`
    or `object`; `cursor` pages (`next_cursor` is absent on the last page)."""
    position = decode_cursor(cursor)
    if connection_id:
        ids = [tenant_connection(rt, caller, connection_id).id]
    else:
        ids = tenant_connection_ids(rt, caller)
    stmt = (
        select(WriteRequest)
        .where(WriteRequest.connection_id.in_(ids))
        .order_by(WriteRequest.id.desc())
    )
    if status:
        stmt = stmt.where(WriteRequest.status.in_([k for k, v in _STATUS.items() if v == status]))
    if object:
        stmt = stmt.where(WriteRequest.object == object)
    if position:
        stmt = stmt.where(WriteRequest.id < position["after"])
    with rt.store.sessions() as session:
        views = [
            WriteRequestView.model_validate(r, from_attributes=True)
            for r in session.scalars(stmt.limit(limit + 1))
        ]
    rows = [operation_of(rt, v) for v in views]
    return OperationList.model_validate(page(rows, limit, lambda o: {"after": o.id}))


@router.get("/v1/operations/{operation_id}", summary="Show a write operation")
def show_operation(operation_id: str, rt: Rt, caller: Reader) -> Operation:
    """Where a write stands: queued, sending, succeeded (remote id) or failed (its case)."""
    try:
        view = rt.store.writes.get(operation_id)
        tenant_connection(rt, caller, view.connection_id)
    except (NotFound, Problem):
        raise Problem(404, f"no operation {operation_id}") from None
    return operation_of(rt, view)
