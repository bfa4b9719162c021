"""The platform's path end to end through real `hub worker` subprocesses and a Xero sandbox:
connect over the API (client credentials, and OAuth code + PKCE), backfill, webhooks signed and
verified, a sync and a write whose request ids become the events' correlation ids, and a worker
killed mid-delivery whose message is delivered again, never dropped."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hub.jobs.dispatch import dispatch_pending
from hub.jobs.scheduler import syncable_resources
from tests.integration.api.conftest import Api, Tenant
from tests.integration.api.receiver import Delivery, receiver
from tests.integration.hub.checks import bill_payload
from tests.integration.hub.conftest import CLIENT_ID, CLIENT_SECRET, Sandbox

pytestmark = pytest.mark.integration

FAST = {"webhook_allowed_hosts": ["127.0.0.2"], "webhook_retry_scale": 0.001}


def _wait(probe: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _events(got: list[Delivery], secret: str) -> list[dict[str, Any]]:
    return [d.verify(secret) for d in got]


def _subscribe(api: Api, tenant: Tenant, url: str) -> dict[str, Any]:
    response = api.client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": ["*"]}, headers=tenant.auth()
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_connect_backfill_sync_and_write_reach_the_platform_as_signed_webhooks(
    make_api: Callable[..., Api], start_sandbox: Callable[..., Sandbox]
) -> None:
    sandbox = start_sandbox(records=40)
    api = make_api(**FAST)
    acme = api.tenant()
    with receiver() as hooks:
        endpoint = _subscribe(api, acme, hooks.url)
        created = api.client.post(
            "/v1/connections",
            json={"erp": "xero", "base_url": sandbox.url, "client_id": CLIENT_ID,
                  "client_secret": CLIENT_SECRET},
            headers=acme.auth("write", **{"X-Request-ID": "req-connect"}),
        )  # fmt: skip
        assert created.status_code == 201, created.text
        connection = created.json()
        assert connection["status"] == "connected"
        api.hub.start_worker(processes=1, threads=4)

        def backfilled() -> bool:
            events = _events(hooks.got, endpoint["secret"])
            return any(e["type"] == "invoice.created" for e in events) and any(
                e["type"] == "sync.completed" and e["data"]["object"] == "invoices" for e in events
            )

        _wait(backfilled, "the backfill's webhooks")
        events = _events(hooks.got, endpoint["secret"])
        invoices = [e for e in events if e["type"] == "invoice.created"]
        assert {e["correlation_id"] for e in invoices} == {"req-connect"}
        assert all(e["data"]["version"] == 1 for e in invoices)

        # An incremental sync asked for over the API: its request id is the events' cause.
        sandbox.control("POST", "changes", {"object": "invoices", "update": 2})
        started = api.client.post(
            "/v1/sync-runs", json={"connection_id": connection["id"], "resource": "invoices"},
            headers=acme.auth("write", **{"X-Request-ID": "req-sync"}),
        )  # fmt: skip
        assert started.status_code == 202, started.text
        assert started.json()["data"][0]["correlation_id"] == "req-sync"
        updated = _wait(
            lambda: [
                e for e in _events(hooks.got, endpoint["secret"])
                if e["type"] == "invoice.updated" and e["correlation_id"] == "req-sync"
            ],
            "invoice.updated webhooks",
        )  # fmt: skip
        assert len({e["data"]["id"] for e in updated}) == 2
        assert all(e["data"]["version"] >= 2 for e in updated)

        # An idempotent write: 202, then the operation succeeds and the platform hears it.
        bill = {**bill_payload(api.runtime, connection["id"], "API-1"),
                "connection_id": connection["id"]}  # fmt: skip
        headers = acme.auth("write", **{"Idempotency-Key": "bill-1", "X-Request-ID": "req-bill"})
        accepted = api.client.post("/v1/invoices", json=bill, headers=headers)
        assert accepted.status_code == 202, accepted.text
        replay = api.client.post("/v1/invoices", json=bill, headers=headers)
        assert replay.content == accepted.content
        location = accepted.headers["Location"]
        done = _wait(
            lambda: (
                (o := api.client.get(location, headers=acme.auth()).json())["status"]
                in {"succeeded", "failed"}
                and o
            ),
            "the write",
        )
        assert done["status"] == "succeeded", done
        assert done["remote_id"]
        succeeded = _wait(
            lambda: [
                e for e in _events(hooks.got, endpoint["secret"])
                if e["type"] == "write.succeeded" and e["correlation_id"] == "req-bill"
            ],
            "write.succeeded",
        )  # fmt: skip
        assert succeeded[0]["data"]["remote_id"] == done["remote_id"]
        assert sandbox.counts()["invoices"]["total"] >= 1
    record = api.client.get(f"/v1/invoices/{done['record_id']}", headers=acme.auth()).json()
    assert record["remote_id"] == done["remote_id"]


def test_the_oauth_code_flow_over_the_api_stores_tokens_and_backfills(
    make_api: Callable[..., Api], start_sandbox: Callable[..., Sandbox]
) -> None:
    sandbox = start_sandbox(records=20)
    api = make_api(**FAST)
    acme, other = api.tenant("acme"), api.tenant("other")
    created = api.client.post(
        "/v1/connections",
        json={"erp": "xero", "base_url": sandbox.url, "client_id": CLIENT_ID,
              "client_secret": CLIENT_SECRET, "grant": "authorization_code"},
        headers=acme.auth("write"),
    ).json()  # fmt: skip
    assert created["status"] == "needs_reauthorization"
    path = f"/v1/connections/{created['id']}/authorize"
    assert api.client.post(path, headers=other.auth()).status_code == 404
    started = api.client.post(path, headers=acme.auth("write"))
    assert started.status_code == 200, started.text
    url = started.json()["authorization_url"]
    assert "code_challenge_method=S256" in url
    # The person approves at the ERP, which sends the browser back to our callback.
    back = httpx.get(url, follow_redirects=False, timeout=10).headers["location"]
    callback = httpx.URL(back)
    assert callback.path == "/v1/oauth/callback"
    answer = api.client.get(f"{callback.path}?{callback.query.decode()}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["connection"]["status"] == "connected"
    assert api.runtime.store.tokens.load(created["id"]) is not None
    # The state is good once.
    assert api.client.get(f"{callback.path}?{callback.query.decode()}").status_code == 400
    api.hub.start_worker(processes=1, threads=2)
    resources = syncable_resources("xero")

    def finished() -> list[dict[str, Any]]:
        runs = api.client.get(
            "/v1/sync-runs", params={"connection_id": created["id"]}, headers=acme.auth()
        ).json()["data"]
        done = [r for r in runs if r["status"] != "running"]
        return done if len(done) == len(resources) else []

    assert {r["status"] for r in _wait(finished, "the first backfill")} == {"succeeded"}
    assert api.client.get("/v1/suppliers", headers=acme.auth()).json()["data"]


def test_a_worker_killed_mid_delivery_delivers_the_event_again(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(webhook_timeout_seconds=3, **FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        endpoint = _subscribe(api, acme, hooks.url)
        hooks.hang_seconds = 60  # the first delivery hangs: the worker dies while sending it
        worker = api.hub.start_worker(processes=1, threads=2)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        hooks.wait_for(1)
        worker.kill9()
        hooks.hang_seconds = 0
        (message,) = api.runtime.store.webhooks.messages(endpoint["id"])
        assert message.status == "sending"
        api.hub.start_worker(processes=1, threads=2)
        got = hooks.wait_for(2, timeout=60)
        assert got[1].webhook_id == got[0].webhook_id == message.id
        got[1].verify(endpoint["secret"])
        _wait(
            lambda: api.runtime.store.webhooks.messages(endpoint["id"])[0].status == "delivered",
            "the message to be marked delivered",
        )
