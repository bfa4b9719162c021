"""NetSuite sign-in: OAuth 2.0 client credentials with a signed JWT assertion (M2M), the
authorization-code flow, and token-based authentication (OAuth 1.0a) for existing customers.

- `account_slug("1234567_SB1")` is `1234567-sb1`, the account's host label;
  `suitetalk_url` the REST origin, `token_url` the OAuth 2.0 token endpoint under it.
- `client_assertion` signs the M2M JWT with joserfc and a `cryptography` key: header `alg`
  (PS256 by default, ES256, RS256 for older accounts), `typ: JWT`, `kid` = the certificate id;
  claims `iss` = the client id, `scope` `["restlets", "rest_webservices"]`, `aud` = the token
  URL, `iat`, `exp` = iat + 3600 at most, and a `jti`.
- `TokenBasedAuth` is an `httpx.Auth` that signs every request with authlib's OAuth 1 client
  (HMAC-SHA256, `realm` = the account id; the query parameters go into the base string).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Generator
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from authlib.oauth1.rfc5849.client_auth import ClientAuth
from authlib.oauth1.rfc5849.signature import generate_signature_base_string
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey
from pydantic import Field, SecretStr, field_validator

from connectors.auth import Credentials

__all__ = [
    "ALGORITHMS",
    "MAX_ASSERTION_SECONDS",
    "NetSuiteAuthCode",
    "NetSuiteM2M",
    "NetSuiteTBA",
    "TokenBasedAuth",
    "account_slug",
    "client_assertion",
    "load_private_key",
    "suitetalk_url",
    "token_url",
]

ALGORITHMS = ("PS256", "ES256", "RS256", "PS384", "PS512", "ES384", "ES512", "RS384", "RS512")
MAX_ASSERTION_SECONDS = 3600
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"  # noqa: S105 - a path, not a secret
AUTHORIZE_PATH = "/app/login/oauth2/authorize.nl"


def account_slug(account_id: str) -> str:
    """The account id as NetSuite writes it in host names: `1234567_SB1` -> `1234567-sb1`."""
    slug = account_id.strip().lower().replace("_", "-")
    if not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise ValueError(f"{account_id!r} is not a NetSuite account id (e.g. 1234567_SB1)")
    return slug


def suitetalk_url(account_id: str) -> str:
    """`https://<account>.suitetalk.api.netsuite.com`."""
    return f"https://{account_slug(account_id)}.suitetalk.api.netsuite.com"


def app_url(account_id: str) -> str:
    """`https://<account>.app.netsuite.com`, where people approve access."""
    return f"https://{account_slug(account_id)}.app.netsuite.com"


def token_url(origin: str) -> str:
    """The OAuth 2.0 token endpoint of an origin."""
    return origin.rstrip("/") + TOKEN_PATH


def load_private_key(pem: str, algorithm: str) -> RSAKey | ECKey:
    """The JWK of a PEM private key, checked against the algorithm it will sign with."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported JWT algorithm {algorithm!r} (use one of {ALGORITHMS})")
    try:
        if algorithm.startswith("ES"):
            return ECKey.import_key(pem)
        return RSAKey.import_key(pem)
    except (ValueError, TypeError) as exc:
        kind = "an EC" if algorithm.startswith("ES") else "an RSA"
        raise ValueError(f"the private key is not {kind} PEM key for {algorithm}") from exc


def client_assertion(
    *,
    client_id: str,
    certificate_id: str,
    private_key: RSAKey | ECKey,
    audience: str,
    algorithm: str = "PS256",
    lifetime: int = MAX_ASSERTION_SECONDS,
    now: float | None = None,
) -> str:
    """The signed JWT a client-credentials token request carries as `client_assertion`."""
    if not 0 < lifetime <= MAX_ASSERTION_SECONDS:
        raise ValueError("a NetSuite client assertion lives at most 3600 seconds")
    issued = int(time.time() if now is None else now)
    header = {"alg": algorithm, "typ": "JWT", "kid": certificate_id}
    claims = {
        "iss": client_id,
        "scope": ["restlets", "rest_webservices"],
        "aud": audience,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(header, claims, private_key, algorithms=[algorithm])


def _hmac_sha256(client: Any, request: Any) -> str:
    """authlib has HMAC-SHA1 only; NetSuite takes HMAC-SHA256 over the same base string."""
    secrets_ = (client.client_secret or "", client.token_secret or "")
    key = "&".join(quote(s, safe="~") for s in secrets_)
    base = generate_signature_base_string(request)
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()).decode()


