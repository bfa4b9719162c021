"""The OData V2 endpoints of the SAP sandbox, for every declared service.

Per service, under `/sap/opu/odata/sap/<SERVICE>`:

GET|HEAD  /  and  ''                     service document (and the CSRF token on `fetch`)
GET       /$metadata                     EDMX written from the declarations
GET       /<Set>                         `$filter $orderby $top $skip $skiptoken $select
                                         $expand $inlinecount`; server paging with `__next`
GET       /<Set>/$count                  the number as text/plain
GET       /<Set>(<key>)[/<nav>[/$count]] one entity (composite keys too), or what it links to
POST      /<Set>                         create, with deep insert of navigations
PATCH|MERGE|PUT|DELETE /<Set>(<key>)     update or delete where the set allows it
POST|GET  /<FunctionImport>?p=<literal>  function imports
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connectors.sandbox.jsonenc import loads
from connectors.sap.sandbox.batch import batch_endpoint
from connectors.sap.sandbox.edm import EntitySet, Service, metadata_xml
from connectors.sap.sandbox.errors import json_response, odata_error
from connectors.sap.sandbox.query import (
    QueryError,
    closing_paren,
    compile_filter,
    order_key,
    parse_key_predicate,
    split_top_level,
)
from connectors.sap.sandbox.state import SapSandboxState, WriteRejected
from connectors.sap.sandbox.store import Row
from connectors.sap.sandbox.wire import ODataValueError, literal, parse_literal, to_json

__all__ = ["ODATA_PREFIX", "odata_routes"]

ODATA_PREFIX = "/sap/opu/odata/sap"
_READ = ["GET", "HEAD"]
_KEY_SAFE = "'=,()"
_QUERY_SAFE = "$'(),="
_WRITE = ["POST", "PUT", "PATCH", "MERGE", "DELETE"]
Handler = Callable[[Request], Awaitable[Response]]


def _bad_request(message: str) -> Response:
    return odata_error(400, "/IWBEP/CM_MGW_RT/022", message)


def _not_found(message: str) -> Response:
    return odata_error(404, "/IWBEP/CM_MGW_RT/020", message)


class _Service:
    """Request handling for one service."""

    def __init__(self, service: Service, state: SapSandboxState) -> None:
        self.svc, self.state = service, state
        self.root = f"{ODATA_PREFIX}/{service.name}"
        self.metadata = metadata_xml(service).encode("utf-8")

    # -- helpers -----------------------------------------------------------------------
    def base(self, request: Request) -> str:
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        return f"{request.url.scheme}://{host}{self.root}"

    def key_text(self, es: EntitySet, row: Row) -> str:
        if len(es.keys) == 1:
            return literal(es.by_name[es.keys[0]], row[es.keys[0]])
        return ",".join(f"{k}={literal(es.by_name[k], row[k])}" for k in es.keys)

    def entity_json(
        self,
        base: str,
        es: EntitySet,
        row: Row,
        select: set[str] | None,
        expand: dict[str, Any],
    ) -> dict[str, Any]:
        uri = f"{base}/{es.name}({quote(self.key_text(es, row), safe=_KEY_SAFE)})"
        out: dict[str, Any] = {
            "__metadata": {"id": uri, "uri": uri, "type": f"{self.svc.name}.{es.type_name}"}
        }
        for prop in es.props:
            if select is None or prop.name in select:
                out[prop.name] = to_json(prop, row[prop.name])
        for nav in es.navs:
            if nav.name in expand:
                target = self.svc.set_by_name[nav.target]
                linked = self.state.store.follow(self.svc.name, es, nav, row)
                nested = expand[nav.name]
                items = [self.entity_json(base, target, r, None, nested) for r in linked]
                out[nav.name] = {"results": items} if nav.many else (items[0] if items else None)
            elif select is None or nav.name in select:
                out[nav.name] = {"__deferred": {"uri": f"{uri}/{nav.name}"}}
        return out

    def parse_expand(self, es: EntitySet, text: str) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for path in split_top_level(text):
            current, node = es, tree
            for step in path.split("/"):
                nav = current.nav_by_name.get(step)
                if nav is None:
                    raise QueryError(
                        f"Navigation property '{step}' not found in '{current.type_name}'"
                    )
                node = node.setdefault(step, {})
                current = self.svc.set_by_name[nav.target]
        return tree

    def parse_select(self, es: EntitySet, text: str) -> set[str] | None:
        if not text.strip() or text.strip() == "*":
            return None
        chosen: set[str] = set(es.keys)
        for name in split_top_level(text):
            top = name.split("/")[0]
            if top not in es.by_name and top not in es.nav_by_name:
                raise QueryError(f"Property '{top}' not found in type '{es.type_name}'")
            chosen.add(top)
        return chosen

    def locate(self, es: EntitySet, key_text: str) -> Row | None:
        key = parse_key_predicate(es, key_text)
        with self.state.store.lock:
            return self.state.store.table(self.svc.name, es.name).get(key)

    # -- endpoints ---------------------------------------------------------------------
    async def service_document(self, request: Request) -> Response:
        if request.method == "HEAD":
            return Response(status_code=200, media_type="application/json")
        body = {"d": {"EntitySets": [es.name for es in self.svc.sets]}}
        return json_response(body, headers={"DataServiceVersion": "2.0"})

    async def metadata_document(self, _: Request) -> Response:
        return Response(
            self.metadata,
            media_type="application/xml",
            headers={
                "DataServiceVersion": "2.0",
                "sap-metadata-last-modified": "Thu, 01 Jan 2026 00:00:00 GMT",
            },
        )

    def list_rows(self, request: Request, es: EntitySet, rows: list[Row] | None) -> Response:
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        try:
            predicate = compile_filter(es, params.get("$filter", ""))
            order = order_key(es, params.get("$orderby", ""))
            select = self.parse_select(es, params.get("$select", ""))
            expand = self.parse_expand(es, params.get("$expand", ""))
            top = _non_negative(params, "$top")
            skip = _non_negative(params, "$skip") or 0
            token = _non_negative(params, "$skiptoken") or 0
            inline = params.get("$inlinecount", "none")
            if inline not in ("allpages", "none"):
                raise QueryError(f"Invalid value '{inline}' for $inlinecount")
        except QueryError as exc:
            return _bad_request(str(exc))
        store = self.state.store
        with store.lock:
            if rows is None:
                table = store.table(self.svc.name, es.name)
                keys = table.select(
                    (params.get("$filter", ""), params.get("$orderby", "")), predicate, order
                )
                matched: list[Row] | None = None
                total = len(keys)
            else:
                matched = [r for r in rows if predicate(r)]
                total = len(matched)
            page = self.state.config.page_size(top)
            start = skip + token
            stop = total if top is None else min(total, skip + top)
            end = min(stop, start + page)
            if matched is None:
                chosen = [table.rows[k] for k in keys[start:end]]
            else:
                chosen = matched[start:end]
            base = self.base(request)
            results = [self.entity_json(base, es, r, select, expand) for r in chosen]
        body: dict[str, Any] = {"results": results}
        if inline == "allpages":
            body["__count"] = str(total)
        if end < stop:
            query = [
                (k, v)
                for k, v in parse_qsl(request.url.query, keep_blank_values=True)
                if k != "$skiptoken"
            ]
            query.append(("$skiptoken", str(end - skip)))
            tail = urlencode(query, quote_via=quote, safe=_QUERY_SAFE)
            body["__next"] = f"{base}{_raw_tail(request, self.root)}?{tail}"
        return json_response({"d": body}, headers={"DataServiceVersion": "2.0"})

    async def entity_set(self, request: Request) -> Response:
        es: EntitySet = request.scope["sap.entity_set"]
        tail = _raw_tail(request, f"{self.root}/{es.name}")
        if request.method in _WRITE:
            return await self.write(request, es, tail)
        if tail == "":
            return self.list_rows(request, es, None)
        if tail == "/$count":
            return self.count(request, es, None)
        if not tail.startswith("("):
            return _not_found(f"Resource not found for the segment '{es.name}{tail}'")
        key_text, rest = _split_key(tail)
        try:
            row = self.locate(es, key_text)
        except QueryError as exc:
            return _bad_request(str(exc))
        if row is None:
            return _not_found(f"Resource not found for segment '{es.type_name}'")
        if rest in ("", "/"):
            params = dict(parse_qsl(request.url.query, keep_blank_values=True))
            try:
                select = self.parse_select(es, params.get("$select", ""))
                expand = self.parse_expand(es, params.get("$expand", ""))
            except QueryError as exc:
                return _bad_request(str(exc))
            with self.state.store.lock:
                entity = self.entity_json(self.base(request), es, row, select, expand)
            return json_response({"d": entity}, headers={"DataServiceVersion": "2.0"})
        nav_name, _, more = rest.lstrip("/").partition("/")
        nav = es.nav_by_name.get(nav_name)
        if nav is None:
            return _not_found(f"Resource not found for the segment '{nav_name}'")
        target = self.svc.set_by_name[nav.target]
        with self.state.store.lock:
            linked = self.state.store.follow(self.svc.name, es, nav, row)
        if more == "$count":
            return self.count(request, target, linked)
        if nav.many:
            return self.list_rows(request, target, linked)
        if not linked:
            return _not_found(f"Resource not found for the segment '{nav_name}'")
        with self.state.store.lock:
            entity = self.entity_json(self.base(request), target, linked[0], None, {})
        return json_response({"d": entity})

    def count(self, request: Request, es: EntitySet, rows: list[Row] | None) -> Response:
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        try:
            predicate = compile_filter(es, params.get("$filter", ""))
        except QueryError as exc:
            return _bad_request(str(exc))
        with self.state.store.lock:
            source = (
                rows
                if rows is not None
                else self.state.store.table(self.svc.name, es.name).rows.values()
            )
            total = sum(1 for r in source if predicate(r))
        return Response(str(total), media_type="text/plain")

    async def write(self, request: Request, es: EntitySet, tail: str) -> Response:
        method = request.method
        if method == "POST" and tail == "":
            if not es.creatable:
                return _not_implemented("CREATE_ENTITY", es)
            body = await _json_object(request)
            if isinstance(body, Response):
                return body
            try:
                row = self.state.create(self.svc, es, body)
            except WriteRejected as exc:
                return odata_error(exc.status, exc.code, exc.message, exc.details)
            with self.state.store.lock:
                entity = self.entity_json(
                    self.base(request),
                    es,
                    row,
                    None,
                    {n.name: {} for n in es.navs if n.many and n.name in body},
                )
            return json_response(
                {"d": entity},
                201,
                headers={"Location": entity["__metadata"]["uri"], "DataServiceVersion": "2.0"},
            )
        if not tail.startswith("("):
            return odata_error(405, "/IWBEP/CM_MGW_RT/021", f"Method {method} not allowed here")
        key_text, rest = _split_key(tail)
        if rest not in ("", "/"):
            return odata_error(
                405, "/IWBEP/CM_MGW_RT/021", f"Method {method} not allowed on navigations"
            )
        try:
            key = parse_key_predicate(es, key_text)
        except QueryError as exc:
            return _bad_request(str(exc))
        try:
            if method == "DELETE":
                if not es.deletable:
                    return _not_implemented("DELETE_ENTITY", es)
                self.state.delete(self.svc, es, key)
                return Response(status_code=204)
            if not es.updatable:
                return _not_implemented("UPDATE_ENTITY", es)
            body = await _json_object(request)
            if isinstance(body, Response):
                return body
            self.state.update(self.svc, es, key, body, replace=method == "PUT")
        except WriteRejected as exc:
            return odata_error(exc.status, exc.code, exc.message, exc.details)
        return Response(status_code=204)

    async def function(self, request: Request) -> Response:
        name = request.scope["sap.function"]
        fn = self.svc.function_by_name[name]
        if request.method not in (fn.http_method, "HEAD") and not (
            fn.http_method == "GET" and request.method == "HEAD"
        ):
            return odata_error(
                405, "/IWBEP/CM_MGW_RT/021", f"Function import '{name}' needs HTTP {fn.http_method}"
            )
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        values: dict[str, Any] = {}
        for param in fn.params:
            raw = params.get(param.name)
            if raw is None:
                continue
            try:
                values[param.name] = parse_literal(raw)
            except ODataValueError as exc:
                return _bad_request(f"Invalid value for parameter '{param.name}': {exc}")
        try:
            result = self.state.call(self.svc, name, values)
        except WriteRejected as exc:
            return odata_error(exc.status, exc.code, exc.message, exc.details)
        out = {p.name: to_json(p, result.get(p.name)) for p in fn.result}
        return json_response(
            {"d": {name: {"__metadata": {"type": f"{self.svc.name}.{fn.returns}"}, **out}}}
        )

    def routes(self) -> list[Route]:
        out = [
            Route(self.root, self.service_document, methods=_READ),
            Route(f"{self.root}/", self.service_document, methods=_READ),
            Route(f"{self.root}/$metadata", self.metadata_document, methods=_READ),
            Route(f"{self.root}/$batch", batch_endpoint(self.state, self.root), methods=["POST"]),
        ]
        for fn in self.svc.functions:
            out.append(
                Route(
                    f"{self.root}/{fn.name}",
                    _bind(self.function, "sap.function", fn.name),
                    methods=["GET", "HEAD", "POST"],
                )
            )
        for es in self.svc.sets:
            handler = _bind(self.entity_set, "sap.entity_set", es)
            out.append(Route(f"{self.root}/{es.name}", handler, methods=[*_READ, *_WRITE]))
            out.append(Route(f"{self.root}/{es.name}" + "/{tail:path}", handler, methods=_READ))
            out.append(
                Route(f"{self.root}/{es.name}(" + "{tail:path}", handler, methods=[*_READ, *_WRITE])
            )
        return out


def _bind(handler: Handler, name: str, value: Any) -> Handler:
    async def bound(request: Request) -> Response:
        request.scope[name] = value
        return await handler(request)

    return bound


def _not_implemented(operation: str, es: EntitySet) -> Response:
    return odata_error(
        405, "/IWBEP/CM_MGW_RT/021", f"Method '{operation}' not implemented for '{es.name}'"
    )


async def _json_object(request: Request) -> dict[str, Any] | Response:
    try:
        body = loads(await request.body() or b"null")
    except ValueError:
        return _bad_request("Malformed JSON in the request body")
    if not isinstance(body, dict):
        return _bad_request("The request body must be one JSON object")
    return body


def _raw_tail(request: Request, prefix: str) -> str:
    raw = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    index = raw.find(prefix)
    return unquote(raw[index + len(prefix) :]) if index >= 0 else ""


def _split_key(tail: str) -> tuple[str, str]:
    """`('1')/to_X` -> (`'1'`, `/to_X`): the key predicate and what follows it."""
    end = closing_paren(tail)
    return (tail[1:end], tail[end + 1 :]) if end >= 0 else (tail[1:], "")


def _non_negative(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise QueryError(f"Invalid value '{raw}' for system query option {name}")
    return int(raw)


def odata_routes(state: SapSandboxState, services: tuple[Service, ...]) -> list[Route]:
    """Routes of every service, under `/sap/opu/odata/sap/`."""
    out: list[Route] = []
    for svc in services:
        out.extend(_Service(svc, state).routes())
    return out
