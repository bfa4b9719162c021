"""Record API writes of the NetSuite sandbox: create, update, upsert by external id, delete,
and asynchronous requests with idempotency keys.

POST   /services/rest/record/v1/{type}           204 + Location of the new record
PATCH  /services/rest/record/v1/{type}/{id}      204
PUT    /services/rest/record/v1/{type}/eid:{x}   upsert by external id, 204 + Location
DELETE /services/rest/record/v1/{type}/{id}      204; the record goes to `deletedrecord`
Prefer: respond-async                            202 + Location of a job; X-NetSuite-Idempotency-Key
GET    /services/rest/async/v1/job/{id}[/task/{t}[/result]]
"""

from __future__ import annotations

import threading
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from connectors.netsuite.sandbox.api import base_url, find_record, record_kind
from connectors.netsuite.sandbox.catalog import RecordKind
from connectors.netsuite.sandbox.errors import SandboxError, json_response
from connectors.netsuite.sandbox.shapes import RECORD_PATH
from connectors.netsuite.sandbox.store import NetSuiteStore
from connectors.netsuite.sandbox.validate import build_record
from connectors.sandbox.control import SandboxRuntime
from connectors.sandbox.jsonenc import loads

__all__ = ["ASYNC_PATH", "write_routes"]

ASYNC_PATH = "/services/rest/async/v1/job"


