"""NetSuite's error bodies: `{type, title, status, o:errorDetails: [{detail, o:errorCode}]}`."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from connectors.sandbox.faults import FaultConfig, FaultKind
from connectors.sandbox.jsonenc import dumps_bytes
from connectors.sandbox.limiter import Decision

__all__ = [
    "INVALID_LOGIN_DETAIL",
    "NetSuiteErrorRenderer",
    "SandboxError",
    "error_response",
    "json_response",
]

JSON = "application/vnd.oracle.resource+json; type=error; charset=UTF-8"
RECORD_JSON = "application/vnd.oracle.resource+json; type=singular-resource; charset=UTF-8"
COLLECTION_JSON = "application/vnd.oracle.resource+json; type=collection; charset=UTF-8"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Record not found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_TYPES = {
    400: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
    401: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    403: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4",
    404: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5",
    429: "https://www.rfc-editor.org/rfc/rfc6585.html#section-4",
    500: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
    503: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4",
}

INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None, media: str = RECORD_JSON
) -> Response:
    """A JSON response encoded with exact decimals."""
    return Response(dumps_bytes(body), status_code=status, media_type=media, headers=headers)


def error_response(
    status: int,
    code: str,
    detail: str,
    path: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """NetSuite's error body with one `o:errorDetails` entry."""
    entry: dict[str, Any] = {"detail": detail, "o:errorCode": code}
    if path is not None:
        entry["o:errorPath"] = path
    body = {
        "type": _TYPES.get(status, _TYPES[400]),
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "o:errorDetails": [entry],
    }
    return json_response(body, status, headers, JSON)


class SandboxError(Exception):
    """Raised inside a handler; becomes NetSuite's error body."""

    def __init__(self, status: int, code: str, detail: str, path: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.path = status, code, detail, path

    def response(self, headers: dict[str, str] | None = None) -> Response:
        """The error as NetSuite answers it."""
        return error_response(self.status, self.code, self.detail, self.path, headers)


class NetSuiteErrorRenderer:
    """Injected faults and the concurrency limit as NetSuite answers them."""

    def fault_response(self, kind: FaultKind, config: FaultConfig) -> Response:
        """500, 503, 429 or 401 with NetSuite's error body."""
        if kind is FaultKind.THROTTLE:
            return concurrency_exceeded()
        if kind is FaultKind.EXPIRED_TOKEN:
            return error_response(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)
        if kind is FaultKind.UNAVAILABLE:
            return error_response(
                503, "UNEXPECTED_ERROR", "The service is temporarily unavailable."
            )
        return error_response(500, "UNEXPECTED_ERROR", "An unexpected error occurred.")

    def throttled(self, decision: Decision) -> Response:
        """429 CONCURRENCY_LIMIT_EXCEEDED: too many requests of the account in flight."""
        return concurrency_exceeded()

    def limit_headers(self, decision: Decision) -> dict[str, str]:
        """NetSuite sends no budget headers."""
        return {}


def concurrency_exceeded() -> Response:
    """The answer to a request over the account's concurrency limit."""
    return error_response(
        429,
        "CONCURRENCY_LIMIT_EXCEEDED",
        "Concurrent request limit exceeded. Request blocked.",
    )
