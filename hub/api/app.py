"""The HTTP API: FastAPI, `/v1`, OpenAPI 3.1 at `/openapi.json`, interactive docs at `/docs`.

    GET /healthz   200 while the process runs (liveness probe)
    GET /readyz    200 when the store and the broker answer, 503 naming what does not
    /v1/...        the resource API; one router module per resource family in this package

Every `/v1` route needs `Authorization: Bearer <key>` (see `hub.api.security`); errors are
problem documents (`hub.api.problems`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hub import __version__
from hub.api import (
    bodies,
    connections,
    dead_letters,
    exceptions,
    inbound,
    keys,
    mappings,
    records,
    sync_runs,
    webhooks,
    writes,
)
from hub.api.deps import Reader, Rt, tenant_connection_ids
from hub.api.problems import PROBLEM_RESPONSES, install
from hub.api.security import ApiMiddleware, RateLimiter
from hub.jobs.runtime import Runtime, get_runtime

DESCRIPTION = """Canonical finance records from ERPs, idempotent writes back to them, and signed
webhooks. Authenticate with `Authorization: Bearer <key>`; errors are RFC 9457 problem
documents; every response carries `X-Request-ID`."""


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


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The API app over `runtime` (the process's runtime by default)."""

    def rt() -> Runtime:
        return runtime or get_runtime()

    app = FastAPI(
        title="Ledgerhub API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    install(app)
    settings = rt().settings
    app.add_middleware(
        ApiMiddleware,
        keys=lambda: rt().store.api_keys,
        limiter=RateLimiter(settings.api_rate_limit_per_minute, lambda: rt().redis),
    )

    @app.get("/healthz", tags=["health"], summary="Liveness")
    def healthz() -> dict[str, str]:
        """200 while the process runs."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["health"], summary="Readiness")
    def readyz() -> JSONResponse:
        """200 when the store and the broker answer; 503 naming what does not."""
        checks = _checks(rt())
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/v1/status", tags=["health"], summary="What the hub holds for the tenant")
    def status(runtime: Rt, caller: Reader) -> dict[str, Any]:
        """Connections, records per object, open exception cases."""
        store = runtime.store
        mine = set(tenant_connection_ids(runtime, caller))
        per_object: Counter[str] = Counter()
        for (connection, obj), count in store.records.counts().items():
            if connection in mine:
                per_object[obj] += count
        cases = store.cases.list(status="open", limit=10_000)
        return {
            "version": __version__,
            "connections": len(mine),
            "records": dict(per_object),
            "open_exception_cases": sum(1 for c in cases if c.connection_id in mine),
        }

    for module in (
        keys,
        connections,
        records,
        writes,
        sync_runs,
        exceptions,
        dead_letters,
        webhooks,
        mappings,
    ):
        app.include_router(module.router, responses=PROBLEM_RESPONSES)
    app.include_router(connections.callback_router, responses=PROBLEM_RESPONSES)
    app.include_router(inbound.keys_router, responses=PROBLEM_RESPONSES)
    app.include_router(inbound.router)
    described = app.openapi

    def openapi() -> dict[str, Any]:
        # Generated once (FastAPI keeps it), then the canonical write bodies are attached.
        if app.openapi_schema is None:
            app.openapi_schema = bodies.attach(
                described(), {records.FAMILIES[s] for s in writes.WRITABLE}
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
