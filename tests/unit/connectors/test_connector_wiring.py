"""The connector owns its wiring: budget keys, token client, auth modes, typed members."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from connectors.auth import AuthMode, OAuthClient, UserPassword
from connectors.base import ConnectionConfig
from connectors.errors import AuthError
from connectors.ratelimit import Budget, MemoryRateLimiter
from connectors.xero.client import XeroConnector

BASE = "https://xero.test"
API = f"{BASE}/api.xro/2.0"


class RecordingLimiter(MemoryRateLimiter):
    """Keeps the key of every slot taken and of every remaining-call count booked."""

    def __init__(self) -> None:
        super().__init__(Budget.unlimited())
        self.slots: list[str] = []
        self.observed: list[str] = []

    @contextmanager
    def slot(self, key: str, app_key: str = "app") -> Iterator[None]:
        self.slots.append(key)
        with super().slot(key, app_key):
            yield

    def observe(self, key: str, remaining: Mapping[str, int]) -> None:
        self.observed.append(key)
        super().observe(key, remaining)


def _config(**extra: Any) -> ConnectionConfig:
    return ConnectionConfig(
        connection_id="con-1",
        base_url=BASE,
        client_id="app-1",
        client_secret=SecretStr("secret-1"),
        **extra,
    )


def _xero_routes(respx_mock: respx.MockRouter) -> None:
    remaining = {"X-MinLimit-Remaining": "41", "X-DayLimit-Remaining": "4000"}
    respx_mock.post(f"{BASE}/connect/token").mock(
        return_value=httpx.Response(200, json={"access_token": "a1", "expires_in": "1800"})
    )
    respx_mock.get(f"{BASE}/connections").mock(
        return_value=httpx.Response(200, json=[{"tenantId": "tenant-9"}], headers=remaining)
    )
    respx_mock.get(f"{API}/Organisation").mock(
        return_value=httpx.Response(
            200, json={"Organisations": [{"BaseCurrency": "NZD"}]}, headers=remaining
        )
    )


def test_remaining_calls_are_booked_under_the_key_the_slots_were_taken_under(
    respx_mock: respx.MockRouter,
) -> None:
    _xero_routes(respx_mock)
    limiter = RecordingLimiter()
    with XeroConnector(_config(), limiter=limiter) as connector:
        assert connector.tenant_id == "tenant-9"  # no tenant configured: looked up
        connector.context()
    # Each response's counts go to the budget its request was sent under; before this fix
    # the slots were taken under the connection and the counts booked under the tenant.
    assert limiter.observed == limiter.slots
    assert limiter.slots == ["xero:con-1", "xero:tenant-9"]
    assert connector.rate_key == "xero:tenant-9"


def test_closing_the_connector_closes_the_token_client_too(respx_mock: respx.MockRouter) -> None:
    _xero_routes(respx_mock)
    connector = XeroConnector(_config(tenant_id="tenant-9"))
    connector.authorize()  # uses the token client
    assert connector.flow is not None
    token_http = connector.flow._http
    assert not token_http.is_closed
    connector.close()
    assert token_http.is_closed
    assert connector.http._client.is_closed


def test_the_auth_mode_follows_the_grant_and_the_credentials_are_typed() -> None:
    cc = XeroConnector(_config())
    code = XeroConnector(_config(grant="refresh_token", redirect_uri="http://cb"))
    named = XeroConnector(_config(auth_mode="authorization_code", redirect_uri="http://cb"))
    try:
        assert cc.auth_mode.name == "client_credentials"
        assert code.auth_mode.name == named.auth_mode.name == "authorization_code"
        assert isinstance(cc.credentials, OAuthClient)
        assert cc.credentials.client_secret.get_secret_value() == "secret-1"
        assert "secret-1" not in repr(cc.credentials)
        with pytest.raises(AuthError, match="needs a person"):
            code.authorize()
        with pytest.raises(AuthError, match="no browser approval"):
            cc.begin_authorization()
        assert code.begin_authorization().url.startswith(f"{BASE}/identity/connect/authorize")
    finally:
        for c in (cc, code, named):
            c.close()


def test_bad_credentials_are_refused_naming_the_field() -> None:
    config = ConnectionConfig(connection_id="c", base_url=BASE, credentials={"client_id": ""})
    with pytest.raises(ValueError, match=r"client_id: .*at least 1") as caught:
        XeroConnector(config)
    assert "client_secret: Field required" in str(caught.value)
    with pytest.raises(ValueError, match="has no auth mode 'tba'"):
        XeroConnector(_config(auth_mode="tba"))


def test_an_auth_mode_lists_its_fields_and_which_are_secret() -> None:
    mode = AuthMode("basic", UserPassword, "HTTP Basic")
    assert [(name, secret) for name, _, secret in mode.fields()] == [
        ("user", False),
        ("password", True),
    ]
    creds = mode.validate({"user": "u", "password": "p"})
    assert creds.secrets() == ["p"]
    assert creds.sealable() == {"user": "u", "password": "p"}
    assert creds.secret_fields() == ["password"]
    assert [m.name for m in XeroConnector.AUTH_MODES] == [
        "client_credentials",
        "authorization_code",
    ]
    assert XeroConnector.capabilities().auth == ("client_credentials", "authorization_code")


def test_translation_sends_no_request_its_context_is_a_step_of_the_read(
    respx_mock: respx.MockRouter,
) -> None:
    _xero_routes(respx_mock)
    with XeroConnector(_config(tenant_id="tenant-9")) as connector:
        accounts = connector.resource("accounts")
        item = {"AccountID": "a-1", "Code": "200", "Name": "Sales", "Type": "REVENUE"}
        with pytest.raises(RuntimeError, match="translation itself sends no request"):
            connector.translate_item(accounts, item)
        calls = respx_mock.calls.call_count
        connector.prepare_read(accounts)
        assert respx_mock.calls.call_count == calls + 2  # token, then /Organisation
        connector.translate_item(accounts, item)
        assert respx_mock.calls.call_count == calls + 2
