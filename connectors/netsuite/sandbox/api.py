"""The REST record API reads and SuiteQL of the NetSuite sandbox.

POST /services/rest/query/v1/suiteql?limit=&offset=   body {"q"}, header Prefer: transient
GET  /services/rest/record/v1/{type}?limit=&offset=   ids and links only
GET  /services/rest/record/v1/{type}/{id|eid:X}       one record (expandSubResources=true)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from connectors.netsuite.sandbox import suiteql
from connectors.netsuite.sandbox.catalog import RecordKind, kind_of
from connectors.netsuite.sandbox.errors import COLLECTION_JSON, SandboxError, json_response
from connectors.netsuite.sandbox.shapes import RECORD_PATH, link, render_record
from connectors.netsuite.sandbox.sqltime import to_char
from connectors.netsuite.sandbox.store import NetSuiteStore
from connectors.sandbox.jsonenc import loads

__all__ = [
    "MAX_LIMIT",
    "MAX_RESULTS",
    "QUERY_PATH",
    "SuiteQLService",
    "base_url",
    "find_record",
    "page_params",
    "record_kind",
]

QUERY_PATH = "/services/rest/query/v1/suiteql"
MAX_LIMIT = 1000
MAX_RESULTS = 100_000


def base_url(request: Request) -> str:
    """`scheme://host` as the client addressed it: every URL the sandbox emits starts here."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


def page_params(request: Request, default_limit: int) -> tuple[int, int]:
    """`limit` and `offset`, checked as NetSuite checks them."""
    try:
        limit = int(request.query_params.get("limit", default_limit))
        offset = int(request.query_params.get("offset", 0))
    except ValueError as exc:
        raise SandboxError(
            400, "INVALID_PARAMETER", "The limit and offset query parameters must be integers."
        ) from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise SandboxError(
            400,
            "INVALID_PARAMETER",
            f"Invalid value for the limit parameter: {limit}. The value must be between 1 and "
            f"{MAX_LIMIT}.",
        )
    if offset < 0 or offset % limit:
        raise SandboxError(
            400,
            "INVALID_PARAMETER",
            f"Invalid value for the offset parameter: {offset}. The offset must be a "
            "non-negative multiple of the limit.",
        )
    return limit, offset


