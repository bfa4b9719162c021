"""Who gets in: 401 before anything else, scopes, tenant isolation, keys, request ids, 429."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def _is_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer lhk_unknownkey", "Basic dXNlcjpwYXNz", "lhk_noscheme"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/suppliers"),
        ("GET", "/v1/invoices/inv_doesnotexist"),
        ("GET", "/v1/no-such-route"),
        ("POST", "/v1/keys"),
        ("GET", "/v1/suppliers?limit=not-a-number"),
    ],
)
def test_missing_or_bad_credentials_get_401_before_any_404_or_validation(
    api: Api, authorization: str | None, method: str, path: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = api.client.request(method, path, headers=headers, content=b"{not json")
    body = _is_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["X-Request-ID"] == body["request_id"]


def test_every_response_carries_the_request_id_and_echoes_the_clients(api: Api) -> None:
    acme = api.tenant()
    for response in (
        api.client.get("/openapi.json"),
        api.client.get("/healthz"),
        api.client.get("/v1/suppliers"),
        api.client.get("/v1/invoices/inv_missing", headers=acme.auth()),
        api.client.get("/v1/suppliers", headers=acme.auth()),
    ):
        assert response.headers["X-Request-ID"].startswith("cor_")
    sent = api.client.get("/v1/suppliers", headers=acme.auth(**{"X-Request-ID": "req-42.a"}))
    assert sent.headers["X-Request-ID"] == "req-42.a"
    missing = api.client.get("/v1/nothing-here", headers=acme.auth(**{"X-Request-ID": "r-404"}))
    assert _is_problem(missing, 404)["request_id"] == "r-404"
    assert missing.headers["X-Request-ID"] == "r-404"


def test_openapi_is_3_1_and_lists_the_resource_families(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in ("/v1/suppliers", "/v1/journal-entries/{record_id}", "/v1/connections", "/v1/keys"):
        assert path in spec["paths"], path
    assert api.client.get("/docs").status_code == 200


def test_a_read_key_is_refused_writes_with_403(api: Api) -> None:
    acme = api.tenant()
    body = _is_problem(
        api.client.post("/v1/keys", json={"scope": "read"}, headers=acme.auth("read")), 403
    )
    assert "admin" in body["detail"]
    _is_problem(
        api.client.post(
            "/v1/connections",
            json={"erp": "xero", "base_url": "http://x", "client_id": "a", "client_secret": "b"},
            headers=acme.auth("read"),
        ),
        403,
    )


def test_a_key_never_reaches_another_tenants_data(
    make_api: Callable[..., Api], pg_database
) -> None:  # type: ignore[no-untyped-def]
    for api in (make_api(), make_api(pg_database[0])):
        acme, other = api.tenant("acme"), api.tenant("other")
        connection = api.connection(acme)
        (supplier,) = api.suppliers(connection, 1)
        assert (
            api.client.get(f"/v1/suppliers/{supplier}", headers=acme.auth("read")).status_code
            == 200
        )
        for path in (
            f"/v1/suppliers/{supplier}",
            f"/v1/connections/{connection}",
            f"/v1/suppliers?connection_id={connection}",
        ):
            body = _is_problem(api.client.get(path, headers=other.auth()), 404)
            # The same answer as for data that does not exist: nothing of the record leaks.
            assert body["detail"].startswith("no ")
            assert "Supplier 0" not in json.dumps(body)
            assert "Xero test" not in json.dumps(body)
        _is_problem(api.client.delete(f"/v1/connections/{connection}", headers=other.auth()), 404)
        assert api.client.get("/v1/suppliers", headers=other.auth()).json()["data"] == []
        assert api.client.get("/v1/connections", headers=other.auth()).json()["data"] == []
        acme_key = api.runtime.store.api_keys.list(acme.id)[0].id
        _is_problem(api.client.delete(f"/v1/keys/{acme_key}", headers=other.auth()), 404)
        assert (
            api.client.get("/v1/connections", headers=acme.auth()).json()["data"][0]["id"]
            == connection
        )


def test_keys_are_created_listed_rotated_and_revoked(api: Api) -> None:
    acme = api.tenant()
    created = api.client.post(
        "/v1/keys", json={"scope": "write", "name": "ci"}, headers=acme.auth()
    )
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith("lhk_")
    assert new["key"] not in json.dumps(api.client.get("/v1/keys", headers=acme.auth()).json())
    assert (
        api.client.get(
            "/v1/suppliers", headers={"Authorization": f"Bearer {new['key']}"}
        ).status_code
        == 200
    )

    rotated = api.client.post(f"/v1/keys/{new['id']}/rotate", headers=acme.auth()).json()
    assert rotated["old"]["expires_at"] is not None
    for key in (new["key"], rotated["new"]["key"]):  # both work during the overlap
        assert (
            api.client.get("/v1/suppliers", headers={"Authorization": f"Bearer {key}"}).status_code
            == 200
        )

    assert (
        api.client.delete(f"/v1/keys/{rotated['new']['id']}", headers=acme.auth()).status_code
        == 200
    )
    gone = api.client.get(
        "/v1/suppliers", headers={"Authorization": f"Bearer {rotated['new']['key']}"}
    )
    _is_problem(gone, 401)


def test_a_rotated_key_stops_working_after_the_overlap(make_api: Callable[..., Api]) -> None:
    api = make_api(api_key_overlap_seconds=0)
    acme = api.tenant()
    key_id = api.runtime.store.api_keys.list(acme.id)[0].id
    api.client.post(f"/v1/keys/{key_id}/rotate", headers=acme.auth())
    old_scope = api.runtime.store.api_keys.get(acme.id, key_id).scope
    _is_problem(api.client.get("/v1/suppliers", headers=acme.auth(old_scope)), 401)


def test_the_rate_limit_answers_429_with_retry_after(make_api: Callable[..., Api]) -> None:
    api = make_api(api_rate_limit_per_minute=3)
    acme = api.tenant()
    codes = [api.client.get("/v1/suppliers", headers=acme.auth()).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.client.get("/v1/suppliers", headers=acme.auth())
    _is_problem(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1
    # Another key has its own budget.
    assert api.client.get("/v1/suppliers", headers=acme.auth("read")).status_code == 200


def test_the_default_rate_limit_lets_ordinary_use_through(api: Api) -> None:
    acme = api.tenant()
    codes = {api.client.get("/v1/suppliers", headers=acme.auth()).status_code for _ in range(50)}
    assert codes == {200}


def test_a_connection_with_bad_credentials_is_refused_naming_the_field(api: Api) -> None:
    answer = api.client.post(
        "/v1/connections",
        headers=api.tenant().auth("admin"),
        json={
            "erp": "xero",
            "base_url": "http://127.0.0.1:9",
            "auth_mode": "client_credentials",
            "credentials": {"client_id": "a"},
        },
    )
    assert answer.status_code == 422, answer.text
    assert "client_secret" in answer.text
    assert answer.json()["errors"][0]["path"] == "credentials"


def test_the_rate_limit_is_shared_by_every_serve_process_on_the_same_redis(
    make_api: Callable[..., Api],
) -> None:
    # Two API apps, as two `hub serve` processes would be, over one store and one Redis.
    first = make_api(api_rate_limit_per_minute=4)
    second = make_api(first.runtime.settings.database_url, api_rate_limit_per_minute=4)
    acme = first.tenant()
    codes = [
        app.client.get("/v1/suppliers", headers=acme.auth()).status_code
        for app in (first, second, first, second, first, second)
    ]
    assert codes == [200, 200, 200, 200, 429, 429]
    _is_problem(second.client.get("/v1/suppliers", headers=acme.auth()), 429)


def test_without_redis_or_with_redis_away_the_limit_counts_in_the_process() -> None:
    import socket

    import redis

    from hub.api.security import RateLimiter

    alone = RateLimiter(2)
    assert [alone.take("key_a") > 0 for _ in range(3)] == [False, False, True]
    assert 0 < alone.take("key_a") <= 60
    assert alone.take("key_b") == 0

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    away = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    limiter = RateLimiter(2, lambda: away)
    assert [limiter.take("key_a") > 0 for _ in range(3)] == [False, False, True]
