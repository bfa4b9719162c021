"""Xero's error table: each status and body to the error that says what to do."""

from __future__ import annotations

import httpx
import pytest

from connectors.errors import (
    AuthError,
    Conflict,
    ConnectorError,
    ErpRejected,
    RateLimited,
    TransientError,
    ValidationError,
)
from connectors.xero.client import classify


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (200, {}, {}, None),
        (400, {}, {"Type": "ValidationException", "Message": "x"}, ValidationError),
        (400, {}, {"Message": "bad request"}, ErpRejected),
        (401, {}, {"Title": "Unauthorized", "Detail": "AuthenticationUnsuccessful"}, AuthError),
        (403, {}, {"Title": "Forbidden"}, AuthError),
        (404, {}, {"Title": "Not Found"}, ErpRejected),
        (409, {}, {}, Conflict),
        (429, {"Retry-After": "3", "X-Rate-Limit-Problem": "concurrent"}, {}, RateLimited),
        (500, {}, {}, TransientError),
        (503, {}, {"Message": "Organisation offline"}, TransientError),
    ],
)
def test_each_status_maps_to_the_error_of_its_recovery(
    status: int, headers: dict[str, str], body: dict[str, str], expected: type | None
) -> None:
    error = classify(httpx.Response(status, headers=headers, json=body))
    if expected is None:
        assert error is None
    else:
        assert type(error) is expected


def test_rate_limited_carries_the_wait_and_the_problem() -> None:
    error = classify(
        httpx.Response(429, headers={"Retry-After": "12", "X-Rate-Limit-Problem": "minute"})
    )
    assert isinstance(error, RateLimited)
    assert (error.retry_after, error.scope, error.category) == (12.0, "minute", "rate_limited")


def test_validation_messages_of_every_element_are_kept() -> None:
    body = {
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [
            {"ValidationErrors": [{"Message": "Account code '999' is not a valid code"}]},
            {"ValidationErrors": [{"Message": "Contact must be specified"}]},
        ],
    }
    error = classify(httpx.Response(400, json=body))
    assert isinstance(error, ValidationError)
    assert error.details == (
        "Account code '999' is not a valid code",
        "Contact must be specified",
    )
    assert error.erp_message == "A validation exception occurred"


def test_errors_never_carry_the_request_authorization() -> None:
    request = httpx.Request("GET", "https://x/api", headers={"Authorization": "Bearer s3cr3t"})
    error = classify(httpx.Response(401, request=request, json={"Detail": "TokenExpired"}))
    assert isinstance(error, ConnectorError)
    assert "s3cr3t" not in str(error)
    assert "s3cr3t" not in repr(error.__dict__)
