"""The shared HTTP client: retries only where they help, with the waits the ERP asked for."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx

from connectors.context import correlation
from connectors.errors import ErpRejected, RateLimited, TransientError, ValidationError
from connectors.http import CORRELATION_HEADER, ErpHttpClient, RetryPolicy, parse_json
from connectors.xero.client import classify

BASE = "https://erp.test/api"


class SleepRecorder:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def make_client(sleep: SleepRecorder, attempts: int = 4) -> ErpHttpClient:
    policy = RetryPolicy(attempts=attempts, initial=0.5, maximum=8.0, jitter=0.0)
    return ErpHttpClient(BASE, classify=classify, retry=policy, sleep=sleep)


def test_transient_errors_are_retried_with_exponential_backoff_then_succeed(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get(f"{BASE}/Invoices").mock(
        side_effect=[httpx.Response(500), httpx.Response(503), httpx.Response(200, json={"ok": 1})]
    )
    sleep = SleepRecorder()
    client = make_client(sleep)
    assert client.get_json("/Invoices") == {"ok": 1}
    assert route.call_count == 3
    assert sleep.waits == [0.5, 1.0]
    assert client.stats.retries == 2
    assert client.stats.by_status == {500: 1, 503: 1, 200: 1}


def test_retry_after_of_a_429_is_honoured_exactly(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE}/Contacts").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7", "X-Rate-Limit-Problem": "minute"}),
            httpx.Response(200, json={}),
        ]
    )
    sleep = SleepRecorder()
    make_client(sleep).get_json("/Contacts")
    assert route.call_count == 2
    assert sleep.waits == [7.0]


def test_a_400_is_not_retried_and_keeps_xero_words(respx_mock: respx.MockRouter) -> None:
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [{"ValidationErrors": [{"Message": "Email address must be valid."}]}],
    }
    route = respx_mock.put(f"{BASE}/Contacts").mock(return_value=httpx.Response(400, json=body))
    sleep = SleepRecorder()
    with pytest.raises(ValidationError) as info:
        make_client(sleep).request("PUT", "/Contacts", json={}, idempotent_write=True)
    assert route.call_count == 1
    assert sleep.waits == []
    assert info.value.details == ("Email address must be valid.",)
    assert "Email address must be valid." in str(info.value)


def test_attempts_are_bounded_and_the_last_error_is_raised(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE}/Invoices").mock(return_value=httpx.Response(502))
    sleep = SleepRecorder()
    with pytest.raises(TransientError):
        make_client(sleep, attempts=3).get_json("/Invoices")
    assert route.call_count == 3
    assert len(sleep.waits) == 2


def test_a_daily_limit_429_is_raised_at_once_instead_of_sleeping_for_hours(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.get(f"{BASE}/Invoices").mock(
        return_value=httpx.Response(
            429, headers={"Retry-After": "43200", "X-Rate-Limit-Problem": "day"}
        )
    )
    sleep = SleepRecorder()
    with pytest.raises(RateLimited) as info:
        make_client(sleep).get_json("/Invoices")
    assert route.call_count == 1
    assert sleep.waits == []
    assert info.value.scope == "day"
    assert info.value.retry_after == 43200


def test_a_write_without_idempotency_is_not_resent_after_a_dropped_connection(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.post(f"{BASE}/Payments").mock(
        side_effect=httpx.RemoteProtocolError("dropped")
    )
    sleep = SleepRecorder()
    with pytest.raises(ErpRejected, match="may have been applied"):
        make_client(sleep).request("POST", "/Payments", json={})
    assert route.call_count == 1


def test_an_idempotent_write_is_resent_after_a_dropped_connection(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.put(f"{BASE}/Payments").mock(
        side_effect=[httpx.RemoteProtocolError("dropped"), httpx.Response(200, json={})]
    )
    sleep = SleepRecorder()
    make_client(sleep).request("PUT", "/Payments", json={}, idempotent_write=True)
    assert route.call_count == 2


def test_every_request_carries_the_correlation_id_in_force(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get(f"{BASE}/Accounts").mock(return_value=httpx.Response(200, json={}))
    with correlation("cor_test123"):
        make_client(SleepRecorder()).get_json("/Accounts")
    assert route.calls.last.request.headers[CORRELATION_HEADER] == "cor_test123"


def test_json_numbers_are_parsed_exactly_as_decimal() -> None:
    response = httpx.Response(200, content=b'{"Total": 12345678901234567890.123456789}')
    assert parse_json(response)["Total"] == Decimal("12345678901234567890.123456789")


def test_a_body_that_is_not_json_is_a_transient_error() -> None:
    with pytest.raises(TransientError, match="not JSON"):
        parse_json(httpx.Response(200, content=b"<html>oops"))


def test_a_read_response_is_freed_without_waiting_for_the_cyclic_gc() -> None:
    import gc
    import weakref

    seen: list[weakref.ref[httpx.Response]] = []
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"page": "x" * 1000}))
    client = ErpHttpClient(
        BASE,
        classify=classify,
        transport=transport,
        on_response=lambda response: seen.append(weakref.ref(response)),
    )
    enabled = gc.isenabled()
    gc.disable()
    try:
        assert client.get_json("/Things") == {"page": "x" * 1000}
        # Reference counting alone frees the response and its body: no cycle holds a page.
        assert seen[0]() is None
    finally:
        if enabled:
            gc.enable()
        client.close()
