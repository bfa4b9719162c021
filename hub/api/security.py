"""What every request goes through first: its request id, its API key, its rate limit.

One ASGI middleware, outside the routing, so a request without valid credentials gets its 401
before any 404 or validation error, and every response — errors and `/openapi.json` included —
carries `X-Request-ID`: the client's own when it sent a usable one, a new `cor_...` otherwise.
That id is the correlation id of everything the request causes (jobs, ERP calls, events).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors.context import correlation, new_correlation_id
from hub.api.problems import Problem, problem_response
from hub.logging import log_context
from hub.store.apikeys import ApiKeyRepository

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,80}$")
PUBLIC_PATHS = ("/v1/oauth/callback", "/v1/inbound/")
"""Under /v1 but reached without a key: the browser's OAuth return and ERPs' own webhooks."""


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's tenant, the key and its scope."""

    tenant_id: str
    key_id: str
    scope: str


class RateLimiter:
    """A token bucket per API key: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str) -> float:
        """0 when the request may go ahead; otherwise the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key_id, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1 - tokens) / self.rate


def request_id_of(headers: Headers) -> str:
    """The client's request id when usable (letters, digits, `._:-`, up to 80), else a new one."""
    sent = headers.get("x-request-id", "").strip()
    return sent if _REQUEST_ID.match(sent) else new_correlation_id()


class ApiMiddleware:
    """Request id, authentication of `/v1` and the per-key rate limit."""

    def __init__(
        self,
        app: ASGIApp,
        keys: Callable[[], ApiKeyRepository],
        limiter: RateLimiter,
    ) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(Headers(scope=scope))
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if REQUEST_ID_HEADER.lower() not in headers:
                    headers.append(REQUEST_ID_HEADER, request_id)
            await send(message)

        with correlation(request_id), log_context(correlation_id=request_id):
            path: str = scope["path"]
            if path.startswith("/v1/") and not path.startswith(PUBLIC_PATHS):
                try:
                    scope["state"]["caller"] = await self._authenticate(scope)
                except Problem as problem:
                    response = problem_response(Request(scope), problem)
                    await response(scope, receive, send_with_id)
                    return
            await self.app(scope, receive, send_with_id)

    async def _authenticate(self, scope: Scope) -> Caller:
        authorization = Headers(scope=scope).get("authorization", "")
        scheme, _, key = authorization.partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="ledgerhub"'}
        if scheme.lower() != "bearer" or not key.strip():
            raise Problem(
                401,
                "send an API key as `Authorization: Bearer <key>` (create one with "
                "`hub keys create`)",
                headers=challenge,
            )
        view = await run_in_threadpool(self.keys().authenticate, key.strip())
        if view is None:
            raise Problem(401, "the API key is unknown, revoked or expired", headers=challenge)
        wait = self.limiter.take(view.id)
        if wait > 0:
            seconds = max(1, int(wait + 0.999))
            raise Problem(
                429,
                f"rate limit of this API key reached; retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )
        return Caller(view.tenant_id, view.id, view.scope)
