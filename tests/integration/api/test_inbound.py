"""Xero's webhooks at `/v1/inbound/xero/{connection}`: intent to receive, and a notice starts
an incremental sync at once, carrying the request id."""

from __future__ import annotations

import json

import pytest

from connectors.xero.webhooks import signature
from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration

KEY = "xero-webhook-key-0123456789"


def _notice(tenant_id: str, category: str = "INVOICE") -> bytes:
    events = [
        {
            "resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/x",
            "resourceId": "x",
            "eventDateUtc": "2026-12-07T10:00:00",
            "eventType": "UPDATE",
            "eventCategory": category,
            "tenantId": tenant_id,
            "tenantType": "ORGANISATION",
        }
    ]
    return json.dumps({"events": events, "firstEventSequence": 1, "lastEventSequence": 1,
                       "entropy": "ABCDEF"}).encode()  # fmt: skip


def test_intent_to_receive_and_a_notice_starting_a_sync(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    api.runtime.store.connections.update(connection, remote_tenant_id="org-1")
    path = f"/v1/connections/{connection}/erp-webhook-key"
    assert api.client.put(path, json={"key": KEY}, headers=other.auth()).status_code == 404
    assert api.client.put(path, json={"key": KEY}, headers=acme.auth("read")).status_code == 403
    assert api.client.put(path, json={"key": KEY}, headers=acme.auth("write")).status_code == 204
    assert KEY not in json.dumps(api.runtime.store.connections.get(connection).options)

    inbound = f"/v1/inbound/xero/{connection}"
    itr = _notice("org-1")
    bad = api.client.post(inbound, content=itr, headers={"x-xero-signature": "bm9wZQ=="})
    assert (bad.status_code, bad.content) == (401, b"")
    assert api.client.post(inbound, content=itr).status_code == 401
    assert api.runtime.store.runs.list(connection) == []

    good = api.client.post(
        inbound, content=itr,
        headers={"x-xero-signature": signature(KEY, itr), "X-Request-ID": "xero-notice-1"},
    )  # fmt: skip
    assert (good.status_code, good.content) == (200, b"")
    (run,) = api.runtime.store.runs.list(connection)
    assert (run.object, run.mode, run.correlation_id) == (
        "invoices",
        "incremental",
        "xero-notice-1",
    )

    # Another organisation's events start nothing.
    foreign = _notice("org-2", "CONTACT")
    api.client.post(inbound, content=foreign, headers={"x-xero-signature": signature(KEY, foreign)})
    assert len(api.runtime.store.runs.list(connection)) == 1


def test_a_connection_without_a_key_refuses_every_notice(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    body = _notice("org-1")
    answer = api.client.post(
        f"/v1/inbound/xero/{connection}", content=body,
        headers={"x-xero-signature": signature(KEY, body)},
    )  # fmt: skip
    assert answer.status_code == 401
    assert api.client.post("/v1/inbound/xero/con_missing", content=body).status_code == 401
