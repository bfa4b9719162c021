"""Assemble a sandbox: the ERP's routes plus the control routes, inside the shared middleware."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import Scope

from connectors.sandbox.control import CONTROL_PREFIX, SandboxRuntime, control_routes
from connectors.sandbox.middleware import (
    ErrorRenderer,
    FaultMiddleware,
    RateLimitMiddleware,
    StatsMiddleware,
    route_namer,
)

__all__ = ["build_sandbox_app"]


def build_sandbox_app(
    *,
    runtime: SandboxRuntime,
    routes: Sequence[BaseRoute],
    renderer: ErrorRenderer,
    faultable: Callable[[str], bool],
    tenant_of: Callable[[Scope], str | None],
    auth: Sequence[Middleware] = (),
    outer: Sequence[Middleware] = (),
) -> Starlette:
    """A Starlette app: `outer` > Stats > Faults > `auth` > RateLimit > routes (+ `/_sandbox/...`).

    `outer` middleware sees every response, faults and 429s included (e.g. correlation ids).

    `faultable(path)` says which paths may get injected faults (the ERP API, not the control
    endpoints); `tenant_of(scope)` names the tenant whose budget a call uses (None: not limited).
    """
    all_routes = [*control_routes(runtime), *routes]
    middleware = [
        *outer,
        Middleware(
            StatsMiddleware,
            stats=runtime.stats,
            route_of=route_namer(all_routes),
            counted=lambda path: not path.startswith(CONTROL_PREFIX),
        ),
        Middleware(FaultMiddleware, injector=runtime.faults, renderer=renderer, applies=faultable),
        *auth,
        Middleware(
            RateLimitMiddleware, limiter=runtime.limiter, renderer=renderer, tenant_of=tenant_of
        ),
    ]
    app = Starlette(routes=all_routes, middleware=middleware)
    app.state.runtime = runtime
    return app
