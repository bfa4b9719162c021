"""What every request goes through first: its request id, its API key, its rate limit.

One ASGI middleware, outside the routing, so a request without valid credentials gets its 401
before any 404 or validation error, and every response — errors and `/openapi.json` included —
carries `X-Request-ID`: the client's own when it sent a usable one, a new `cor_...` otherwise.
That id is the correlation id of everything the request causes (jobs, ERP calls, events).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis as redis_lib
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter
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
RATE_KEY_PREFIX = "ledgerhub:api-rate"
PUBLIC_PATHS = ("/v1/oauth/callback", "/v1/inbound/")
"""Under /v1 but reached without a key: the browser's OAuth return and ERPs' own webhooks."""

log = logging.getLogger("ledgerhub.api")


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's tenant, the key and its scope."""

    tenant_id: str
    key_id: str
    scope: str


class RateLimiter:
    """At most `per_minute` requests per API key in any 60 seconds (a moving window, the `limits`
    library's).

    Shared by every `hub serve` process when the hub has Redis (`redis()` answers a client: the
    configured Redis, or the broker's), so N processes do not grant N times the limit; counted in
    this process when it has none. Redis failing answers from the in-process count (logged once),
    never an error for the client.
    """

    def __init__(
        self, per_minute: int, redis: Callable[[], redis_lib.Redis | None] | None = None
    ) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.local = MovingWindowRateLimiter(MemoryStorage())
        self._redis = redis
        self._shared: MovingWindowRateLimiter | None = None
        self._resolved = redis is None
        self._warned = False
        self._lock = threading.Lock()

    def _limiter(self) -> MovingWindowRateLimiter:
        if not self._resolved:
            with self._lock:
                if not self._resolved and self._redis is not None:
                    client = self._redis()
                    if client is not None:
                        storage = RedisStorage(
                            "redis://",  # the client's own pool is used, not this URL
                            connection_pool=client.connection_pool,
                            key_prefix=RATE_KEY_PREFIX,
                            wrap_exceptions=True,
                        )
                        self._shared = MovingWindowRateLimiter(storage)
                    self._resolved = True
        return self._shared or self.local

    def take(self, key_id: str) -> float:
        """0 when the request may go ahead; otherwise the seconds until it may."""
        limiter = self._limiter()
        try:
            return self._take(limiter, key_id)
        except StorageError as exc:
            if not self._warned:
                self._warned = True
                log.warning("API rate limit: Redis failed (%s); counting in this process", exc)
            return self._take(self.local, key_id)

    def _take(self, limiter: MovingWindowRateLimiter, key_id: str) -> float:
        if limiter.hit(self.item, key_id):
            return 0.0
        stats = limiter.get_window_stats(self.item, key_id)
        return max(stats.reset_time - time.time(), 0.001)


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
