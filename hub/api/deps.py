"""What route functions depend on: the runtime, the caller and its scope, pagination cursors,
tenant-scoped lookups (another tenant's data is a 404, as if it did not exist)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from hub.api.problems import Problem, field_error
from hub.api.security import Caller
from hub.jobs.runtime import Runtime, get_runtime
from hub.store import ConnectionView, NotFound
from hub.store.apikeys import scope_allows

_CURSOR_VALUE = re.compile(r"^[A-Za-z0-9_:.\-]{1,120}$")


def runtime_of(request: Request) -> Runtime:
    """The runtime the app was made with (the process's by default)."""
    found = getattr(request.app.state, "runtime", None)
    return found if isinstance(found, Runtime) else get_runtime()


def caller_of(request: Request) -> Caller:
    """The authenticated caller (set by `ApiMiddleware`)."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        raise Problem(401, "send an API key as `Authorization: Bearer <key>`")
    return caller


def require(scope: str) -> Callable[[Request], Caller]:
    """A dependency: the caller, when its key's scope covers `scope`; 403 otherwise."""

    def check(request: Request) -> Caller:
        caller = caller_of(request)
        if not scope_allows(caller.scope, scope):
            raise Problem(403, f"this needs a key with scope '{scope}'; yours is '{caller.scope}'")
        return caller

    return check


Rt = Annotated[Runtime, Depends(runtime_of)]
Reader = Annotated[Caller, Depends(require("read"))]
Writer = Annotated[Caller, Depends(require("write"))]
Admin = Annotated[Caller, Depends(require("admin"))]


def tenant_connection(runtime: Runtime, caller: Caller, connection_id: str) -> ConnectionView:
    """The caller's connection; 404 when it is missing or another tenant's."""
    try:
        view = runtime.store.connections.get(connection_id)
    except NotFound:
        view = None
    if view is None or view.tenant_id != caller.tenant_id:
        raise Problem(404, f"no connection {connection_id}")
    return view


def tenant_connection_ids(runtime: Runtime, caller: Caller) -> list[str]:
    """Ids of the caller's connections."""
    return [c.id for c in runtime.store.connections.list(tenant_id=caller.tenant_id)]


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque cursor for a list position."""
    text = json.dumps(position, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, fields: tuple[str, ...] = ("after",)) -> dict[str, str]:
    """The position in a cursor this API made; a 400 problem naming `cursor` for anything else."""
    if cursor is None:
        return {}
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError):
        raise field_error(400, "cursor", "not a cursor this API returned") from None
    if (
        not isinstance(position, dict)
        or set(position) != set(fields)
        or not all(isinstance(v, str) and _CURSOR_VALUE.match(v) for v in position.values())
    ):
        raise field_error(400, "cursor", "not a cursor this API returned")
    return position


def page(items: list[Any], limit: int, position: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """`{data, next_cursor}` from `limit + 1` items; no `next_cursor` on the last page."""
    body: dict[str, Any] = {"data": items[:limit]}
    if len(items) > limit:
        body["next_cursor"] = encode_cursor(position(items[limit - 1]))
    return body
