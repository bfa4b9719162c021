"""OAuth: single-flight refresh, rotation stored before use, invalid_grant vs a failing endpoint."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import respx
from pydantic import SecretStr

from connectors.errors import AuthError, TransientError
from connectors.http import ErpHttpClient, ErrorTable, RetryPolicy
from connectors.oauth import ClientCredentials, OAuth2Auth, OAuth2Flow, OAuthEndpoints
from connectors.tokens import FileTokenStore, MemoryTokenStore, TokenSet

TOKEN_URL = "https://id.test/connect/token"
API = "https://api.test"


def expired_tokens(refresh: str = "r0") -> TokenSet:
    return TokenSet(
        access_token=SecretStr("old-access"),
        refresh_token=SecretStr(refresh),
        expires_at=datetime.now(UTC) - timedelta(seconds=5),
    )


def flow() -> OAuth2Flow:
    return OAuth2Flow(
        OAuthEndpoints(token_url=TOKEN_URL, authorize_url="https://login.test/authorize"),
        ClientCredentials("client-1", SecretStr("secret-1")),
        scope="accounting.invoices offline_access",
        redirect_uri="http://localhost/callback",
    )


def test_refresh_runs_once_when_many_callers_find_the_token_expired_together(
    respx_mock: respx.MockRouter,
) -> None:
    calls: list[str] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        calls.append(request.content.decode())
        time.sleep(0.2)  # a slow token endpoint widens the race window
        return httpx.Response(
            200,
            json={"access_token": "new-access", "refresh_token": "r1", "expires_in": 1800},
        )

    respx_mock.post(TOKEN_URL).mock(side_effect=token_endpoint)
    api = respx_mock.get(f"{API}/Invoices").mock(return_value=httpx.Response(200, json={}))
    store = MemoryTokenStore()
    store.save("con_1", expired_tokens())
    auth = OAuth2Auth(store, "con_1", flow())
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            with httpx.Client(auth=auth) as client:
                client.get(f"{API}/Invoices")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(calls) == 1
    assert api.call_count == 16
    assert all(
        c.headers["Authorization"] == "Bearer new-access" for c in (x.request for x in api.calls)
    )


def test_the_rotated_refresh_token_is_stored_before_the_new_access_token_is_used(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(
            200, json={"access_token": "a1", "refresh_token": "r1", "expires_in": 1800}
        )
    )
    store = MemoryTokenStore()
    store.save("con_1", expired_tokens("r0"))
    seen_at_send: list[str | None] = []

    def api(request: httpx.Request) -> httpx.Response:
        saved = store.load("con_1")
        assert saved is not None
        assert saved.refresh_token is not None
        seen_at_send.append(saved.refresh_token.get_secret_value())
        return httpx.Response(200, json={})

    respx_mock.get(f"{API}/x").mock(side_effect=api)
    with httpx.Client(auth=OAuth2Auth(store, "con_1", flow())) as client:
        client.get(f"{API}/x")
    assert seen_at_send == ["r1"]


def test_refresh_sends_the_refresh_token_with_basic_client_auth(
    respx_mock: respx.MockRouter,
) -> None:
    route = respx_mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(200, json={"access_token": "a1", "expires_in": 60})
    )
    tokens = flow().refresh(SecretStr("r0"))
    request = route.calls.last.request
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["r0"],
    }
    assert request.headers["Authorization"].startswith("Basic ")
    # Xero-style servers that do not rotate: the old refresh token is kept
    assert tokens.refresh_token is not None
    assert tokens.refresh_token.get_secret_value() == "r0"


def test_invalid_grant_means_reauthorize_and_keeps_the_stored_tokens(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(400, json={"error": "invalid_grant"})
    )
    store = MemoryTokenStore()
    store.save("con_1", expired_tokens())
    auth = OAuth2Auth(store, "con_1", flow())
    with pytest.raises(AuthError) as info:
        auth.current_token()
    assert info.value.erp_code == "invalid_grant"
    assert info.value.category == "auth"
    saved = store.load("con_1")
    assert saved is not None
    assert saved.access_token.get_secret_value() == "old-access"


def test_a_failing_token_endpoint_is_transient_not_an_auth_failure(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(TOKEN_URL).mock(return_value=httpx.Response(503))
    store = MemoryTokenStore()
    store.save("con_1", expired_tokens())
    with pytest.raises(TransientError):
        OAuth2Auth(store, "con_1", flow()).current_token()


def test_a_401_triggers_one_refresh_and_one_resend(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(200, json={"access_token": "a2", "expires_in": 1800})
    )
    api = respx_mock.get(f"{API}/x").mock(side_effect=[httpx.Response(401), httpx.Response(200)])
    store = MemoryTokenStore()
    store.save(
        "con_1",
        TokenSet(
            access_token=SecretStr("revoked"),
            refresh_token=SecretStr("r0"),
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        ),
    )
    with httpx.Client(auth=OAuth2Auth(store, "con_1", flow())) as client:
        assert client.get(f"{API}/x").status_code == 200
    assert api.call_count == 2
    assert api.calls.last.request.headers["Authorization"] == "Bearer a2"


def _client_with(store: MemoryTokenStore, **kw: object) -> ErpHttpClient:
    return ErpHttpClient(
        API,
        classify=ErrorTable("Test"),
        auth=OAuth2Auth(store, "con_1", flow()),
        sleep=lambda _s: None,
        **kw,  # type: ignore[arg-type]
    )


def _valid(access: str = "a1") -> TokenSet:
    return TokenSet(
        access_token=SecretStr(access),
        refresh_token=SecretStr("r0"),
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )


def test_a_401_to_the_resend_after_a_refresh_is_retried_not_an_auth_failure(
    respx_mock: respx.MockRouter,
) -> None:
    """The schedule the fault property found: the resend with the fresh token is refused too."""
    issued = iter(["a2", "a3"])
    token = respx_mock.post(TOKEN_URL).mock(
        side_effect=lambda _r: httpx.Response(
            200, json={"access_token": next(issued), "expires_in": 1800}
        )
    )
    expired = httpx.Response(401, json={"Detail": "TokenExpired"})
    api = respx_mock.get(f"{API}/x").mock(
        side_effect=[expired, expired, expired, httpx.Response(200, json={"ok": True})]
    )
    store = MemoryTokenStore()
    store.save("con_1", _valid())
    with _client_with(store) as client:
        assert client.get_json("/x") == {"ok": True}
        assert client.stats.retries == 1
    assert api.call_count == 4
    assert token.call_count == 2  # one refresh per 401 to the token it was sent with
    assert api.calls.last.request.headers["Authorization"] == "Bearer a3"


def test_a_401_after_a_refresh_that_persists_ends_as_a_retryable_error(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(200, json={"access_token": "a2", "expires_in": 1800})
    )
    api = respx_mock.get(f"{API}/x").mock(return_value=httpx.Response(401))
    store = MemoryTokenStore()
    store.save("con_1", _valid())
    with (
        _client_with(store, retry=RetryPolicy(attempts=3)) as client,
        pytest.raises(TransientError, match="re-authorize") as caught,
    ):
        client.get_json("/x")
    assert caught.value.status == 401
    assert api.call_count == 6  # three attempts, each a send and a resend


def test_a_401_whose_refresh_is_refused_is_an_auth_failure(respx_mock: respx.MockRouter) -> None:
    respx_mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(400, json={"error": "invalid_grant"})
    )
    api = respx_mock.get(f"{API}/x").mock(return_value=httpx.Response(401))
    store = MemoryTokenStore()
    store.save("con_1", _valid())
    with _client_with(store) as client, pytest.raises(AuthError, match="re-authorized"):
        client.get_json("/x")
    assert api.call_count == 1


def test_a_401_without_an_oauth_refresh_stays_an_auth_failure(
    respx_mock: respx.MockRouter,
) -> None:
    respx_mock.get(f"{API}/x").mock(return_value=httpx.Response(401))
    with (
        ErpHttpClient(API, classify=ErrorTable("Test"), sleep=lambda _s: None) as client,
        pytest.raises(AuthError),
    ):
        client.get_json("/x")


def test_authorization_request_uses_pkce_s256_and_a_fresh_state() -> None:
    a, b = flow().authorization_request(), flow().authorization_request()
    query = parse_qs(urlparse(a.url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [a.state]
    assert a.state != b.state
    assert a.code_verifier != b.code_verifier
    assert "code_verifier" not in a.url
    assert a.code_verifier not in repr(a)


def test_callback_with_a_wrong_state_is_refused_before_any_token_call(
    respx_mock: respx.MockRouter,
) -> None:
    token = respx_mock.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={}))
    f = flow()
    request = f.authorization_request()
    with pytest.raises(AuthError):
        f.exchange_callback("http://localhost/callback?code=abc&state=forged", request)
    assert token.call_count == 0
    token.mock(return_value=httpx.Response(200, json={"access_token": "a", "expires_in": 60}))
    f.exchange_callback(f"http://localhost/callback?code=abc&state={request.state}", request)
    sent = parse_qs(token.calls.last.request.content.decode())
    assert sent["code_verifier"] == [request.code_verifier]


def test_file_token_store_keeps_tokens_private_and_survives_reload(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "tokens.json"
    store = FileTokenStore(path)
    store.save("con_1", expired_tokens("r9"))
    assert path.stat().st_mode & 0o777 == 0o600
    again = FileTokenStore(path).load("con_1")
    assert again is not None
    assert again.refresh_token is not None
    assert again.refresh_token.get_secret_value() == "r9"
    assert "r9" not in repr(again)
