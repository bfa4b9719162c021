"""The hub's operations over the API: sync runs and exception cases, each the tenant's own."""

from __future__ import annotations

import pytest

from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration


def test_sync_runs_and_exception_cases_are_listed_shown_and_acted_on_per_tenant(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    store = api.runtime.store
    run = store.runs.start(connection, "invoices", "incremental", "cor_run")
    case = store.cases.open_or_bump(
        connection_id=connection, object_name="invoice", category="validation",
        cause="tax number is not valid", source="sync", record_ref="inv_x",
    )  # fmt: skip

    runs = api.client.get("/v1/sync-runs", headers=acme.auth("read")).json()["data"]
    assert [(r["id"], r["resource"], r["status"]) for r in runs] == [
        (run.id, "invoices", "running")
    ]
    assert api.client.get(f"/v1/sync-runs/{run.id}", headers=acme.auth()).status_code == 200
    cases = api.client.get(
        "/v1/exceptions", params={"category": "validation"}, headers=acme.auth("read")
    ).json()["data"]
    assert [c["id"] for c in cases] == [case.id]
    shown = api.client.get(f"/v1/exceptions/{case.id}", headers=acme.auth()).json()
    assert [r["record_ref"] for r in shown["records"]] == ["inv_x"]
    assert (
        api.client.get(
            "/v1/exceptions", params={"older_than_seconds": 3600}, headers=acme.auth()
        ).json()["data"]
        == []
    )

    # Another tenant sees none of it and can act on none of it.
    assert api.client.get("/v1/sync-runs", headers=other.auth()).json()["data"] == []
    assert api.client.get("/v1/exceptions", headers=other.auth()).json()["data"] == []
    assert api.client.get(f"/v1/sync-runs/{run.id}", headers=other.auth()).status_code == 404
    for verb in ("retry", "resolve"):
        path = f"/v1/exceptions/{case.id}/{verb}"
        assert api.client.post(path, headers=other.auth()).status_code == 404
        assert api.client.post(path, headers=acme.auth("read")).status_code == 403
    trigger = {"connection_id": connection, "resource": "invoices"}
    assert api.client.post("/v1/sync-runs", json=trigger, headers=other.auth()).status_code == 404
    unknown = api.client.post(
        "/v1/sync-runs", json={**trigger, "resource": "widgets"}, headers=acme.auth()
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["path"] == "resource"

    # A running sync keeps its run: asking again starts nothing new.
    again = api.client.post("/v1/sync-runs", json=trigger, headers=acme.auth("write"))
    assert again.status_code == 202
    assert [r["id"] for r in again.json()["data"]] == [run.id]

    resolved = api.client.post(f"/v1/exceptions/{case.id}/resolve", headers=acme.auth("write"))
    assert resolved.json()["status"] == "resolved"
    assert api.client.get("/v1/exceptions", headers=acme.auth()).json()["data"] == []
    status = api.client.get("/v1/status", headers=acme.auth()).json()
    assert status["connections"] == 1
    assert api.client.get("/v1/status", headers=other.auth()).json()["connections"] == 0
