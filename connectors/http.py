"""The one HTTP client every adapter sends through, and the default error table.

Per connection: one long-lived `httpx.Client` with explicit timeouts; the tenant's rate budget
taken before each send; the correlation id on every request; each response classified by the
adapter's `classify` table into nothing (success) or an error of `connectors.errors`. Retries
live here and nowhere else in a connector: transient errors and 429s only, a bounded number of
attempts, exponential backoff with jitter, and the ERP's `Retry-After` honoured. A daily-limit
429 is not retried (hours of sleep help nobody): it is raised at once as `RateLimited`.

`ErrorTable` is the classification every ERP starts from (401, 403, 404, 409, 429, 5xx, other
4xx, bodies that are not JSON); an adapter overrides only the statuses where its ERP differs.
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
from connectors.errors import (
    AuthError,
    Conflict,
    ConnectorError,
    ErpRejected,
    RateLimited,
    TransientError,
)
from connectors.netguard import direct_loopback_mounts
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter

log = logging.getLogger("ledgerhub.http")

Classifier = Callable[[httpx.Response], ConnectorError | None]
"""Maps a response to None (success) or the error that says what to do about it."""

CORRELATION_HEADER = "X-Correlation-Id"
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=30.0, pool=10.0)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RESENT_WITH_FRESH_TOKEN = "ledgerhub.resent_with_fresh_token"  # noqa: S105 - a key, no secret
"""Request extension an auth flow sets when it resent the request with a token it had just
refreshed (or found refreshed): a 401 to that resend is not proof the consent is gone."""


@dataclass(frozen=True)
class Failure:
    """A response that is not a success, as the rules of an `ErrorTable` see it."""

    erp: str
    response: httpx.Response
    body: Any
    detail: str
    correlation_id: str

    @property
    def status(self) -> int:
        """The HTTP status."""
        return self.response.status_code

    def fields(self) -> dict[str, Any]:
        """The keyword arguments every error of this response carries."""
        return {
            "erp_message": self.detail or None,
            "status": self.status,
            "correlation_id": self.correlation_id,
        }


Rule = Callable[[Failure], ConnectorError | None]
"""One status's rule: the error to raise, or None to fall back to the default rule."""


def _detail(body: Any, text: str) -> str:
    if isinstance(body, dict):
        for key in ("Message", "message", "Detail", "detail", "title", "Title", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])  # OData: {"error": {"message": ...}}
        return ""
    return text[:200]  # a body that is not JSON (an HTML error page): its start, as evidence


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return default


def default_rules() -> dict[int | str, Rule]:
    """The classification every ERP starts from, by status (or "4xx"/"5xx" for a class)."""
    return {
        401: lambda f: AuthError(
            f"{f.erp} refused the credentials: re-authorize the connection", **f.fields()
        ),
        403: lambda f: AuthError(
            f"{f.erp} refused access: the connection lacks a scope or the tenant was disconnected",
            **f.fields(),
        ),
        404: lambda f: ErpRejected(f"{f.erp} answered 404: not found", **f.fields()),
        409: lambda f: Conflict(f"{f.erp} reported a conflict", **f.fields()),
        429: lambda f: RateLimited(
            f"{f.erp}'s rate limit was hit; retry after {_retry_after(f.response, 60.0):g} s",
            retry_after=_retry_after(f.response, 60.0),
            **f.fields(),
        ),
        "5xx": lambda f: TransientError(f"{f.erp} answered {f.status}: server error", **f.fields()),
        "4xx": lambda f: ErpRejected(f"{f.erp} answered {f.status}", **f.fields()),
    }


