"""ASGI middleware shared by the sandboxes: statistics, fault injection and rate limiting.

Each ERP composes them around its Starlette app, with its own authentication in between:

    Stats( Faults( <ERP auth>( RateLimit( app ))))

so every request is counted (429s and faults included), a fault never consumes rate budget, and
only authenticated calls are rate limited. What an error looks like (body, header names) is the
ERP's business: it passes an `ErrorRenderer`.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors.sandbox.faults import FaultConfig, FaultInjector, FaultKind
from connectors.sandbox.limiter import Decision, RateLimiter

__all__ = [
    "ErrorRenderer",
    "FaultMiddleware",
    "RateLimitMiddleware",
    "Stats",
    "StatsMiddleware",
    "route_namer",
]

_MARK = "ledgerhub.sandbox"


def _mark(scope: Scope, key: str, value: str) -> None:
    scope.setdefault(_MARK, {})[key] = value


class ErrorRenderer(Protocol):
    """How an ERP answers an injected fault or an exhausted budget."""

    def fault_response(self, kind: FaultKind, config: FaultConfig) -> Response:
        """Response for ERROR, UNAVAILABLE, THROTTLE and EXPIRED_TOKEN faults."""
        ...

    def throttled(self, decision: Decision) -> Response:
        """The 429 for a budget that ran out."""
        ...

    def limit_headers(self, decision: Decision) -> dict[str, str]:
        """Headers telling what is left of each budget, added to every limited response."""
        ...


class Stats:
    """Request counters behind `GET /_sandbox/stats`; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self.requests = 0
            self.by_route: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()
            self.rate_limited: Counter[str] = Counter()

    def record(self, route: str, status: int, fault: str | None, problem: str | None) -> None:
        """Count one finished request."""
        with self._lock:
            self.requests += 1
            self.by_route[route] += 1
            self.by_status[str(status)] += 1
            if fault:
                self.faults[fault] += 1
            if problem:
                self.rate_limited[problem] += 1

    def snapshot(self) -> dict[str, Any]:
        """`{"requests", "by_route", "by_status", "faults", "rate_limited"}`."""
        with self._lock:
            return {
                "requests": self.requests,
                "by_route": dict(self.by_route),
                "by_status": dict(self.by_status),
                "faults": dict(self.faults),
                "rate_limited": dict(self.rate_limited),
            }


def route_namer(routes: Sequence[BaseRoute]) -> Callable[[Scope], str]:
    """`"GET /path/{template}"` for a request, matched against the app's routes."""

    def name(scope: Scope) -> str:
        for route in routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return f"{scope['method']} {getattr(route, 'path', scope['path'])}"
        return f"{scope['method']} (unrouted)"

    return name


class StatsMiddleware:
    """Counts every HTTP request whose path `counted` accepts, by route and status."""

    def __init__(
        self,
        app: ASGIApp,
        stats: Stats,
        route_of: Callable[[Scope], str],
        counted: Callable[[str], bool],
    ) -> None:
        self.app, self.stats, self.route_of, self.counted = app, stats, route_of, counted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.counted(scope["path"]):
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            marks = scope.get(_MARK, {})
            self.stats.record(
                self.route_of(scope), status or 500, marks.get("fault"), marks.get("problem")
            )


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
    start: Message = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(chunks)


def _delayed(send: Send, delay: float) -> Send:
    # A slow response is slow inside the server: the request has been handled and still holds
    # its in-flight slot (the rate limiter sits inside this middleware) while it waits.
    async def slow_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            await asyncio.sleep(delay)
        await send(message)

    return slow_send


class FaultMiddleware:
    """Injects the `FaultInjector`'s faults into requests whose path `applies` accepts."""

    def __init__(
        self,
        app: ASGIApp,
        injector: FaultInjector,
        renderer: ErrorRenderer,
        applies: Callable[[str], bool],
    ) -> None:
        self.app, self.injector, self.renderer, self.applies = app, injector, renderer, applies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        plan = self.injector.draw(scope["method"], scope["path"])
        if plan.delay > 0:
            _mark(scope, "fault", "slow")
        if plan.kind is None:
            await self.app(scope, receive, _delayed(send, plan.delay) if plan.delay else send)
            return
        if plan.delay > 0:
            await asyncio.sleep(plan.delay)
        _mark(scope, "fault", plan.kind.value)
        if plan.kind not in (FaultKind.DROP, FaultKind.MALFORMED):
            response = self.renderer.fault_response(plan.kind, self.injector.config)
            await response(scope, receive, send)
            return
        # The request is served for real first, so a dropped write has been applied.
        start, body = await _capture(self.app, scope, receive)
        if plan.kind is FaultKind.DROP:
            if not body:
                # A response without a body (a 204) is whole once its head is sent: announce a
                # byte that never comes, so the client sees the connection break mid-answer.
                headers = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
                ]
                start = {**start, "status": 200, "headers": [*headers, (b"content-length", b"1")]}
            await send(start)
            await send(
                {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
            )
            # Returning with the body incomplete makes the server close the connection.
            return
        broken = body[: max(1, len(body) * 2 // 3)] + b'\x00"}<'
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(broken)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": broken})


class RateLimitMiddleware:
    """Applies a `RateLimiter` per tenant (`tenant_of` returns None for calls not limited)."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter | None,
        renderer: ErrorRenderer,
        tenant_of: Callable[[Scope], str | None],
    ) -> None:
        self.app, self.limiter, self.renderer, self.tenant_of = app, limiter, renderer, tenant_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tenant = self.tenant_of(scope) if scope["type"] == "http" else None
        if tenant is None or self.limiter is None:
            await self.app(scope, receive, send)
            return
        decision = self.limiter.acquire(tenant)
        if not decision.allowed:
            assert decision.problem is not None
            _mark(scope, "problem", decision.problem.value)
            await self.renderer.throttled(decision)(scope, receive, send)
            return
        extra = [
            (k.lower().encode(), v.encode())
            for k, v in self.renderer.limit_headers(decision).items()
        ]

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, add_headers)
        finally:
            self.limiter.release(tenant)
