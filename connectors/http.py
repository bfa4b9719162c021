"""The one HTTP client every adapter sends through.

Per connection: one long-lived `httpx.Client` with explicit timeouts; the tenant's rate budget
taken before each send; the correlation id on every request; each response classified by the
adapter's `classify` table into nothing (success) or an error of `connectors.errors`. Retries
live here and nowhere else in a connector: transient errors and 429s only, a bounded number of
attempts, exponential backoff with jitter, and the ERP's `Retry-After` honoured. A daily-limit
429 is not retried (hours of sleep help nobody): it is raised at once as `RateLimited`.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from canonical import jsonio
from connectors.context import current_correlation_id
from connectors.errors import ConnectorError, ErpRejected, RateLimited, TransientError
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter

log = logging.getLogger("ledgerhub.http")

Classifier = Callable[[httpx.Response], ConnectorError | None]
"""Maps a response to None (success) or the error that says what to do about it."""

CORRELATION_HEADER = "X-Correlation-Id"
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=30.0, pool=10.0)


@dataclass
class CallStats:
    """What a client did: calls sent, retries, responses by status, seconds spent waiting."""

    calls: int = 0
    retries: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    retry_wait: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain data."""
        return {
            "calls": self.calls,
            "retries": self.retries,
            "by_status": dict(self.by_status),
            "retry_wait_seconds": round(self.retry_wait, 3),
        }


def parse_json(response: httpx.Response) -> Any:
    """The body as JSON with every number exact (Decimal, never float)."""
    try:
        return jsonio.loads(response.content)
    except ValueError:
        snippet = response.text[:200]
        raise TransientError(
            f"the ERP sent a body that is not JSON (status {response.status_code})",
            erp_message=snippet,
            status=response.status_code,
            correlation_id=current_correlation_id(),
        ) from None


@dataclass
class RetryPolicy:
    """How many attempts, and the backoff between them (seconds)."""

    attempts: int = 5
    initial: float = 0.5
    maximum: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 120.0


class ErpHttpClient:
    """A connection's HTTP client: budget, correlation id, classification and retries."""

    def __init__(
        self,
        base_url: str,
        *,
        classify: Classifier,
        auth: httpx.Auth | None = None,
        limiter: RateLimiter | None = None,
        rate_key: str = "default",
        app_key: str = "app",
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        on_response: Callable[[httpx.Response], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            auth=auth,
            headers=dict(headers or {}),
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )
        self._classify = classify
        self._limiter: RateLimiter = limiter or MemoryRateLimiter(Budget.unlimited())
        self._rate_key = rate_key
        self._app_key = app_key
        self._retry = retry or RetryPolicy()
        self._on_response = on_response
        self._backoff = wait_exponential_jitter(
            multiplier=self._retry.initial, max=self._retry.maximum, jitter=self._retry.jitter
        )
        self._sleep = sleep
        self.stats = CallStats()

    @property
    def base_url(self) -> str:
        """The base URL requests are relative to."""
        return str(self._client.base_url)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> ErpHttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send_once(
        self, method: str, url: str, *, retryable_write: bool, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        headers[CORRELATION_HEADER] = current_correlation_id()
        with self._limiter.slot(self._rate_key, self._app_key):
            self.stats.calls += 1
            try:
                response = self._client.request(method, url, headers=headers, **kwargs)
            except httpx.TimeoutException as exc:
                raise self._transport_error(method, "timed out", exc, retryable_write) from None
            except httpx.TransportError as exc:
                raise self._transport_error(
                    method, "connection failed", exc, retryable_write
                ) from None
        self.stats.by_status[response.status_code] += 1
        if self._on_response is not None:
            self._on_response(response)
        error = self._classify(response)
        if error is not None:
            error.correlation_id = error.correlation_id or headers[CORRELATION_HEADER]
            raise error
        return response

    def _transport_error(
        self, method: str, what: str, exc: Exception, retryable_write: bool
    ) -> ConnectorError:
        message = f"{method} request {what}: {type(exc).__name__}"
        if method in {"GET", "HEAD", "OPTIONS"} or retryable_write:
            return TransientError(message, correlation_id=current_correlation_id())
        # A write without an idempotency key may have been applied: never resend it blindly.
        return ErpRejected(
            message + " (not retried: the write may have been applied and has no idempotency key)",
            correlation_id=current_correlation_id(),
        )

    def _is_retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, RateLimited):
            # A daily limit, or a wait longer than we will sleep, goes back to the job to park.
            return exc.scope != "day" and exc.retry_after <= self._retry.max_retry_after
        return isinstance(exc, TransientError)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = self._backoff(state)
        if isinstance(exc, RateLimited):
            return min(max(exc.retry_after, 0.0), self._retry.max_retry_after)
        return float(backoff)

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent_write: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with budget, retries and classification; return a successful response or raise.

        GETs are always retried on transient failures; writes only when `idempotent_write` says
        the ERP will recognise a resend (an idempotency key or an upsert by external id).
        """
        method = method.upper()
        retryable = method in {"GET", "HEAD", "OPTIONS"} or idempotent_write

        response: httpx.Response = self._retrying(method, url, retryable)(
            self._send_once, method, url, retryable_write=idempotent_write, **kwargs
        )
        return response

    def _retrying(self, method: str, url: str, retryable: bool) -> Retrying:
        def before_sleep(state: RetryCallState) -> None:
            self.stats.retries += 1
            wait = state.next_action.sleep if state.next_action else 0.0
            self.stats.retry_wait += wait
            exc = state.outcome.exception() if state.outcome else None
            log.info(
                "retrying %s %s after %s (attempt %d, waiting %.2fs)",
                method,
                url,
                type(exc).__name__,
                state.attempt_number,
                wait,
            )

        return Retrying(
            stop=stop_after_attempt(self._retry.attempts if retryable else 1),
            wait=self._wait,
            retry=retry_if_exception(self._is_retryable),
            before_sleep=before_sleep,
            sleep=self._sleep,
            reraise=True,
        )

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET and parse the JSON body exactly; a body that is not JSON is retried like a 5xx."""

        def get_and_parse() -> Any:
            return parse_json(self._send_once("GET", url, retryable_write=False, **kwargs))

        return self._retrying("GET", url, True)(get_and_parse)
