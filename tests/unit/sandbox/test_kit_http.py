"""The kit's middleware and control endpoints over real HTTP, on a minimal ERP-less app."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.sandbox import (
    Decision,
    FaultConfig,
    FaultKind,
    OAuthClient,
    OAuthServer,
    RateLimiter,
    RateLimits,
    SandboxRuntime,
    ServerHandle,
    build_sandbox_app,
    run_in_thread,
)


class Renderer:
    def fault_response(self, kind: FaultKind, config: FaultConfig) -> Response:
        status = {FaultKind.UNAVAILABLE: 503, FaultKind.THROTTLE: 429, FaultKind.EXPIRED_TOKEN: 401}
        return JSONResponse({"fault": kind.value}, status_code=status.get(kind, 500))

    def throttled(self, decision: Decision) -> Response:
        headers = {"Retry-After": str(decision.retry_after), "X-Problem": str(decision.problem)}
        return JSONResponse({"limited": True}, status_code=429, headers=headers)

    def limit_headers(self, decision: Decision) -> dict[str, str]:
        return {"X-Left": str(decision.window_remaining)}


class Server:
    def __init__(self, limits: RateLimits) -> None:
        self.items: list[str] = []
        self.runtime = SandboxRuntime(
            name="mini",
            reset_data=self.items.clear,
            oauth=OAuthServer([OAuthClient("c", "s")]),
            limiter=RateLimiter(limits),
        )

        async def items(request: Request) -> Response:
            if request.method == "POST":
                self.items.append((await request.body()).decode())
            return JSONResponse({"items": self.items, "padding": "x" * 200})

        app = build_sandbox_app(
            runtime=self.runtime,
            routes=[Route("/api/items", items, methods=["GET", "POST"])],
            renderer=Renderer(),
            faultable=lambda p: p.startswith("/api/"),
            tenant_of=lambda scope: "tenant" if scope["path"].startswith("/api/") else None,
        )
        self.handle: ServerHandle = run_in_thread(app)
        self.client = httpx.Client(base_url=self.handle.url, timeout=5)


@pytest.fixture
def mini() -> Iterator[Server]:
    server = Server(RateLimits(per_window=1000, window_seconds=60))
    yield server
    server.client.close()
    server.handle.stop()


def test_a_dropped_write_is_applied_but_the_client_gets_no_complete_response(mini: Server):
    mini.client.post("/_sandbox/faults", json={"drop_rate": 1.0, "methods": ["POST"]})
    with pytest.raises(httpx.RemoteProtocolError):
        mini.client.post("/api/items", content=b"first")
    assert mini.items == ["first"]
    assert mini.client.get("/api/items").json()["items"] == ["first"]  # GET is not targeted


def test_malformed_fault_sends_a_body_that_is_not_json(mini: Server):
    mini.client.post("/_sandbox/faults", json={"malformed_rate": 1.0})
    response = mini.client.get("/api/items")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_faults_endpoint_sets_reports_and_clears_the_configuration(mini: Server):
    set_ = mini.client.post("/_sandbox/faults", json={"error_rate": 1.0, "seed": 4})
    assert set_.json()["error_rate"] == 1.0
    assert mini.client.get("/api/items").status_code == 500
    assert mini.client.get("/_sandbox/faults").json()["seed"] == 4
    mini.client.delete("/_sandbox/faults")
    assert mini.client.get("/api/items").status_code == 200
    bad = mini.client.post("/_sandbox/faults", json={"error_rate": 2})
    assert bad.status_code == 422


def test_stats_count_requests_by_route_and_status_including_faults_and_429s(mini: Server):
    mini.client.get("/api/items")
    mini.client.post("/_sandbox/faults", json={"unavailable_rate": 1.0})
    mini.client.get("/api/items")
    mini.client.delete("/_sandbox/faults")
    stats = mini.client.get("/_sandbox/stats").json()
    assert stats["requests"] == 2
    assert stats["by_route"] == {"GET /api/items": 2}
    assert stats["by_status"] == {"200": 1, "503": 1}
    assert stats["faults"] == {"unavailable": 1}


def test_rate_limit_rejects_with_headers_and_reset_restores_budget_and_data():
    server = Server(RateLimits(per_window=2, window_seconds=60))
    try:
        server.client.post("/api/items", content=b"a")
        second = server.client.get("/api/items")
        assert second.headers["X-Left"] == "0"
        third = server.client.get("/api/items")
        assert third.status_code == 429
        assert third.headers["X-Problem"] == "minute"
        assert 58 <= int(third.headers["Retry-After"]) <= 60
        assert server.client.get("/_sandbox/stats").json()["rate_limited"] == {"minute": 1}
        server.client.post("/_sandbox/reset")
        assert server.items == []
        assert server.client.get("/api/items").status_code == 200
        assert server.client.get("/_sandbox/stats").json()["requests"] == 1
    finally:
        server.client.close()
        server.handle.stop()


def test_health_names_the_sandbox(mini: Server):
    assert mini.client.get("/_sandbox/health").json() == {"status": "ok", "sandbox": "mini"}


def test_run_in_thread_stops_cleanly(mini: Server):
    mini.handle.stop()
    assert not mini.handle.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{mini.handle.url}/_sandbox/health", timeout=2)


def test_an_erp_without_tokens_and_the_kits_change_handler() -> None:
    from datetime import datetime

    from connectors.sandbox import change_routes

    made: list[tuple[str, dict[str, object]]] = []

    def make_changes(kind: str, **amounts: object) -> dict[str, list[str]]:
        if kind != "items":
            raise ValueError(f"unknown object {kind!r}")
        made.append((kind, amounts))
        return {"updated": ["1"], "deleted": [], "created": []}

    runtime = SandboxRuntime(name="basic", reset_data=lambda: None, oauth=None, limiter=None)
    app = build_sandbox_app(
        runtime=runtime,
        routes=change_routes(make_changes, lambda: {"items": {"total": 3}}),
        renderer=Renderer(),
        faultable=lambda p: False,
        tenant_of=lambda scope: None,
    )
    with run_in_thread(app) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        assert client.post("/_sandbox/expire-tokens").json() == {"expired": 0}
        assert client.get("/_sandbox/counts").json() == {"items": {"total": 3}}
        answer = client.post("/_sandbox/changes", json={"object": "items", "update": 1})
        assert answer.json()["updated"] == ["1"]
        at = {"object": "items", "create": 2, "at": "2026-03-08T08:00:00Z"}
        assert client.post("/_sandbox/changes", json=at).status_code == 200
        for wrong in ({"update": 1}, {"object": "items", "delete": -1}, {"object": "nope"}, [1]):
            refused = client.post("/_sandbox/changes", json=wrong)
            assert refused.status_code == 400, wrong
            assert refused.json()["error"]
    assert made == [
        ("items", {"update": 1, "delete": 0, "create": 0}),
        (
            "items",
            {
                "update": 0,
                "delete": 0,
                "create": 2,
                "at": datetime.fromisoformat("2026-03-08T08:00:00+00:00"),
            },
        ),
    ]
