"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API answers has `type`, `title`, `status` (equal to the HTTP status), `detail`,
`instance` (the path), `request_id`, and for invalid input `errors`: a list of
`{"path": ..., "reason": ...}` naming each field that is wrong and why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from connectors.errors import ConnectorError
from hub.store.errors import NotFound

log = logging.getLogger("ledgerhub.api")

PROBLEM_JSON = "application/problem+json"


class ProblemDocument(BaseModel):
    """An RFC 9457 problem document, as every error is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, str]] | None = None


def _documented(status: int, what: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ProblemDocument"}
    return {"description": what, "model": ProblemDocument,
            "content": {PROBLEM_JSON: {"schema": schema}}}  # fmt: skip


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented(400, "A malformed request (a bad cursor, a missing Idempotency-Key)"),
    401: _documented(401, "No valid API key"),
    403: _documented(403, "The key's scope does not allow this"),
    404: _documented(404, "Not found (or another tenant's)"),
    409: _documented(409, "Conflict: a request with this Idempotency-Key is still running"),
    422: _documented(422, "Invalid input: `errors` names each path and reason"),
    429: _documented(429, "Rate limited: see Retry-After"),
}
"""Documented on every /v1 route: the errors any of them may answer."""


class Problem(Exception):
    """An error to answer as a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        errors: Sequence[dict[str, str]] = (),
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.errors = list(errors)
        self.headers = headers or {}
        self.extra = extra or {}


def field_error(status: int, path: str, reason: str, detail: str | None = None) -> Problem:
    """A problem about one field."""
    return Problem(status, detail or f"{path}: {reason}", errors=[{"path": path, "reason": reason}])


def problem_body(request: Request, problem: Problem) -> dict[str, Any]:
    """The problem document."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
    }
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    return body


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    """The problem as a response."""
    headers = dict(problem.headers)
    request_id = getattr(request.state, "request_id", None)
    if request_id:  # also on the 500s answered outside the request-id middleware
        headers["X-Request-ID"] = request_id
    return JSONResponse(
        problem_body(request, problem),
        status_code=problem.status,
        headers=headers,
        media_type=PROBLEM_JSON,
    )


def _loc_path(loc: Sequence[int | str]) -> str:
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def validation_problem(exc: RequestValidationError) -> Problem:
    """FastAPI's validation errors as one problem naming every field."""
    errors = [
        {"path": _loc_path(err.get("loc", ())), "reason": str(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['path']}: {e['reason']}" for e in errors[:5])
    return Problem(422, detail or "the request is not valid", errors=errors)


def install(app: FastAPI) -> None:
    """Answer every error of `app` as a problem document."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(request, validation_problem(exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}"
        return problem_response(
            request, Problem(exc.status_code, detail, headers=dict(exc.headers or {}))
        )

    async def on_not_found(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(request, Problem(404, str(exc.args[0] if exc.args else exc)))

    async def on_connector(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ConnectorError)
        status = {"validation": 422, "conflict": 409, "duplicate": 409, "auth": 502}.get(
            exc.category, 502
        )
        return problem_response(request, Problem(status, str(exc)))

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error answering %s %s", request.method, request.url.path, exc_info=exc)
        detail = "the hub failed to answer; the request id identifies it in the logs"
        return problem_response(request, Problem(500, detail))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(NotFound, on_not_found)
    app.add_exception_handler(ConnectorError, on_connector)
    app.add_exception_handler(Exception, on_error)
