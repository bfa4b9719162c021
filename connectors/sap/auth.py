"""SAP sign-in: basic auth or OAuth bearer tokens, and the CSRF token every write needs.

`CsrfAuth` wraps the auth of every request (an `httpx.Auth` generator, so no call site deals with
CSRF): before the first modifying request it fetches a token with `x-csrf-token: fetch` on the
service root, keeping the session cookies that come with it; it sends token and cookies with every
POST/PUT/PATCH/MERGE/DELETE; when SAP answers `403` with `x-csrf-token: Required` (the token or
session expired) it fetches once more and resends once. Reads pass through untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Generator

import httpx

from connectors.ratelimit import Budget

__all__ = ["MODIFYING", "CsrfAuth", "sap_budget", "service_root"]

MODIFYING = frozenset({"POST", "PUT", "PATCH", "MERGE", "DELETE"})
_ODATA = "/sap/opu/odata/sap/"


def sap_budget(
    *,
    per_minute: int | None = None,
    per_day: int | None = None,
    concurrency: int | None = 10,
    window_seconds: float = 60.0,
) -> Budget:
    """SAP publishes no per-call budget for S/4HANA's APIs; the default caps calls in flight.

    An operator whose system (or API gateway in front of it) has a quota sets the windows.
    """
    return Budget.from_limits(
        per_minute=per_minute,
        per_day=per_day,
        concurrency=concurrency,
        window_seconds=window_seconds,
    )


def service_root(url: httpx.URL) -> httpx.URL:
    """The OData service root of a request URL (`.../sap/opu/odata/sap/<SERVICE>/`)."""
    path = url.path
    index = path.find(_ODATA)
    if index < 0:
        return url.copy_with(query=None)
    service = path[index + len(_ODATA) :].split("/", 1)[0]
    return url.copy_with(path=f"{path[: index + len(_ODATA)]}{service}/", query=None)


class CsrfAuth(httpx.Auth):
    """The inner auth (basic or bearer) on every request, plus SAP's CSRF protocol on writes."""

    def __init__(self, inner: httpx.Auth | None) -> None:
        self.inner = inner
        self._lock = threading.Lock()
        self._token: str | None = None
        self._cookies = httpx.Cookies()
        self.fetches = 0

    def _send(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, httpx.Response]:
        """Send one request through the inner auth's flow; the final response."""
        if self.inner is None:
            return (yield request)
        flow = self.inner.sync_auth_flow(request)
        outgoing = next(flow)
        while True:
            response = yield outgoing
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return response

    def _fetch(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        fetch = httpx.Request(
            "HEAD",
            service_root(request.url),
            headers={"x-csrf-token": "fetch", "Accept": "application/json"},
        )
        correlation = request.headers.get("X-Correlation-Id")
        if correlation:
            fetch.headers["X-Correlation-Id"] = correlation
        response = yield from self._send(fetch)
        token = response.headers.get("x-csrf-token")
        with self._lock:
            self.fetches += 1
            self._cookies.extract_cookies(response)
            self._token = token if response.status_code < 300 and token else None

    def _prepare(self, request: httpx.Request) -> None:
        with self._lock:
            if self._token:
                request.headers["x-csrf-token"] = self._token
            cookie = "; ".join(f"{c.name}={c.value}" for c in self._cookies.jar)
        if cookie:
            request.headers["Cookie"] = cookie

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Reads: the inner auth only. Writes: token first, one refetch and resend on 403."""
        if request.method not in MODIFYING or _ODATA not in request.url.path:
            # Reads, and SOAP services (which have no CSRF protocol), pass through.
            yield from self._send(request)
            return
        if self._token is None:
            yield from self._fetch(request)
        self._prepare(request)
        response = yield from self._send(request)
        required = response.headers.get("x-csrf-token", "").lower() == "required"
        if response.status_code == 403 and required:
            response.read()
            yield from self._fetch(request)
            self._prepare(request)
            yield from self._send(request)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Same as `sync_auth_flow` (httpx calls this for sync clients without a body read)."""
        yield from self.sync_auth_flow(request)