class ErrorTable:
    """A `Classifier` built from the default rules and an ERP's overrides (errors as data).

    An override is looked up first by exact status, then by class ("4xx", "5xx"); when it
    returns None the default rule for the status decides. `detail` pulls the ERP's own message
    out of an error body (the default knows the usual keys, and OData's `error.message`).
    """

    def __init__(
        self,
        erp: str,
        overrides: Mapping[int | str, Rule] | None = None,
        *,
        detail: Callable[[Any, str], str] = _detail,
    ) -> None:
        self.erp = erp
        self.overrides = dict(overrides or {})
        self.defaults = default_rules()
        self._detail = detail

    def __call__(self, response: httpx.Response) -> ConnectorError | None:
        """None for a success, else the error that says what to do about the response."""
        status = response.status_code
        if status < 300:
            return None
        try:
            body: Any = jsonio.loads(response.content) if response.content else None
        except ValueError:
            body = None
        text = response.text if body is None else ""
        detail = self._detail(body, text)
        failure = Failure(self.erp, response, body, detail, current_correlation_id())
        klass = f"{status // 100}xx"
        for rules in (self.overrides, self.defaults):
            for key in (status, klass):
                rule = rules.get(key)
                if rule is not None and (error := rule(failure)) is not None:
                    return error
        return ErpRejected(f"{self.erp} answered {status}", **failure.fields())


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


def _refused_fresh_token(response: httpx.Response, error: ConnectorError) -> ConnectorError:
    """A 401 to a resend that carried a token just refreshed is retried, not an `AuthError`.

    The token endpoint has just accepted the connection's grant, so its consent is live: an ERP
    refusing the token it issued a moment ago is passing (propagation, clock skew, a token
    expired by the ERP at that instant). The next attempt reads the token again and refreshes
    once more; a grant that is really gone fails that refresh with `invalid_grant`, which is
    an `AuthError`. A 401 that persists exhausts the retries like any transient failure.
    """
    if not (
        isinstance(error, AuthError)
        and response.status_code == 401
        and response.request.extensions.get(RESENT_WITH_FRESH_TOKEN)
    ):
        return error
    return TransientError(
        "the ERP refused the access token it had just issued (401 after a refresh): retried; "
        "if this persists, re-authorize the connection",
        erp_message=error.erp_message,
        erp_code=error.erp_code,
        status=error.status,
        correlation_id=error.correlation_id,
    )


class ErpHttpClient:
    """A connection's HTTP client: budget, correlation id, classification and retries."""

    def __init__(
        self,
        base_url: str,
        *,
        classify: Classifier,
        auth: httpx.Auth | None = None,
        limiter: RateLimiter | None = None,
        rate_key: str | Callable[[], str] = "default",
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
            # A proxy from the environment never carries requests to this machine's loopback.
            mounts=None if transport is not None else direct_loopback_mounts(),
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

    @property
    def rate_key(self) -> str:
        """The budget key of the next request (read at each send: it may change once)."""
        return self._rate_key() if callable(self._rate_key) else self._rate_key

    def _send_once(
        self, method: str, url: str, *, retryable_write: bool, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        headers[CORRELATION_HEADER] = current_correlation_id()
        with self._limiter.slot(self.rate_key, self._app_key):
            self.stats.calls += 1
            try:
                response = self._client.request(method, url, headers=headers, **kwargs)
                # The body is read: drop httpx's stream, which refers back to the response (a
                # cycle that keeps every page's body alive until the cyclic GC runs).
                response.stream = httpx.ByteStream(b"")
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
            raise _refused_fresh_token(response, error)
        return response

    def _transport_error(
        self, method: str, what: str, exc: Exception, retryable_write: bool
    ) -> ConnectorError:
        message = f"{method} request {what}: {type(exc).__name__}"
        if method in SAFE_METHODS or retryable_write:
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
        safe: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with budget, retries and classification; return a successful response or raise.

        GETs are always retried on transient failures; writes only when `idempotent_write` says
        the ERP will recognise a resend (an idempotency key or an upsert by external id).
        `safe=True` marks a request that only reads whatever its method (a query sent as a
        POST, as NetSuite's SuiteQL): it is retried, and its timeout is transient, like a GET.
        """
        method = method.upper()
        resendable = safe or idempotent_write
        retryable = method in SAFE_METHODS or resendable

        response: httpx.Response = self._retrying(method, url, retryable)(
            self._send_once, method, url, retryable_write=resendable, **kwargs
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
        return self.read_json("GET", url, **kwargs)

    def read_json(self, method: str, url: str, **kwargs: Any) -> Any:
        """A read by any method (a POST query is `safe`), its JSON body parsed exactly; parsed
        inside the per-request retries, so a broken body is sent for again like a 5xx."""
        method = method.upper()

        def send_and_parse() -> Any:
            return parse_json(self._send_once(method, url, retryable_write=True, **kwargs))

        return self._retrying(method, url, True)(send_and_parse)
