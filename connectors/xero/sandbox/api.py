"""The `/api.xro/2.0/...` endpoints: lists with paging and filters, GET by id, and writes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from canonical import jsonio
from connectors.sandbox.control import SandboxRuntime
from connectors.sandbox.idempotency import StoredResponse
from connectors.sandbox.jsonenc import dumps, parse_http_or_iso_datetime
from connectors.sandbox.store import ViewKey
from connectors.xero.sandbox.catalog import SPECS, WRITABLE, Spec
from connectors.xero.sandbox.errors import (
    JSON,
    json_response,
    not_found,
    query_parse_error,
    validation_error,
)
from connectors.xero.sandbox.query import QueryParseError, parse_order, parse_where
from connectors.xero.sandbox.state import XeroSandboxState
from connectors.xero.sandbox.writes import WriteBatch, apply_element
from connectors.xero.wire import format_ms_datetime, parse_ms_datetime

__all__ = ["API_PREFIX", "api_routes"]

API_PREFIX = "/api.xro/2.0"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
MAX_ELEMENTS = 50
MAX_KEY_LENGTH = 128
# Query parameters that filter by a list of values: (parameter, dotted field).
_LIST_FILTERS = {
    "invoices": (
        ("Statuses", "Status"),
        ("InvoiceNumbers", "InvoiceNumber"),
        ("ContactIDs", "Contact.ContactID"),
    ),
}


class _BadRequest(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("bad request")
        self.response = response


def _envelope(state: XeroSandboxState, spec: Spec, items: list[bytes], pagination: Any) -> bytes:
    head: dict[str, Any] = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": state.config.provider_name,
        "DateTimeUTC": format_ms_datetime(datetime.now(UTC)).replace("+0000", ""),
    }
    if pagination is not None:
        head["pagination"] = pagination
    prefix = dumps(head)[:-1] + f',"{spec.key}":['
    return prefix.encode() + b",".join(items) + b"]}"


def _int(request: Request, name: str, default: int, low: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _BadRequest(validation_error([], f"{name} must be a whole number")) from None
    return max(low, value)


def _view_key(request: Request, spec: Spec) -> ViewKey:
    params = request.query_params
    try:
        conditions = parse_where(params.get("where"))
        order = parse_order(params.get("order"))
    except QueryParseError as exc:
        raise _BadRequest(query_parse_error(str(exc))) from None
    since = None
    header = request.headers.get("if-modified-since")
    if header and spec.stamped:
        try:
            since = parse_http_or_iso_datetime(header, parse_ms_datetime)
        except ValueError:
            raise _BadRequest(validation_error([], "If-Modified-Since is not a date")) from None
    ids = params.get("IDs") or params.get("ids")
    extra = []
    for param, dotted in _LIST_FILTERS.get(spec.name, ()):
        if params.get(param):
            values = frozenset(v.strip().lower() for v in params[param].split(",") if v.strip())
            extra.append((dotted, values))
    return ViewKey(
        conditions=conditions,
        order=order,
        modified_since=since,
        include_archived=params.get("includeArchived", "").lower() == "true"
        or spec.archived_when is None,
        ids=frozenset(i.strip().lower() for i in ids.split(",")) if ids else None,
        extra=tuple(extra),
    )


def _list(state: XeroSandboxState, spec: Spec, request: Request) -> Response:
    key = _view_key(request, spec)
    paged = spec.paged and request.query_params.get("page") not in (None, "")
    with state.lock:
        collection = state.store[spec.name]
        if paged:
            page = _int(request, "page", 1, 1)
            size = min(_int(request, "pageSize", DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
            result = collection.page(key, page, size)
            pagination = {
                "page": result.page,
                "pageSize": result.page_size,
                "pageCount": result.page_count,
                "itemCount": result.item_count,
            }
            body = _envelope(state, spec, result.items, pagination)
        else:
            items = [r.encoded(spec.summary_drops) for r in collection.view(key)]
            body = _envelope(state, spec, items, None)
    return Response(body, media_type=JSON)


def _elements(spec: Spec, body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get(spec.key), list):
        elements = body[spec.key]
    elif isinstance(body, list):
        elements = body
    elif isinstance(body, dict):
        elements = [body]
    else:
        elements = []
    if not elements or not all(isinstance(e, dict) for e in elements):
        raise _BadRequest(validation_error([], f"The request must contain {spec.key}"))
    if len(elements) > MAX_ELEMENTS:
        raise _BadRequest(
            validation_error([], f"No more than {MAX_ELEMENTS} {spec.key} per request")
        )
    return list(elements)


def _failed(element: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    return {
        **element,
        "StatusAttributeString": "ERROR",
        "ValidationErrors": [{"Message": message} for message in errors],
        "HasValidationErrors": True,
    }


def _write(
    state: XeroSandboxState, spec: Spec, body: Any, ident: str | None, summarize: bool
) -> Response:
    elements = _elements(spec, body)
    if ident is not None:
        elements[0] = {**elements[0], spec.id_field: ident}
    with state.lock:
        if summarize:
            batch = WriteBatch()
            checks = [apply_element(state, spec.name, e, batch, dry_run=True) for e in elements]
            failures = [
                _failed(e, o.errors) for e, o in zip(elements, checks, strict=True) if o.errors
            ]
            if failures:
                return validation_error(failures)
            batch = WriteBatch()
            outcomes = [apply_element(state, spec.name, e, batch, dry_run=False) for e in elements]
            docs = [
                o.doc if o.doc is not None else _failed(e, o.errors)
                for e, o in zip(elements, outcomes, strict=True)
            ]
        else:
            batch = WriteBatch()
            docs = []
            for element in elements:
                outcome = apply_element(state, spec.name, element, batch, dry_run=False)
                if outcome.doc is None:
                    # Unsummarised, Xero flags the failed element itself (its SDK reads it).
                    docs.append({**_failed(element, outcome.errors), "HasErrors": True})
                else:
                    docs.append(
                        {**outcome.doc, "StatusAttributeString": "OK", "ValidationErrors": []}
                    )
        items = [dumps(doc).encode() for doc in docs]
        return Response(_envelope(state, spec, items, None), media_type=JSON)


async def _handle_write(
    state: XeroSandboxState,
    runtime: SandboxRuntime,
    spec: Spec,
    request: Request,
    ident: str | None,
) -> Response:
    key = request.headers.get("idempotency-key")
    tenant = request.headers.get("xero-tenant-id", "")
    if key is not None:
        if len(key) > MAX_KEY_LENGTH:
            return validation_error(
                [], f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters"
            )
        stored = runtime.idempotency.get(tenant, key)
        if stored is not None:
            return Response(stored.body, status_code=stored.status, media_type=stored.media_type)
    raw = await request.body()
    try:
        body = jsonio.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return json_response(
            {
                "ErrorNumber": 17,
                "Type": "PostDataInvalidException",
                "Message": "The request body is not valid JSON",
            },
            400,
        )
    summarize = request.query_params.get("summarizeErrors", "true").lower() != "false"
    try:
        response = _write(state, spec, body, ident, summarize)
    except _BadRequest as exc:
        response = exc.response
    if key is not None and response.status_code < 500:
        stored = runtime.idempotency.put(
            tenant, key, StoredResponse(response.status_code, bytes(response.body), JSON)
        )
        return Response(stored.body, status_code=stored.status, media_type=stored.media_type)
    return response


def api_routes(state: XeroSandboxState, runtime: SandboxRuntime) -> list[Route]:
    """A collection route and an item route for every served collection."""
    routes = []
    for spec in SPECS:
        writable = spec.name in WRITABLE

        async def collection(request: Request, spec: Spec = spec) -> Response:
            try:
                if request.method == "GET":
                    return _list(state, spec, request)
                return await _handle_write(state, runtime, spec, request, None)
            except _BadRequest as exc:
                return exc.response

        async def item(request: Request, spec: Spec = spec) -> Response:
            ident = str(request.path_params["ident"])
            if request.method == "POST":
                return await _handle_write(state, runtime, spec, request, ident)
            with state.lock:
                record = state.store[spec.name].get(ident)
                if record is None:
                    return not_found()
                body = _envelope(state, spec, [record.encoded()], None)
            return Response(body, media_type=JSON)

        methods = ["GET", "PUT", "POST"] if writable else ["GET"]
        routes.append(Route(f"{API_PREFIX}/{spec.path}", collection, methods=methods))
        item_methods = ["GET", "POST"] if writable else ["GET"]
        routes.append(Route(f"{API_PREFIX}/{spec.path}/{{ident}}", item, methods=item_methods))
    return routes
