"""Xero's error bodies and rate-limit headers.

Shapes as Xero sends them: 401/403/404/500/503 as problem JSON (`Title`, `Status`, `Detail`,
`Instance`), 400 validation failures as `{"ErrorNumber": 10, "Type": "ValidationException",
"Message": ..., "Elements": [...]}`, 429 with `Retry-After` and `X-Rate-Limit-Problem`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from connectors.sandbox.faults import FaultConfig, FaultKind
from connectors.sandbox.jsonenc import dumps_bytes
from connectors.sandbox.limiter import Decision

__all__ = [
    "XeroErrorRenderer",
    "json_response",
    "not_found",
    "problem",
    "query_parse_error",
    "unauthorized",
    "validation_error",
]

JSON = "application/json; charset=utf-8"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response encoded with exact decimals."""
    return Response(dumps_bytes(body), status_code=status, media_type=JSON, headers=headers)


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """Xero's problem-details body (used by its API gateway)."""
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return json_response(body, status, headers)


def unauthorized(expired_at: float | None = None) -> Response:
    """401 for a missing, unknown or expired bearer token."""
    if expired_at is None:
        return problem(
            401,
            "Unauthorized",
            "AuthenticationUnsuccessful",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    when = datetime.fromtimestamp(expired_at, UTC).strftime("%m/%d/%Y %H:%M:%S")
    return problem(
        401,
        "Unauthorized",
        f"TokenExpired: token expired at {when}",
        {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="The token expired"'},
    )


def scope_refused() -> Response:
    """401 for a valid token whose granted scopes do not cover the call (Xero's answer)."""
    return problem(401, "Unauthorized", "AuthorizationUnsuccessful")


def forbidden() -> Response:
    """403 when the tenant header is missing or names an organisation not connected."""
    return problem(403, "Forbidden", "AuthenticationUnsuccessful")


def not_found() -> Response:
    """404 for an unknown resource or id."""
    return problem(404, "NotFound", "The resource you're looking for cannot be found")


def validation_error(elements: list[dict[str, Any]], message: str | None = None) -> Response:
    """400 ValidationException with the failing elements (each carries ValidationErrors)."""
    body: dict[str, Any] = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": message or "A validation exception occurred",
    }
    if elements:
        body["Elements"] = elements
    return json_response(body, 400)


def query_parse_error(message: str) -> Response:
    """400 QueryParseException for a `where`/`order` the sandbox cannot parse."""
    return json_response(
        {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message}, 400
    )


class XeroErrorRenderer:
    """The kit's `ErrorRenderer` for Xero: its 429/5xx/401 shapes and limit headers."""

    def limit_headers(self, decision: Decision) -> dict[str, str]:
        """`X-MinLimit-Remaining`, `X-DayLimit-Remaining`, `X-AppMinLimit-Remaining`."""
        return {
            "X-MinLimit-Remaining": str(decision.window_remaining),
            "X-DayLimit-Remaining": str(decision.day_remaining),
            "X-AppMinLimit-Remaining": str(decision.app_remaining),
        }

    def throttled(self, decision: Decision) -> Response:
        """429 with `Retry-After` and `X-Rate-Limit-Problem` (minute|day|concurrent|appminute)."""
        assert decision.problem is not None
        headers = {
            "Retry-After": str(decision.retry_after),
            "X-Rate-Limit-Problem": decision.problem.value,
            **self.limit_headers(decision),
        }
        return problem(
            429, "Too Many Requests", f"Rate limit exceeded: {decision.problem}", headers
        )

    def fault_response(self, kind: FaultKind, config: FaultConfig) -> Response:
        """Injected 500, 503, 429 (per minute) or expired-token 401."""
        if kind is FaultKind.THROTTLE:
            headers = {"Retry-After": str(config.retry_after), "X-Rate-Limit-Problem": "minute"}
            return problem(429, "Too Many Requests", "Rate limit exceeded: minute", headers)
        if kind is FaultKind.UNAVAILABLE:
            return problem(503, "Service Unavailable", "The Organisation is offline")
        if kind is FaultKind.EXPIRED_TOKEN:
            return unauthorized(expired_at=datetime.now(UTC).timestamp())
        return problem(500, "An error occurred", "An error occurred in Xero.")