def _page_links(url: str, limit: int, offset: int, total: int) -> list[dict[str, str]]:
    def at(o: int) -> str:
        return f"{url}?{urlencode({'limit': limit, 'offset': o})}"

    last = max(0, (total - 1) // limit * limit) if total else 0
    links = [{"rel": "first", "href": at(0)}]
    if offset > 0:
        links.append({"rel": "previous", "href": at(max(0, offset - limit))})
    if offset + limit < total:
        links.append({"rel": "next", "href": at(offset + limit)})
    links += [{"rel": "last", "href": at(last)}, {"rel": "self", "href": at(offset)}]
    return links


def envelope(
    url: str, items: list[dict[str, Any]], limit: int, offset: int, total: int
) -> dict[str, Any]:
    """The paging envelope of SuiteQL and record lists."""
    return {
        "links": _page_links(url, limit, offset, total),
        "count": len(items),
        "hasMore": offset + len(items) < total,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }


def record_kind(name: str) -> RecordKind:
    """The record type of a path segment, or NetSuite's 404."""
    kind = kind_of(name)
    if kind is None:
        raise SandboxError(404, "NONEXISTENT_ID", f"Record type '{name}' does not exist.", None)
    return kind


def find_record(store: NetSuiteStore, kind: RecordKind, ident: str) -> dict[str, Any]:
    """A record by internal id or `eid:<external id>`, or NetSuite's 404."""
    record: dict[str, Any] | None = None
    if ident.lower().startswith("eid:"):
        record = store.by_external_id(kind, ident[4:])
    elif ident.isdigit():
        record = store.get(kind, int(ident))
    if record is None:
        raise SandboxError(
            404,
            "NONEXISTENT_ID",
            "The record instance does not exist. Provide a valid record instance ID.",
            "id",
        )
    return record


def _render(value: Any, store: NetSuiteStore) -> Any:
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return to_char(value, None, store.zone)
    return value


class SuiteQLService:
    """Runs SuiteQL for the endpoint; full results are cached per query until the next write."""

    def __init__(self, store: NetSuiteStore) -> None:
        self.store = store
        self._cache: OrderedDict[tuple[str, int], tuple[suiteql.Result, int]] = OrderedDict()
        self._columns: dict[tuple[str, int], set[str]] = {}
        self._shapes: OrderedDict[tuple[str, int], suiteql.Result] = OrderedDict()
        self._lock = threading.Lock()

    def columns(self, table: str) -> set[str]:
        """A table's columns (`""`: the table names)."""
        store = self.store
        if table == "":
            return store.tables()
        if table not in store.tables():
            return set()
        key = (table, store.version)
        known = self._columns.get(key)
        if known is None:
            known = set(_SCHEMA.get(table, ()))
            for row in store.table(table):
                known.update(row)
            self._columns = {k: v for k, v in self._columns.items() if k[1] == store.version}
            self._columns[key] = known
        return known

    def results(self, text: str) -> tuple[suiteql.Result, int]:
        """Every row of a query (cached by its shape), and where its `key > n` rows start."""
        store = self.store
        with store.lock:
            key = (text, store.version)
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                    return cached
            try:
                parsed = suiteql.parse(text, store.zone, self.columns)
                shape = (parsed.shape, store.version)
                with self._lock:
                    whole = self._shapes.get(shape)
                if whole is None:
                    whole = suiteql.run_keyed(parsed, store.table, store.index)
                start = suiteql.start_after(whole.keys, parsed.key_after)
            except suiteql.SuiteQLError as exc:
                raise SandboxError(400, "INVALID_PARAMETER", str(exc), "q") from exc
            with self._lock:
                self._shapes[shape] = whole
                self._cache[key] = (whole, start)
                while len(self._cache) > 8:
                    self._cache.popitem(last=False)
                while len(self._shapes) > 8:
                    self._shapes.popitem(last=False)
            return whole, start

    async def endpoint(self, request: Request) -> Response:
        """`POST /services/rest/query/v1/suiteql`."""
        try:
            if "transient" not in request.headers.get("prefer", "").lower():
                raise SandboxError(
                    400,
                    "INVALID_PARAMETER",
                    "SuiteQL queries must be sent with the header 'Prefer: transient'.",
                )
            limit, offset = page_params(request, MAX_LIMIT)
            cap = self.store.config.result_cap
            if offset >= cap:
                raise SandboxError(
                    400,
                    "INVALID_PARAMETER",
                    f"Invalid value for the offset parameter: {offset}. SuiteQL returns at most "
                    f"{cap} results; page by key (WHERE id > n ORDER BY id) instead.",
                )
            try:
                body = loads(await request.body() or b"{}")
            except ClientDisconnect:
                return Response(status_code=400)  # the client gave up before sending its query
            except ValueError as exc:
                raise SandboxError(400, "INVALID_CONTENT", "The body is not valid JSON.") from exc
            text = body.get("q") if isinstance(body, dict) else None
            if not isinstance(text, str):
                raise SandboxError(400, "INVALID_CONTENT", 'The body must be {"q": query}.', "q")
            result, start = self.results(text)
            with self.store.lock:
                total = min(len(result) - start, cap)
                page = result.rows(start + offset, start + min(offset + limit, total))
        except SandboxError as exc:
            return exc.response()
        items = [
            {"links": [], **{k: _render(v, self.store) for k, v in row.items() if v is not None}}
            for row in page
        ]
        url = base_url(request) + QUERY_PATH
        return json_response(envelope(url, items, limit, offset, total), media=COLLECTION_JSON)


_SCHEMA: dict[str, tuple[str, ...]] = {
    "deletedrecord": (
        "recordid",
        "type",
        "recordtypeid",
        "deleteddate",
        "name",
        "externalid",
        "istransaction",
    ),
}


def read_routes_handlers(store: NetSuiteStore) -> dict[str, Any]:
    """Handlers for the record list and record reads."""

    async def list_records(request: Request) -> Response:
        try:
            kind = record_kind(request.path_params["type"])
            limit, offset = page_params(request, MAX_LIMIT)
        except SandboxError as exc:
            return exc.response()
        base = base_url(request)
        with store.lock:
            ids = sorted(store.records[kind.name])
        total = len(ids)
        items = [
            {"links": link(base, kind.name, rid), "id": str(rid)}
            for rid in ids[offset : offset + limit]
        ]
        url = f"{base}{RECORD_PATH}/{kind.name}"
        return json_response(envelope(url, items, limit, offset, total), media=COLLECTION_JSON)

    async def get_record(request: Request) -> Response:
        try:
            kind = record_kind(request.path_params["type"])
            with store.lock:
                record = find_record(store, kind, request.path_params["id"])
                expand = request.query_params.get("expandSubResources", "").lower() == "true"
                body = render_record(store, base_url(request), kind, record, expand)
        except SandboxError as exc:
            return exc.response()
        return json_response(body)

    return {"list": list_records, "get": get_record}


def amount(value: Any) -> Decimal:
    """A JSON amount as a Decimal (the sandbox parses JSON with exact decimals)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))
