"""Mappings and custom fields over HTTP: the same validation as the CLI, as problem+json."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.api.conftest import Api
from tests.integration.hub.conftest import Sandbox

SPEC = """\
object: invoice
rules:
  - target: custom_fields.erp_status
    source: Statuss
"""


def test_specs_are_validated_versioned_and_tenant_scoped(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    url = f"/v1/connections/{connection}/mappings/invoice"
    assert api.client.get(url, headers=acme.auth()).status_code == 404

    bad = api.client.put(url, json={"text": SPEC}, headers=acme.auth("write"))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    (error,) = bad.json()["errors"]
    assert error == {
        "path": "rules[0].source",
        "reason": "'Statuss' is not a field xero has on invoice",
        "line": "4",
    }

    good = api.client.put(
        url,
        json={"text": SPEC.replace("Statuss", "Status"), "comment": "status words"},
        headers=acme.auth("write"),
    )
    assert good.status_code == 201, good.text
    assert good.json()["version"] == 1
    as_data = {"rules": [{"target": "custom_fields.erp_status", "source": "Status"}]}
    second = api.client.put(url, json={"spec": as_data}, headers=acme.auth("write"))
    assert second.json()["version"] == 2
    current = api.client.get(url, headers=acme.auth("read")).json()
    assert current["version"] == 2
    assert current["spec"]["rules"] == as_data["rules"]
    versions = api.client.get(f"{url}/versions", headers=acme.auth("read")).json()["data"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["comment"] == "status words"

    wrong_object = api.client.put(
        f"/v1/connections/{connection}/mappings/payment",
        json={"text": SPEC.replace("Statuss", "Status")},
        headers=acme.auth("write"),
    )
    assert wrong_object.status_code == 422
    assert wrong_object.json()["errors"][0]["path"] == "object"
    assert api.client.get(url, headers=other.auth()).status_code == 404
    assert api.client.put(url, json={"text": SPEC}, headers=acme.auth("read")).status_code == 403


def test_custom_fields_and_their_bindings(api: Api) -> None:
    acme = api.tenant("acme")
    connection = api.connection(acme)
    w = acme.auth("write")
    created = api.client.put(
        "/v1/custom-fields/cost_center", json={"level": "line", "required": True}, headers=w
    )
    assert created.status_code == 201, created.text
    again = api.client.put("/v1/custom-fields/cost_center", json={"level": "line"}, headers=w)
    assert again.status_code == 200
    bad = api.client.put("/v1/custom-fields/Cost Center", json={}, headers=w)
    assert bad.status_code == 422
    assert "snake_case" in bad.json()["errors"][0]["reason"]
    for key in ("region", "team"):
        api.client.put(f"/v1/custom-fields/{key}", json={"level": "line"}, headers=w)
    listed = api.client.get("/v1/custom-fields", headers=acme.auth("read")).json()["data"]
    assert [d["key"] for d in listed] == ["cost_center", "region", "team"]

    base = f"/v1/connections/{connection}/custom-fields"
    ok = api.client.put(f"{base}/cost_center", json={"place": "tracking", "param": "Department"},
                        headers=w)  # fmt: skip
    assert ok.status_code == 200, ok.text
    api.client.put(f"{base}/region", json={"place": "tracking", "param": "Region"}, headers=w)
    third = api.client.put(f"{base}/team", json={"place": "tracking", "param": "Team"}, headers=w)
    assert third.status_code == 422
    assert "at most 2 tracking category" in third.json()["errors"][0]["reason"]
    state = api.client.get(base, headers=acme.auth("read")).json()
    assert [b["key"] for b in state["data"]] == ["cost_center", "region"]
    assert {p["place"] for p in state["places"]} == {"tracking", "account_code", "reference"}
    assert api.client.delete(f"{base}/region", headers=w).status_code == 204
    assert api.client.delete(f"{base}/region", headers=w).status_code == 404
    assert api.client.delete("/v1/custom-fields/cost_center", headers=w).status_code == 204
    assert api.client.get(base, headers=acme.auth("read")).json()["data"] == []


def test_preview_suggest_and_decisions_against_the_sandbox(
    api: Api, start_sandbox: Callable[..., Sandbox]
) -> None:
    acme = api.tenant("acme")
    connection = api.hub.connect(start_sandbox(records=20))
    assert api.runtime.store.connections.get(connection).tenant_id == acme.id
    base = f"/v1/connections/{connection}/mappings/invoice"

    preview = api.client.post(
        f"{base}/preview",
        json={"text": SPEC.replace("Statuss", "Status"), "limit": 2},
        headers=acme.auth("read"),
    )
    assert preview.status_code == 200, preview.text
    data = preview.json()["data"]
    assert len(data) == 2
    assert all("custom_fields.erp_status" in p["changes"] for p in data)
    assert api.runtime.store.mappings.current_spec(connection, "invoice") is None  # not stored

    suggested = api.client.post(
        "/v1/mappings/suggest",
        json={"connection_id": connection, "object": "invoice"},
        headers=acme.auth("read"),
    )
    assert suggested.status_code == 200, suggested.text
    sources = {s["source"] for s in suggested.json()["suggestions"]}
    assert "InvoiceNumber" in sources

    decided = api.client.post(
        f"{base}/decisions",
        json={"source": "InvoiceNumber", "target": "custom_fields.erp_number", "accepted": True},
        headers=acme.auth("write"),
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["spec"]["version"] == 1
    again = api.client.post(
        "/v1/mappings/suggest",
        json={"connection_id": connection, "object": "invoice"},
        headers=acme.auth("read"),
    ).json()
    reused = next(s for s in again["suggestions"] if s["source"] == "InvoiceNumber")
    assert reused["target"] == "custom_fields.erp_number"


def test_a_spec_with_several_problems_reports_all_of_them(api: Api) -> None:
    acme = api.tenant("acme")
    connection = api.connection(acme)
    text = SPEC + "  - target: lines[].gl\n    source: LineItems[].AccountCode\n"
    bad = api.client.put(
        f"/v1/connections/{connection}/mappings/invoice", json={"text": text},
        headers=acme.auth("write"),
    )  # fmt: skip
    assert bad.status_code == 422
    assert [(e["line"], e["path"]) for e in bad.json()["errors"]] == [
        ("4", "rules[0].source"),
        ("5", "rules[1].target"),
    ]
