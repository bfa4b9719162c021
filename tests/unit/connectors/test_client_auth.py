"""How the app proves itself at the token endpoint: basic, post, or a signed assertion."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest
import respx
from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from connectors.errors import AuthError, RateLimited, TransientError
from connectors.oauth import (
    ASSERTION_TYPE,
    ClientSecretBasic,
    ClientSecretPost,
    OAuth2Flow,
    OAuthEndpoints,
    PrivateKeyJwt,
    classify_token_response,
)

TOKEN_URL = "https://erp.test/oauth2/token"


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def _capture(respx_mock: respx.MockRouter, expires_in: object = 3600) -> list[httpx.Request]:
    seen: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "t", "expires_in": expires_in})

    respx_mock.post(TOKEN_URL).mock(side_effect=endpoint)
    return seen


def test_client_secret_basic_sends_the_pair_as_basic_auth(respx_mock: respx.MockRouter) -> None:
    seen = _capture(respx_mock)
    flow = OAuth2Flow(OAuthEndpoints(TOKEN_URL), ClientSecretBasic("id-1", SecretStr("s-1")))
    flow.client_credentials()
    assert seen[0].headers["Authorization"] == httpx.BasicAuth("id-1", "s-1")._auth_header
    assert "client_secret" not in _form(seen[0])


def test_client_secret_post_sends_the_pair_in_the_form(respx_mock: respx.MockRouter) -> None:
    seen = _capture(respx_mock)
    flow = OAuth2Flow(OAuthEndpoints(TOKEN_URL), ClientSecretPost("id-1", SecretStr("s-1")))
    flow.client_credentials()
    form = _form(seen[0])
    assert (form["client_id"], form["client_secret"]) == ("id-1", "s-1")
    assert form["grant_type"] == "client_credentials"
    assert "Authorization" not in seen[0].headers


def test_private_key_jwt_signs_a_fresh_assertion_for_every_token_request(
    respx_mock: respx.MockRouter,
) -> None:
    seen = _capture(respx_mock, expires_in="3600")  # NetSuite sends expires_in as a string
    key = RSAKey.generate_key(2048)
    pem = key.as_pem(private=True).decode()
    client = PrivateKeyJwt(
        "consumer-key",
        SecretStr(pem),
        key_id="cert-id-1",
        claims={"scope": ["restlets", "rest_webservices"]},
    )
    flow = OAuth2Flow(OAuthEndpoints(TOKEN_URL), client)
    first = flow.client_credentials()
    flow.client_credentials()
    assertions = [_form(r)["client_assertion"] for r in seen]
    assert assertions[0] != assertions[1]
    assert {_form(r)["client_assertion_type"] for r in seen} == {ASSERTION_TYPE}
    public = RSAKey.import_key(key.as_pem(private=False))
    token = jwt.decode(assertions[0], public, algorithms=["PS256"])
    assert token.header["kid"] == "cert-id-1"
    assert token.claims["iss"] == "consumer-key"
    assert token.claims["aud"] == TOKEN_URL
    assert token.claims["scope"] == ["restlets", "rest_webservices"]
    assert token.claims["exp"] - token.claims["iat"] == 300
    assert "Authorization" not in seen[0].headers
    remaining = (first.expires_at - first.expires_at.now(first.expires_at.tzinfo)).total_seconds()
    assert 3500 < remaining <= 3600


def test_a_private_key_that_does_not_parse_is_an_auth_error_without_the_key() -> None:
    client = PrivateKeyJwt("ck", SecretStr("-----BEGIN NOT A KEY-----"))
    with pytest.raises(AuthError, match="private key could not be read") as caught:
        client.assertion(TOKEN_URL)
    assert "NOT A KEY" not in str(caught.value)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(400, json={"error": "invalid_grant"}), AuthError),
        (httpx.Response(401, json={"error": "invalid_client"}), AuthError),
        (httpx.Response(429, headers={"Retry-After": "2"}), RateLimited),
        (httpx.Response(500), TransientError),
        (httpx.Response(502, text="<html>proxy</html>"), TransientError),
    ],
)
def test_the_token_endpoint_uses_the_default_table_with_oauth_error_codes(
    response: httpx.Response, expected: type[Exception]
) -> None:
    assert type(classify_token_response(response)) is expected
