"""The HTTP app: liveness, readiness and a status summary.

    GET /healthz   200 while the process runs (liveness probe)
    GET /readyz    200 when the store and the broker answer, 503 naming what does not
    GET /v1/status records per object, runs in progress, open exception cases, pending events

The resource API (connections, records, writes, webhooks) builds on this app.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub import __version__
from hub.jobs.runtime import Runtime, get_runtime


def _checks(runtime: Runtime) -> dict[str, str]:
    results: dict[str, str] = {}
    try:
        with runtime.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        results["store"] = "ok"
    except Exception as exc:  # readiness reports any failure, it never raises
        results["store"] = f"unavailable: {type(exc).__name__}"
    try:
        client = runtime.redis
        if client is not None:
            client.ping()
        results["broker"] = "ok"
    except Exception as exc:
        results["broker"] = f"unavailable: {type(exc).__name__}"
    return results


def create_app(runtime: Runtime | None = None) -> Starlette:
    """The API app over `runtime` (the process's runtime by default)."""

    def rt() -> Runtime:
        return runtime or get_runtime()

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    async def readyz(_: Request) -> JSONResponse:
        checks = _checks(rt())
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    async def status(_: Request) -> JSONResponse:
        store = rt().store
        per_object: Counter[str] = Counter()
        for (_connection, obj), count in store.records.counts().items():
            per_object[obj] += count
        body: dict[str, Any] = {
            "version": __version__,
            "connections": len(store.connections.list()),
            "records": dict(per_object),
            "open_exception_cases": len(store.cases.list(status="open", limit=10_000)),
            "pending_events": len(store.outbox.pending(limit=10_000)),
        }
        return JSONResponse(body)

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/v1/status", status),
        ]
    )