class _NetSuiteClientAuth(ClientAuth):  # type: ignore[misc]
    # A subclass keeps the method out of authlib's global registry.
    SIGNATURE_METHODS: ClassVar[dict[str, Any]] = {
        **ClientAuth.SIGNATURE_METHODS,
        "HMAC-SHA256": _hmac_sha256,
    }


class TokenBasedAuth(httpx.Auth):
    """TBA: each request signed with OAuth 1.0a HMAC-SHA256, `realm` = the account id."""

    def __init__(
        self,
        *,
        account_id: str,
        consumer_key: str,
        consumer_secret: str,
        token_id: str,
        token_secret: str,
    ) -> None:
        self.realm = account_id.strip().upper()
        self._client = _NetSuiteClientAuth(
            consumer_key,
            client_secret=consumer_secret,
            token=token_id,
            token_secret=token_secret,
            signature_method="HMAC-SHA256",
            realm=self.realm,
        )

    def __repr__(self) -> str:
        return f"TokenBasedAuth(realm={self.realm!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request (a retry is signed afresh: new nonce and timestamp)."""
        headers = {"Content-Type": request.headers.get("Content-Type", "")}
        body = request.content if "x-www-form-urlencoded" in headers["Content-Type"] else b""
        _, signed, _ = self._client.prepare(request.method, str(request.url), headers, body)
        request.headers["Authorization"] = signed["Authorization"]
        yield request


_ACCOUNT = Field(
    min_length=1,
    pattern=r"^[0-9A-Za-z_-]+$",
    description="NetSuite account id, as in Setup > Company > Company Information (1234567_SB1).",
)


class _Account(Credentials):
    account_id: str = _ACCOUNT

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        account_slug(value)
        return value.strip().upper().replace("-", "_")


class NetSuiteM2M(_Account):
    """OAuth 2.0 client credentials (machine to machine): the integration's client id and the
    private key of a certificate uploaded to NetSuite, known there by its certificate id."""

    client_id: str = Field(min_length=1, description="Client id of the integration record.")
    certificate_id: str = Field(
        min_length=1, description="Certificate id (OAuth 2.0 Client Credentials Setup)."
    )
    private_key: SecretStr = Field(description="The certificate's private key, PEM.")
    algorithm: str = Field("PS256", description="PS256 or ES256 (RS256 for older accounts).")

    @field_validator("algorithm")
    @classmethod
    def _algorithm(cls, value: str) -> str:
        if value not in ALGORITHMS:
            raise ValueError(f"use one of {', '.join(ALGORITHMS)}")
        return value

    def app_id(self) -> str:
        """The integration's client id."""
        return self.client_id


class NetSuiteTBA(_Account):
    """Token-based authentication (OAuth 1.0a): the integration's consumer key and secret and
    one access token (id and secret) of a user and role."""

    consumer_key: str = Field(min_length=1, description="Consumer key of the integration record.")
    consumer_secret: SecretStr = Field(description="Consumer secret of the integration record.")
    token_id: str = Field(min_length=1, description="Token id of the access token.")
    token_secret: SecretStr = Field(description="Token secret of the access token.")

    def app_id(self) -> str:
        """The integration's consumer key."""
        return self.consumer_key


class NetSuiteAuthCode(_Account):
    """OAuth 2.0 authorization code: the integration's client id and secret; a person signs in
    to NetSuite and approves access once, refresh tokens keep it."""

    client_id: str = Field(min_length=1, description="Client id of the integration record.")
    client_secret: SecretStr = Field(description="Client secret of the integration record.")

    def app_id(self) -> str:
        """The integration's client id."""
        return self.client_id
