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


def test_operations_are_listed_newest_first_filtered_and_paged_per_tenant(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    first, second = api.connection(acme), api.connection(acme, "Second")
    theirs = api.connection(other)
    writes = api.runtime.store.writes
    made = []
    for i, (connection, name) in enumerate(
        [(first, "supplier"), (second, "supplier"), (first, "invoice"), (theirs, "supplier")]
    ):
        view, _ = writes.create_or_get(
            connection_id=connection, object_name=name, idempotency_key=f"k{i}",
            payload={"name": f"S{i}"}, correlation_id=f"cor_{i}",
        )  # fmt: skip
        made.append(view.id)
    writes.fail(made[0], error="tax number is not valid", category="validation", final=True)

    listed = api.client.get("/v1/operations", headers=acme.auth("read"))
    assert listed.status_code == 200
    body = listed.json()
    assert [o["id"] for o in body["data"]] == [made[2], made[1], made[0]]
    assert "next_cursor" not in body
    assert body["data"][2]["status"] == "failed"
    assert body["data"][2]["error"]["category"] == "validation"

    def ids(**params: object) -> list[str]:
        answer = api.client.get("/v1/operations", params=params, headers=acme.auth("read"))
        assert answer.status_code == 200, answer.text
        return [o["id"] for o in answer.json()["data"]]

    assert ids(status="failed") == [made[0]]
    assert ids(status="queued") == [made[2], made[1]]
    assert ids(connection_id=first) == [made[2], made[0]]
    assert ids(object="supplier") == [made[1], made[0]]

    # Cursor pages: one at a time, each page after the last, the last without a cursor.
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/operations", params=params, headers=acme.auth()).json()
        seen += [o["id"] for o in page["data"]]
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    assert seen == [made[2], made[1], made[0]]

    # Another tenant's operations and connections are not there for this one.
    assert (
        api.client.get("/v1/operations", headers=other.auth()).json()["data"][0]["id"] == (made[3])
    )
    assert len(api.client.get("/v1/operations", headers=other.auth()).json()["data"]) == 1
    refused = api.client.get(
        "/v1/operations", params={"connection_id": first}, headers=other.auth()
    )
    assert refused.status_code == 404
    bad = api.client.get("/v1/operations", params={"status": "lost"}, headers=acme.auth())
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    garbage = api.client.get("/v1/operations", params={"cursor": "nope!"}, headers=acme.auth())
    assert garbage.status_code in (400, 422)
