"""The adapter's NetSuite sign-in pieces: the M2M JWT assertion, the TBA signature, the hosts,
and the error table."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from connectors.base import ConnectionConfig
from connectors.errors import AuthError, ErpRejected, RateLimited, TransientError
from connectors.netsuite.auth import TokenBasedAuth, account_slug, suitetalk_url
from connectors.netsuite.client import NetSuiteConnector, since_local
from connectors.netsuite.errors import classify


def _pem(private: object) -> str:
    return private.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("algorithm", "kind"), [("PS256", "rsa"), ("ES256", "ec"), ("RS256", "rsa")]
)
def test_m2m_assertion_has_netsuites_claims_and_verifies_with_the_public_key(
    algorithm: str, kind: str
) -> None:
    private = (
        rsa.generate_private_key(public_exponent=65537, key_size=3072)
        if kind == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    config = ConnectionConfig(
        connection_id="c",
        base_url="https://1234567-sb1.suitetalk.api.netsuite.com",
        auth_mode="client_credentials",
        credentials={
            "account_id": "1234567_SB1",
            "client_id": "integration-client",
            "certificate_id": "cert-42",
            "private_key": _pem(private),
            "algorithm": algorithm,
        },
    )
    with NetSuiteConnector(config) as connector:
        token_url = connector.oauth_endpoints().token_url  # type: ignore[union-attr]
        assertion = connector.client_auth().assertion(token_url)  # type: ignore[attr-defined]
    public = (RSAKey if kind == "rsa" else ECKey).import_key(private.public_key())  # type: ignore[arg-type]
    token = jwt.decode(assertion, public, algorithms=[algorithm])
    assert token.header["kid"] == "cert-42"
    assert token.header["alg"] == algorithm
    assert token.header["typ"] == "JWT"
    claims = token.claims
    assert claims["iss"] == "integration-client"
    assert (
        claims["aud"]
        == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"
    )
    assert "rest_webservices" in claims["scope"]
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - time.time()) < 60


def test_tba_signs_with_hmac_sha256_over_the_rfc_5849_base_string() -> None:
    # The account, consumer key and token of NetSuite's documented example (The Signature for
    # Web Services and RESTlets); its secrets are stand-ins. The expected signature is computed
    # here independently of authlib, from RFC 5849's rules (the sandbox's verifier is checked
    # against RFC 5849's own worked example in test_sandbox_tba.py).
    auth = TokenBasedAuth(
        account_id="123456",
        consumer_key="ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
        consumer_secret="d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9a8b5",
        token_id="2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
        token_secret="c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8fea1478a1b9e6ea5",
    )
    url = (
        "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40"
        "?expand=True&a=b c"
    )
    request = httpx.Request("GET", url)
    signed = next(auth.auth_flow(request))
    header = signed.headers["Authorization"]
    assert header.startswith("OAuth ")
    params = {
        unquote(k): unquote(v.strip('"'))
        for k, v in (part.strip().split("=", 1) for part in header[6:].split(","))
    }
    assert params["realm"] == "123456"
    assert params["oauth_signature_method"] == "HMAC-SHA256"
    parts = urlsplit(str(signed.url))
    pairs = [(k, v) for k, v in params.items() if k not in {"realm", "oauth_signature"}]
    pairs += parse_qsl(parts.query, keep_blank_values=True)
    normal = "&".join(
        f"{k}={v}" for k, v in sorted((quote(k, "~"), quote(v, "~")) for k, v in pairs)
    )
    base = "&".join(
        ("GET", quote(f"{parts.scheme}://{parts.netloc}{parts.path}", "~"), quote(normal, "~"))
    )
    key = (
        "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9a8b5&"
        "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8fea1478a1b9e6ea5"
    )
    expected = base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha256).digest())
    assert params["oauth_signature"] == expected.decode()
    again = next(auth.auth_flow(httpx.Request("GET", url))).headers["Authorization"]
    assert again != header  # a new nonce and signature for every request


def test_account_ids_become_host_labels() -> None:
    assert account_slug("1234567_SB1") == "1234567-sb1"
    assert suitetalk_url("1234567_SB1") == "https://1234567-sb1.suitetalk.api.netsuite.com"
    with pytest.raises(ValueError, match="account id"):
        account_slug("123 456")


def test_an_ambiguous_local_cursor_starts_an_hour_earlier() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Los_Angeles")
    assert since_local(datetime(2026, 11, 15, 8, 0, 5, tzinfo=UTC), zone) == "2026-11-15 00:00:05"
    # 08:30Z is 01:30 PDT: the wall time comes again at 09:30Z, so read from 00:30.
    assert since_local(datetime(2026, 11, 1, 8, 30, tzinfo=UTC), zone) == "2026-11-01 00:30:00"
    assert since_local(datetime(2026, 3, 8, 10, 0, 30, tzinfo=UTC), zone) == "2026-03-08 03:00:30"


def _response(status: int, body: dict[str, object], **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def _error(code: str, detail: str, path: str | None = None) -> dict[str, object]:
    entry: dict[str, object] = {"detail": detail, "o:errorCode": code}
    if path:
        entry["o:errorPath"] = path
    return {"type": "t", "title": "Bad Request", "status": 400, "o:errorDetails": [entry]}


def test_error_table_maps_netsuites_answers_to_what_to_do() -> None:
    refused = classify(_response(400, _error("INVALID_CONTENT", "Bad entity.", "entity")))
    assert isinstance(refused, ErpRejected)
    assert (refused.erp_code, refused.details) == ("INVALID_CONTENT", ("entity: Bad entity.",))
    login = classify(
        _response(
            401,
            _error("INVALID_LOGIN", "Invalid login attempt."),
            **{"WWW-Authenticate": 'OAuth realm="1", error="InvalidAccount"'},
        )
    )
    assert isinstance(login, AuthError)
    assert "account id" in str(login)
    unexplained = classify(_response(401, _error("INVALID_LOGIN", "Invalid login attempt.")))
    assert isinstance(unexplained, AuthError)
    assert "role" in str(unexplained)
    for answer in (
        _response(429, _error("CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded.")),
        _response(400, _error("SSS_REQUEST_LIMIT_EXCEEDED", "Request limit exceeded.")),
    ):
        limited = classify(answer)
        assert isinstance(limited, RateLimited)
        assert (limited.scope, limited.retry_after) == ("concurrent", 1.0)
    assert isinstance(classify(_response(503, {"title": "Service Unavailable"})), TransientError)
    assert isinstance(classify(_response(403, _error("INSUFFICIENT_PERMISSION", "No."))), AuthError)
