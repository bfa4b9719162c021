"""Idempotent writes: replay, 422 on another body, 409 while running, expiry; validation first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from hub.api.writes import _digest
from hub.store.api_tables import IdempotencyRecord
from hub.store.models import utcnow
from tests.integration.api.conftest import Api, Tenant

pytestmark = pytest.mark.integration


def _supplier(connection: str, name: str = "Nordwind GmbH") -> dict[str, Any]:
    return {"connection_id": connection, "name": name, "currency": "EUR"}


def _post(
    api: Api, tenant: Tenant, body: dict[str, Any], key: str | None, path: str = "/v1/suppliers"
):  # type: ignore[no-untyped-def]
    headers = tenant.auth("write", **({"Idempotency-Key": key} if key else {}))
    return api.client.post(path, json=body, headers=headers)


def test_a_write_is_accepted_once_and_its_replay_gets_the_identical_answer(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    first = _post(api, acme, _supplier(connection), "key-1")
    assert first.status_code == 202, first.text
    operation = first.json()
    assert first.headers["Location"] == f"/v1/operations/{operation['id']}"
    assert operation["status"] == "queued"
    assert operation["object"] == "supplier"
    again = _post(api, acme, _supplier(connection), "key-1")
    assert again.status_code == 202
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert len(api.runtime.store.writes.list(connection)) == 1
    shown = api.client.get(first.headers["Location"], headers=acme.auth("read"))
    assert shown.json()["id"] == operation["id"]
    assert shown.json()["correlation_id"] == first.headers["X-Request-ID"]


def test_the_same_key_with_another_body_is_a_422(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    assert _post(api, acme, _supplier(connection), "key-1").status_code == 202
    other = _post(api, acme, _supplier(connection, "Other AG"), "key-1")
    assert other.status_code == 422
    assert other.json()["errors"][0]["path"] == "Idempotency-Key"
    assert len(api.runtime.store.writes.list(connection)) == 1


def test_the_same_key_while_the_first_request_runs_is_a_409(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    body = _supplier(connection)
    digest = _digest("POST", "/v1/suppliers", body)
    api.runtime.store.idempotency.begin(acme.id, "key-busy", digest, timedelta(hours=1))
    busy = _post(api, acme, body, "key-busy")
    assert busy.status_code == 409
    assert busy.json()["status"] == 409
    assert api.runtime.store.writes.list(connection) == []


def test_an_expired_key_is_as_good_as_new(make_api: Callable[..., Api]) -> None:
    api = make_api(api_idempotency_ttl_seconds=60)
    acme = api.tenant()
    connection = api.connection(acme)
    first = _post(api, acme, _supplier(connection), "key-old").json()
    with api.runtime.store.sessions.begin() as session:
        session.execute(
            update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    later = _post(api, acme, _supplier(connection, "Another GmbH"), "key-old")
    assert later.status_code == 202
    assert later.json()["id"] != first["id"]
    assert len(api.runtime.store.writes.list(connection)) == 2


def test_keys_belong_to_their_tenant(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    mine, theirs = api.connection(acme), api.connection(other)
    a = _post(api, acme, _supplier(mine), "shared-key")
    b = _post(api, other, _supplier(theirs), "shared-key")
    assert a.status_code == b.status_code == 202
    assert a.json()["id"] != b.json()["id"]
    assert api.client.get(a.headers["Location"], headers=other.auth()).status_code == 404


def test_an_invalid_record_names_the_path_and_leaves_no_trace(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    bill = {
        "connection_id": connection,
        "direction": "payable",
        "party_id": "sup_01K94FSMR0DEQWY9A6YFCBV9CE",
        "currency": "EUR",
        "issue_date": "2026-03-01",
        "status": "authorised",
        "lines": [{"line_number": 1, "description": "Hosting", "quantity": "1",
                   "unit_price": "100.00", "net_amount": "100.00", "tax_amount": "19.00"}],
        "subtotal": "100.00", "tax_total": "19.00", "total": "999.00",
    }  # fmt: skip
    bad = _post(api, acme, bill, "key-bad", "/v1/invoices")
    assert bad.status_code == 422
    assert "total" in [e["path"] for e in bad.json()["errors"]]
    assert api.runtime.store.writes.list(connection) == []
    # Nothing was kept under the key: fixed, the same key goes through.
    fixed = _post(api, acme, {**bill, "total": "119.00"}, "key-bad", "/v1/invoices")
    assert fixed.status_code == 202, fixed.text


def test_writes_need_a_key_a_write_scope_and_the_tenants_connection(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    missing = _post(api, acme, _supplier(connection), None)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["path"] == "Idempotency-Key"
    read = api.client.post(
        "/v1/suppliers", json=_supplier(connection),
        headers=acme.auth("read", **{"Idempotency-Key": "k"}),
    )  # fmt: skip
    assert read.status_code == 403
    assert _post(api, other, _supplier(connection), "k2").status_code == 404
    no_connection = _post(api, acme, {"name": "X"}, "k3")
    assert no_connection.status_code == 422
    assert no_connection.json()["errors"][0]["path"] == "connection_id"


def test_a_patch_writes_the_stored_record_with_the_changes(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    (supplier,) = api.suppliers(connection, 1)
    patched = api.client.patch(
        f"/v1/suppliers/{supplier}", json={"email": "ap@example.com"},
        headers=acme.auth("write", **{"Idempotency-Key": "patch-1"}),
    )  # fmt: skip
    assert patched.status_code == 202, patched.text
    request = api.runtime.store.writes.get(patched.json()["id"])
    assert request.operation == "update"
    assert request.payload["email"] == "ap@example.com"
    assert request.payload["remote_id"] == "r0"
    assert request.payload["name"] == "Supplier 0"


MISSING = object()


def _body_schema(document: dict[str, Any], path: str, verb: str) -> dict[str, Any]:
    """The request body schema of an operation, with the document's components to resolve."""
    schema = document["paths"][path][verb]["requestBody"]["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


def test_write_bodies_carry_the_canonical_json_schema_in_the_openapi(api: Api) -> None:
    from canonical.schema import json_schema

    document = api.client.get("/openapi.json").json()
    for family, name in [("suppliers", "supplier"), ("customers", "customer"),
                         ("invoices", "invoice"), ("payments", "payment"),
                         ("journal-entries", "journal_entry")]:  # fmt: skip
        created = _body_schema(document, f"/v1/{family}", "post")
        assert created["$ref"] == f"#/components/schemas/canonical.{name}.create"
        component = document["components"]["schemas"][f"canonical.{name}.create"]
        canonical = json_schema(name)
        assert set(component["properties"]) == set(canonical["properties"])
        assert set(component["required"]) == {"connection_id", *canonical["required"]}
        assert component["additionalProperties"] is False
        changed = _body_schema(document, f"/v1/{family}/{{record_id}}", "patch")
        assert changed["$ref"] == f"#/components/schemas/canonical.{name}.update"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"connection_id": MISSING}, "connection_id"),
        ({"name": 42}, "name"),
        ({"name": None}, "name"),
        ({"colour": "blue"}, "colour"),
        ({"payment_terms_days": "soon"}, "payment_terms_days"),
        ({"addresses": [{"kind": "moon", "line1": "Main St 1"}]}, "addresses"),
        ({"currency": "euro"}, "currency"),
    ],
)
def test_a_body_the_published_schema_refuses_is_a_422_naming_the_field(
    api: Api, change: dict[str, Any], path: str
) -> None:
    import jsonschema

    acme = api.tenant()
    connection = api.connection(acme)
    schema = _body_schema(api.client.get("/openapi.json").json(), "/v1/suppliers", "post")
    good = _supplier(connection)
    jsonschema.Draft202012Validator(schema).validate(good)  # the schema takes a good body
    body = {k: v for k, v in {**good, **change}.items() if v is not MISSING}
    # What a client validating against the OpenAPI description sees...
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(body))
    assert errors, f"the published schema takes {body}"
    # ...the API says too, naming the same field.
    answer = _post(api, acme, body, f"key-{path}")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    named = [e["path"] for e in answer.json()["errors"]]
    assert any(p == path or p.startswith((f"{path}.", f"{path}[")) for p in named), named
    assert all(e["reason"] for e in answer.json()["errors"])
    assert api.runtime.store.writes.list(connection) == []
