"""`/v1/exceptions`: the tenant's exception cases; list by class, age and connection; retry;
resolve. A case is one cause of failure with every record it affects."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from hub.api.deps import Reader, Rt, Writer, tenant_connection
from hub.api.deps import tenant_connection_ids as mine
from hub.api.problems import Problem
from hub.api.security import Caller
from hub.jobs.runtime import Runtime
from hub.store import CaseView, NotFound

router = APIRouter(prefix="/v1/exceptions", tags=["exceptions"])


class CaseList(BaseModel):
    """Cases, most recently seen first."""

    data: list[dict[str, Any]]


class Retried(BaseModel):
    """What a retry did."""

    case: dict[str, Any]
    jobs_enqueued: int


def _case(rt: Runtime, caller: Caller, case_id: str) -> tuple[CaseView, list[Any]]:
    try:
        case, records = rt.store.cases.get(case_id)
    except NotFound:
        case, records = None, []
    if case is None or case.connection_id not in mine(rt, caller):
        raise Problem(404, f"no exception case {case_id}")
    return case, records


@router.get("", summary="List exception cases")
def list_cases(
    rt: Rt,
    caller: Reader,
    category: str | None = None,
    connection_id: str | None = None,
    status: Annotated[str | None, Query(description="open (default), resolved or all")] = "open",
    older_than_seconds: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CaseList:
    """The tenant's cases; `older_than_seconds` keeps those first seen longer ago than that."""
    if connection_id:
        tenant_connection(rt, caller, connection_id)
    ids = set(mine(rt, caller))
    cases = rt.store.cases.list(
        status=None if status == "all" else status, category=category,
        connection_id=connection_id, limit=10_000,
    )  # fmt: skip
    kept = [
        c.model_dump(mode="json")
        for c in cases
        if c.connection_id in ids
        and (older_than_seconds is None or c.age_seconds >= older_than_seconds)
    ]
    return CaseList(data=kept[:limit])


@router.get("/{case_id}", summary="Show an exception case")
def show_case(case_id: str, rt: Rt, caller: Reader) -> dict[str, Any]:
    """The case and the records (or jobs) it affects."""
    case, records = _case(rt, caller, case_id)
    return {**case.model_dump(mode="json"), "records": [r.model_dump(mode="json") for r in records]}


@router.post("/{case_id}/retry", status_code=202, summary="Retry a case's jobs")
def retry(case_id: str, request: Request, rt: Rt, caller: Writer) -> Retried:
    """Send the jobs of the case's open records again; it resolves itself when they succeed."""
    from hub.jobs.recovery import retry_case

    _case(rt, caller, case_id)
    count = retry_case(rt, case_id, correlation_id=request.state.request_id)
    case, _ = rt.store.cases.get(case_id)
    return Retried(case=case.model_dump(mode="json"), jobs_enqueued=count)


@router.post("/{case_id}/resolve", summary="Resolve a case by hand")
def resolve(case_id: str, rt: Rt, caller: Writer) -> dict[str, Any]:
    """Close the case (its cause was dealt with outside the hub)."""
    _case(rt, caller, case_id)
    return rt.store.cases.resolve_manual(case_id).model_dump(mode="json")
