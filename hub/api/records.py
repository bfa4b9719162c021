"""`/v1/suppliers`, `/v1/invoices`, ...: the canonical records the hub holds, read-only.

Lists are cursor-paginated (`limit`, `cursor` -> `{data, next_cursor}`; the last page has no
`next_cursor`) and filtered by connection, `modified_after` (RFC 3339), deletion, status and
party. One record answers with its `version` as its `ETag` (and 304 to `If-None-Match`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from hub.api.deps import Reader, Rt, decode_cursor, page, tenant_connection, tenant_connection_ids
from hub.api.problems import Problem, field_error
from hub.api.security import Caller
from hub.jobs.runtime import Runtime
from hub.store.listing import RecordFilter, list_records
from hub.store.records import RecordView

router = APIRouter(tags=["records"])

FAMILIES: dict[str, str] = {
    "suppliers": "supplier",
    "customers": "customer",
    "invoices": "invoice",
    "payments": "payment",
    "journal-entries": "journal_entry",
    "accounts": "account",
    "tax-rates": "tax_rate",
    "dimensions": "dimension",
}
"""URL segment -> canonical object."""


class RecordList(BaseModel):
    """A page of records."""

    data: list[dict[str, Any]] = Field(
        description="Canonical records with `id`, `remote_id`, `version`, `remote_deleted`."
    )
    next_cursor: str | None = Field(None, description="Absent on the last page.")


def record_out(view: RecordView, include_remote_data: bool = False) -> dict[str, Any]:
    """The canonical record with the store's version and deletion mark."""
    body = dict(view.data)
    body.pop("remote_data", None)
    body.update(
        id=view.hub_id,
        connection_id=view.connection_id,
        remote_id=view.remote_id,
        version=view.version,
        remote_deleted=view.remote_deleted,
    )
    if include_remote_data:
        body["remote_data"] = view.raw
    return body


def tenant_record(rt: Runtime, caller: Caller, object_name: str, record_id: str) -> RecordView:
    """The caller's record of this object; 404 otherwise (another tenant's included)."""
    view = rt.store.records.get(record_id)
    if view is None or view.object != object_name:
        raise Problem(404, f"no {object_name} {record_id}")
    connection = rt.store.connections.list(tenant_id=caller.tenant_id)
    if view.connection_id not in {c.id for c in connection}:
        raise Problem(404, f"no {object_name} {record_id}")
    return view


def _register(segment: str, object_name: str) -> None:
    def list_family(
        rt: Rt,
        caller: Reader,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        cursor: str | None = None,
        connection_id: str | None = None,
        modified_after: Annotated[
            datetime | None, Query(description="RFC 3339; records changed after this time.")
        ] = None,
        include_deleted: bool = False,
        status: str | None = None,
        party_id: Annotated[str | None, Query(alias="party")] = None,
        include_remote_data: bool = False,
    ) -> RecordList:
        if modified_after is not None and modified_after.tzinfo is None:
            raise field_error(422, "modified_after", "needs a time zone (RFC 3339), e.g. Z")
        position = decode_cursor(cursor)
        if connection_id is not None:
            connections = [tenant_connection(rt, caller, connection_id).id]
        else:
            connections = tenant_connection_ids(rt, caller)
        where = RecordFilter(
            object_name, connections, modified_after, include_deleted, status, party_id
        )
        views = list_records(rt.store.sessions, where, after=position.get("after"), limit=limit + 1)
        items = [record_out(v, include_remote_data) for v in views]
        return RecordList.model_validate(page(items, limit, lambda r: {"after": r["id"]}))

    def get_one(
        record_id: str,
        rt: Rt,
        caller: Reader,
        include_remote_data: bool = False,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        view = tenant_record(rt, caller, object_name, record_id)
        etag = f'"{view.version}"'
        if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
            return Response(status_code=304, headers={"ETag": etag})
        return JSONResponse(record_out(view, include_remote_data), headers={"ETag": etag})

    noun = segment.replace("-", " ")
    router.add_api_route(
        f"/v1/{segment}",
        list_family,
        methods=["GET"],
        summary=f"List {noun}",
        operation_id=f"list_{object_name}",
        response_model=RecordList,
        response_model_exclude_none=True,
    )
    router.add_api_route(
        f"/v1/{segment}/{{record_id}}",
        get_one,
        methods=["GET"],
        summary=f"Show one of the {noun}",
        operation_id=f"get_{object_name}",
        responses={200: {"description": "The canonical record; `ETag` is its version."}},
    )


for _segment, _object in FAMILIES.items():
    _register(_segment, _object)
