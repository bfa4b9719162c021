"""The default error table every ERP starts from, overrides, and reads sent as POST."""

from __future__ import annotations

import httpx
import pytest
import respx

from connectors.errors import (
    AuthError,
    Conflict,
    ConnectorError,
    ErpRejected,
    RateLimited,
    TransientError,
    ValidationError,
)
from connectors.http import ErpHttpClient, ErrorTable, Failure, RetryPolicy

BASE = "https://erp.test"
TABLE = ErrorTable("Acme")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, None),
        (204, None),
        (400, ErpRejected),
        (401, AuthError),
        (403, AuthError),
        (404, ErpRejected),
        (409, Conflict),
        (422, ErpRejected),
        (429, RateLimited),
        (500, TransientError),
        (502, TransientError),
        (503, TransientError),
    ],
)
def test_the_default_table_maps_each_status_to_its_recovery(
    status: int, expected: type[ConnectorError] | None
) -> None:
    error = TABLE(httpx.Response(status, json={"message": "why"}))
    if expected is None:
        assert error is None
        return
    assert type(error) is expected
    assert error.status == status
    assert error.erp_message == "why"
    assert "Acme" in error.message


def test_a_429_carries_retry_after_or_a_minute() -> None:
    told = TABLE(httpx.Response(429, headers={"Retry-After": "9"}))
    untold = TABLE(httpx.Response(429))
    assert isinstance(told, RateLimited)
    assert told.retry_after == 9.0
    assert isinstance(untold, RateLimited)
    assert untold.retry_after == 60.0


def test_an_error_body_that_is_not_json_keeps_its_start_as_evidence() -> None:
    error = TABLE(httpx.Response(502, text="<html>Bad gateway from the proxy</html>"))
    assert isinstance(error, TransientError)
    assert error.erp_message is not None
    assert "Bad gateway" in error.erp_message


def test_odata_error_messages_are_found() -> None:
    body = {"error": {"code": "/IWBEP/CM_MGW_RT/020", "message": {"value": "x"}}}
    nested = {"error": {"code": "X", "message": "Resource not found for segment"}}
    assert TABLE(httpx.Response(404, json=nested)).erp_message == "Resource not found for segment"  # type: ignore[union-attr]
    assert isinstance(TABLE(httpx.Response(404, json=body)), ErpRejected)


def test_an_override_decides_its_status_and_falls_back_when_it_returns_none() -> None:
    def business_rule(failure: Failure) -> ConnectorError | None:
        if isinstance(failure.body, dict) and failure.body.get("type") == "invalid":
            return ValidationError("Acme refused the data", **failure.fields())
        return None

    table = ErrorTable("Acme", {400: business_rule, "5xx": lambda f: ErpRejected("down")})
    assert isinstance(table(httpx.Response(400, json={"type": "invalid"})), ValidationError)
    assert isinstance(table(httpx.Response(400, json={"type": "other"})), ErpRejected)
    assert isinstance(table(httpx.Response(503)), ErpRejected)  # the class override
    assert isinstance(table(httpx.Response(401)), AuthError)  # untouched default


class NoSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _client() -> ErpHttpClient:
    policy = RetryPolicy(attempts=3, initial=0.1, maximum=1.0, jitter=0.0)
    return ErpHttpClient(BASE, classify=TABLE, retry=policy, sleep=NoSleep())


def test_a_post_marked_safe_is_retried_like_a_get(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post(f"{BASE}/query").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            httpx.Response(503),
            httpx.Response(200, json={"items": [1]}),
        ]
    )
    assert _client().read_json("POST", "/query", json={"q": "SELECT id FROM t"}) == {"items": [1]}
    assert route.call_count == 3


def test_a_post_not_marked_safe_is_sent_once_and_its_timeout_is_not_transient(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.post(f"{BASE}/query").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ErpRejected, match="may have been applied"):
        _client().request("POST", "/query", json={})
    assert route.call_count == 1
    route = respx_mock.post(f"{BASE}/query2").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransientError):
        _client().request("POST", "/query2", json={}, safe=True)
    assert route.call_count == 3
