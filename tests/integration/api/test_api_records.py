"""Reading records: cursor pages, filters, `modified_after`, ETags, remote data."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from canonical import OBJECTS
from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration


def test_pages_cover_every_record_once_and_the_last_has_no_cursor(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    ids = api.suppliers(connection, 7)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.client.get("/v1/suppliers", params=params, headers=acme.auth("read")).json()
        pages += 1
        seen += [r["id"] for r in body["data"]]
        for record in body["data"]:
            assert record["version"] == 1
            assert record["remote_deleted"] is False
            assert record["remote_id"].startswith("r")
            assert "remote_data" not in record
        cursor = body.get("next_cursor")
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(ids)
    assert (
        "next_cursor"
        not in api.client.get("/v1/suppliers", params={"limit": 7}, headers=acme.auth()).json()
    )


@pytest.mark.parametrize("cursor", ["garbage", "eyJhZnRlciI6IDF9", "!!!", "e30"])
def test_a_garbage_cursor_is_a_problem_naming_the_cursor(api: Api, cursor: str) -> None:
    acme = api.tenant()
    response = api.client.get("/v1/suppliers", params={"cursor": cursor}, headers=acme.auth())
    assert response.status_code in {400, 422}
    body = response.json()
    assert body["status"] == response.status_code
    assert body["errors"][0]["path"] == "cursor"


def test_modified_after_returns_exactly_the_records_changed_since(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    api.suppliers(connection, 5)
    time.sleep(0.01)
    since = datetime.now(UTC)
    time.sleep(0.01)
    changed = [
        OBJECTS["supplier"].parse(
            {"name": f"Renamed {i}", "remote_id": f"r{i}", "connection_id": connection}
        )
        for i in (1, 3)
    ]
    api.runtime.store.records.apply_records(connection, changed, "cor_change")
    body = api.client.get(
        "/v1/suppliers", params={"modified_after": since.isoformat()}, headers=acme.auth()
    ).json()
    assert sorted(r["remote_id"] for r in body["data"]) == ["r1", "r3"]
    assert {r["version"] for r in body["data"]} == {2}
    naive = api.client.get(
        "/v1/suppliers", params={"modified_after": "2026-01-01T00:00:00"}, headers=acme.auth()
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["path"] == "modified_after"


def test_deleted_records_are_listed_only_when_asked(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    api.suppliers(connection, 3)
    api.suppliers(connection, 1, start=1, remote_deleted=True)
    plain = api.client.get("/v1/suppliers", headers=acme.auth()).json()["data"]
    every = api.client.get(
        "/v1/suppliers", params={"include_deleted": "true"}, headers=acme.auth()
    ).json()["data"]
    assert len(plain) == 2
    assert len(every) == 3
    assert [r["remote_deleted"] for r in every].count(True) == 1


def test_status_filter_and_remote_data(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    api.suppliers(connection, 2)
    api.suppliers(connection, 1, start=5, status="archived")
    archived = api.client.get(
        "/v1/suppliers", params={"status": "archived"}, headers=acme.auth()
    ).json()["data"]
    assert [r["remote_id"] for r in archived] == ["r5"]
    with_raw = api.client.get(
        "/v1/suppliers", params={"include_remote_data": "true"}, headers=acme.auth()
    ).json()["data"]
    assert all("remote_data" in r for r in with_raw)


def test_one_record_carries_its_version_as_etag(api: Api) -> None:
    acme = api.tenant()
    connection = api.connection(acme)
    (supplier,) = api.suppliers(connection, 1)
    first = api.client.get(f"/v1/suppliers/{supplier}", headers=acme.auth())
    assert first.headers["ETag"] == '"1"'
    assert first.json()["id"] == supplier
    again = api.client.get(
        f"/v1/suppliers/{supplier}", headers=acme.auth(**{"If-None-Match": '"1"'})
    )
    assert again.status_code == 304
    api.runtime.store.records.apply_records(
        connection,
        [
            OBJECTS["supplier"].parse(
                {"name": "New", "remote_id": "r0", "connection_id": connection}
            )
        ],
    )
    changed = api.client.get(
        f"/v1/suppliers/{supplier}", headers=acme.auth(**{"If-None-Match": '"1"'})
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] == '"2"'
    assert api.client.get(f"/v1/customers/{supplier}", headers=acme.auth()).status_code == 404