class _Jobs:
    """Asynchronous request jobs and the idempotency keys that started them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[int, dict[str, Any]] = {}
        self.by_key: dict[str, int] = {}

    def clear(self) -> None:
        with self.lock:
            self.jobs.clear()
            self.by_key.clear()


def _validation_mode(request: Request) -> str:
    return request.headers.get("x-netsuite-propertynamevalidation", "warning").strip().lower()


async def _body(request: Request) -> dict[str, Any]:
    try:
        raw = await request.body()
    except ClientDisconnect as exc:
        raise SandboxError(400, "INVALID_CONTENT", "The client closed the request.") from exc
    try:
        body = loads(raw or b"{}")
    except ValueError as exc:
        raise SandboxError(400, "INVALID_CONTENT", "The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise SandboxError(400, "INVALID_CONTENT", "The request body must be a JSON object.")
    return body


def _apply(
    store: NetSuiteStore,
    method: str,
    kind: RecordKind,
    ident: str | None,
    body: dict[str, Any],
    strict: bool,
) -> tuple[int, int | None]:
    """Do one write; (status, id of the record written or None)."""
    if not kind.writable:
        raise SandboxError(405, "INVALID_REQUEST", f"Record type '{kind.name}' is read-only.")
    with store.lock:
        if method == "DELETE":
            assert ident is not None
            record = find_record(store, kind, ident)
            blockers = store.dependents(kind, record["id"])
            if blockers:
                raise SandboxError(
                    400,
                    "USER_ERROR",
                    "This record cannot be deleted because it has dependent records: "
                    + ", ".join(blockers),
                )
            store.delete(kind, record["id"])
            return 204, None
        existing: dict[str, Any] | None = None
        external_id: str | None = None
        if ident is not None:
            if ident.lower().startswith("eid:"):
                external_id = ident[4:]
                if not external_id:
                    raise SandboxError(400, "INVALID_PARAMETER", "The external ID is empty.", "id")
                existing = store.by_external_id(kind, external_id)
                if existing is None and method == "PATCH":
                    find_record(store, kind, ident)
            else:
                existing = find_record(store, kind, ident)
        if method == "POST" and ident is None:
            external_id = (
                body.get("externalId") if isinstance(body.get("externalId"), str) else None
            )
            if external_id and store.by_external_id(kind, external_id) is not None:
                raise SandboxError(
                    400,
                    "USER_ERROR",
                    f"A {kind.name} record with external ID '{external_id}' already exists.",
                    "externalId",
                )
        record = build_record(store, kind, body, existing, strict=strict)
        if existing is None:
            record["id"] = store.next_id(kind)
        if external_id:
            record["externalId"] = external_id
        store.put(kind, record)
        return 204, record["id"]


def write_routes(store: NetSuiteStore, runtime: SandboxRuntime) -> list[Route]:
    """Routes for record writes and asynchronous jobs."""
    jobs = _Jobs()
    reset_data = runtime.reset_data

    def reset_all() -> None:
        reset_data()
        jobs.clear()

    runtime.reset_data = reset_all

    async def write(request: Request) -> Response:
        method = request.method
        ident = request.path_params.get("id")
        base = base_url(request)
        try:
            kind = record_kind(request.path_params["type"])
            if method == "PUT" and (ident is None or not ident.lower().startswith("eid:")):
                raise SandboxError(
                    405, "INVALID_REQUEST", "PUT upserts by external id: /{type}/eid:{externalId}."
                )
            body = await _body(request) if method != "DELETE" else {}
            strict = _validation_mode(request) == "error"
            prefer = request.headers.get("prefer", "").lower()
            if "respond-async" in prefer:
                return _async(request, base, method, kind, ident, body, strict)
            _, record_id = _apply(store, method, kind, ident, body, strict)
        except SandboxError as exc:
            return exc.response()
        headers = {}
        if record_id is not None:
            headers["Location"] = f"{base}{RECORD_PATH}/{kind.name}/{record_id}"
        return Response(status_code=204, headers=headers)

    def _async(
        request: Request,
        base: str,
        method: str,
        kind: RecordKind,
        ident: str | None,
        body: dict[str, Any],
        strict: bool,
    ) -> Response:
        key = request.headers.get("x-netsuite-idempotency-key")
        with jobs.lock:
            if key and key in jobs.by_key:
                first = jobs.by_key[key]
                error = SandboxError(
                    400,
                    "IDEMPOTENCY_ERROR",
                    f"A request with the idempotency key '{key}' has already been submitted.",
                )
                return error.response({"Location": f"{base}{ASYNC_PATH}/{first}"})
            job_id = len(jobs.jobs) + 1
            if key:
                jobs.by_key[key] = job_id
            jobs.jobs[job_id] = {"id": job_id, "completed": False, "progress": "pending"}
        try:
            status, record_id = _apply(store, method, kind, ident, body, strict)
            result: dict[str, Any] = {"status": status, "record": record_id, "kind": kind.name}
        except SandboxError as exc:
            result = {"status": exc.status, "error": exc}
        with jobs.lock:
            jobs.jobs[job_id] = {
                "id": job_id,
                "completed": True,
                "progress": "failed" if "error" in result else "succeeded",
                "result": result,
            }
        return Response(
            status_code=202,
            headers={
                "Location": f"{base}{ASYNC_PATH}/{job_id}",
                "Preference-Applied": "respond-async",
            },
        )

    async def job(request: Request) -> Response:
        base = base_url(request)
        try:
            job_id = int(request.path_params["job"])
        except ValueError:
            job_id = -1
        with jobs.lock:
            entry = jobs.jobs.get(job_id)
        if entry is None:
            return SandboxError(404, "NONEXISTENT_ID", "The job does not exist.").response()
        url = f"{base}{ASYNC_PATH}/{job_id}"
        task = request.path_params.get("task")
        if task is None:
            return json_response(
                {
                    "links": [{"rel": "self", "href": url}],
                    "completed": entry["completed"],
                    "id": str(job_id),
                    "progress": entry["progress"],
                    "task": {"links": [{"rel": "related", "href": f"{url}/task/{job_id}"}]},
                }
            )
        result = entry.get("result", {})
        if request.url.path.endswith("/result"):
            if "error" in result:
                error: SandboxError = result["error"]
                return error.response()
            headers = {}
            if result.get("record") is not None:
                headers["Location"] = f"{base}{RECORD_PATH}/{result['kind']}/{result['record']}"
            return Response(status_code=result.get("status", 204), headers=headers)
        return json_response(
            {
                "links": [{"rel": "self", "href": f"{url}/task/{task}"}],
                "completed": entry["completed"],
                "id": str(task),
                "progress": entry["progress"],
                "result": {"links": [{"rel": "related", "href": f"{url}/task/{task}/result"}]},
            }
        )

    return [
        Route(f"{RECORD_PATH}/{{type}}", write, methods=["POST"]),
        Route(f"{RECORD_PATH}/{{type}}/{{id}}", write, methods=["PATCH", "PUT", "DELETE"]),
        Route(f"{ASYNC_PATH}/{{job}}", job, methods=["GET"]),
        Route(f"{ASYNC_PATH}/{{job}}/task/{{task}}", job, methods=["GET"]),
        Route(f"{ASYNC_PATH}/{{job}}/task/{{task}}/result", job, methods=["GET"]),
    ]
