"""The `/_sandbox/...` control endpoints every sandbox has, and the runtime they act on.

GET    /_sandbox/health          {"status": "ok", "sandbox": NAME}
GET    /_sandbox/stats           {"requests", "by_route", "by_status", "faults", "rate_limited"}
POST   /_sandbox/reset           seeded data back; stats, limits, faults and replays reset
GET    /_sandbox/faults          the fault configuration in force
POST   /_sandbox/faults          replace it (JSON body: FaultConfig fields, all optional)
DELETE /_sandbox/faults          no faults
POST   /_sandbox/expire-tokens   every issued access token expires now

and, through `change_routes`, the two every ERP's sandbox fills with its own data:

POST   /_sandbox/changes   {"object": KIND, "update": n, "delete": n, "create": n[, "at": ISO]}
GET    /_sandbox/counts    records per kind, with the ERP's own breakdowns
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.sandbox.faults import FaultConfig, FaultInjector
from connectors.sandbox.idempotency import IdempotencyCache
from connectors.sandbox.limiter import RateLimiter
from connectors.sandbox.middleware import Stats

__all__ = ["CONTROL_PREFIX", "IssuedTokens", "SandboxRuntime", "change_routes", "control_routes"]

CONTROL_PREFIX = "/_sandbox/"


class IssuedTokens(Protocol):
    """Whatever issues the sandbox's access tokens (the kit's `OAuthServer`, say)."""

    def expire_access_tokens(self) -> int:
        """Expire every issued access token now; how many there were."""
        ...


@dataclass
class SandboxRuntime:
    """What the control endpoints act on: counters, faults, limits, tokens and the data reset.

    `oauth` is the sandbox's token issuer, None for an ERP whose auth has no tokens to expire
    (basic auth, signed requests): `POST /_sandbox/expire-tokens` then expires none.
    """

    name: str
    reset_data: Callable[[], None]
    oauth: IssuedTokens | None
    limiter: RateLimiter | None
    initial_faults: FaultConfig = field(default_factory=FaultConfig)
    stats: Stats = field(default_factory=Stats)
    idempotency: IdempotencyCache = field(default_factory=IdempotencyCache)
    faults: FaultInjector = field(init=False)

    def __post_init__(self) -> None:
        self.faults = FaultInjector(self.initial_faults)

    def reset(self) -> None:
        """Back to the state at start: seeded data, zero stats, fresh budgets, initial faults."""
        self.reset_data()
        self.stats.reset()
        self.idempotency.clear()
        if self.limiter is not None:
            self.limiter.reset()
        self.faults.configure(self.initial_faults)


def control_routes(runtime: SandboxRuntime) -> list[Route]:
    """The shared `/_sandbox/...` routes for one runtime."""

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "sandbox": runtime.name})

    async def stats(_: Request) -> Response:
        return JSONResponse(runtime.stats.snapshot())

    async def reset(_: Request) -> Response:
        runtime.reset()
        return JSONResponse({"status": "reset"})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            runtime.faults.clear()
        elif request.method == "POST":
            try:
                raw = await request.body()
                config = FaultConfig.model_validate_json(raw or b"{}")
            except (ValidationError, json.JSONDecodeError) as exc:
                detail = exc.errors() if isinstance(exc, ValidationError) else str(exc)
                return JSONResponse({"error": "invalid fault configuration", "detail": detail}, 422)
            runtime.faults.configure(config)
        return JSONResponse(runtime.faults.config.model_dump(mode="json"))

    async def expire_tokens(_: Request) -> Response:
        tokens = runtime.oauth
        return JSONResponse({"expired": tokens.expire_access_tokens() if tokens else 0})

    return [
        Route(f"{CONTROL_PREFIX}health", health, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}stats", stats, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}reset", reset, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}faults", faults, methods=["GET", "POST", "DELETE"]),
        Route(f"{CONTROL_PREFIX}expire-tokens", expire_tokens, methods=["POST"]),
    ]


def _change_request(body: Any) -> tuple[str, dict[str, Any]]:
    """The kind and keyword arguments of a `/_sandbox/changes` body (ValueError when wrong)."""
    if not isinstance(body, dict) or "object" not in body:
        raise ValueError('the body must be {"object": ..., "update": n, ...}')
    amounts: dict[str, Any] = {k: int(body.get(k, 0)) for k in ("update", "delete", "create")}
    if any(v < 0 for v in amounts.values()):
        raise ValueError("counts must not be negative")
    if body.get("at"):
        at = datetime.fromisoformat(str(body["at"]).replace("Z", "+00:00"))
        amounts["at"] = at if at.tzinfo else at.replace(tzinfo=UTC)
    return str(body["object"]), amounts


def change_routes(
    make_changes: Callable[..., Mapping[str, Any]], counts: Callable[[], Mapping[str, Any]]
) -> list[Route]:
    """`POST /_sandbox/changes` and `GET /_sandbox/counts` over an ERP's own data.

    `make_changes(kind, update=n, delete=n, create=n[, at=datetime])` changes seeded records
    deterministically and returns the touched ids (an `at` is passed only when the body has
    one); `counts()` reports records per kind. A wrong body or kind answers 400.
    """

    async def changes(request: Request) -> Response:
        try:
            kind, amounts = _change_request(json.loads(await request.body() or b"{}"))
            result = make_changes(kind, **amounts)
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(dict(result))

    async def count(_: Request) -> Response:
        return JSONResponse(dict(counts()))

    return [
        Route(f"{CONTROL_PREFIX}changes", changes, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}counts", count, methods=["GET"]),
    ]
