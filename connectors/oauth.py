"""OAuth 2.0 for every adapter: authlib for the protocol, our httpx client for the transport.

Grants: authorization code with PKCE (S256) and state, client credentials, and refresh. How the
app proves who it is at the token endpoint is a `ClientAuth` strategy: `ClientSecretBasic`
(HTTP Basic, the default), `ClientSecretPost` (id and secret in the form), or `PrivateKeyJwt`
(a signed client assertion, fresh for every token request, RFC 7523). The
access token goes on each request through `OAuth2Auth`, an `httpx.Auth` that refreshes **once
per connection** however many requests or workers find the token expired at the same moment:
the refresh runs under the token store's lock, re-reads the store inside it (someone else may
have refreshed already), and saves the rotated refresh token before anyone uses the new access
token. `invalid_grant` means the connection must be re-authorized (`AuthError`); a failing token
endpoint (5xx, timeout) is a `TransientError`, retried by the job, and never loses the tokens.
"""

from __future__ import annotations

import logging
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import (
    parse_authorization_code_response,
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from pydantic import SecretStr

from connectors.context import current_correlation_id
from connectors.errors import AuthError, ConnectorError, RateLimited, TransientError
from connectors.http import (
    CORRELATION_HEADER,
    DEFAULT_TIMEOUT,
    RESENT_WITH_FRESH_TOKEN,
    ErrorTable,
    Failure,
    parse_json,
)
from connectors.netguard import direct_loopback_mounts
from connectors.tokens import TokenSet, TokenStore

log = logging.getLogger("ledgerhub.oauth")


@dataclass(frozen=True)
class OAuthEndpoints:
    """Where an ERP authorizes users and issues tokens."""

    token_url: str
    authorize_url: str | None = None


@dataclass(frozen=True)
class ClientCredentials:
    """The app's client id and secret (the secret never shows in repr or logs)."""

    client_id: str
    client_secret: SecretStr = field(repr=False)


class ClientAuth(ABC):
    """How the app authenticates itself at the token endpoint (RFC 6749 2.3, RFC 7523)."""

    client_id: str

    @abstractmethod
    def apply(self, token_url: str, form: dict[str, str], headers: dict[str, str]) -> None:
        """Add the client's proof to a token request's form fields or headers."""


@dataclass(frozen=True)
class ClientSecretBasic(ClientAuth):
    """`client_secret_basic`: the id and secret as HTTP Basic credentials."""

    client_id: str
    client_secret: SecretStr = field(repr=False)

    def apply(self, token_url: str, form: dict[str, str], headers: dict[str, str]) -> None:
        """Set the Authorization header."""
        pair = (self.client_id, self.client_secret.get_secret_value())
        request = httpx.Request("POST", token_url, headers=headers)
        headers["Authorization"] = next(httpx.BasicAuth(*pair).auth_flow(request)).headers[
            "Authorization"
        ]


@dataclass(frozen=True)
class ClientSecretPost(ClientAuth):
    """`client_secret_post`: the id and secret as form fields."""

    client_id: str
    client_secret: SecretStr = field(repr=False)

    def apply(self, token_url: str, form: dict[str, str], headers: dict[str, str]) -> None:
        """Add client_id and client_secret to the form."""
        form["client_id"] = self.client_id
        form["client_secret"] = self.client_secret.get_secret_value()


ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class PrivateKeyJwt(ClientAuth):
    """`private_key_jwt`: a JWT signed with the app's private key, new for every token request.

    `key_id` goes in the header as `kid` (the certificate id the ERP knows the key by);
    `claims` adds what an ERP wants beside iss, sub, aud, iat, exp and jti (NetSuite: scope).
    """

    client_id: str
    private_key: SecretStr = field(repr=False)
    key_id: str | None = None
    algorithm: str = "PS256"
    audience: str | None = None
    lifetime_seconds: int = 300
    claims: Mapping[str, Any] = field(default_factory=dict)

    def assertion(self, token_url: str) -> str:
        """A fresh signed client assertion for `token_url`."""
        from joserfc import jwt
        from joserfc.jwk import import_key

        now = int(time.time())
        header: dict[str, Any] = {"alg": self.algorithm, "typ": "JWT"}
        if self.key_id:
            header["kid"] = self.key_id
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.audience or token_url,
            "iat": now,
            "exp": now + self.lifetime_seconds,
            "jti": uuid.uuid4().hex,
            **self.claims,
        }
        try:
            key = import_key(
                self.private_key.get_secret_value(), "RSA" if self.algorithm[0] in "RP" else "EC"
            )
        except (ValueError, TypeError) as exc:
            raise AuthError(f"the private key could not be read: {type(exc).__name__}") from None
        return jwt.encode(header, claims, key, algorithms=[self.algorithm])

    def apply(self, token_url: str, form: dict[str, str], headers: dict[str, str]) -> None:
        """Add client_assertion_type and a new client_assertion to the form."""
        form["client_assertion_type"] = ASSERTION_TYPE
        form["client_assertion"] = self.assertion(token_url)


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the user, and what to keep until the callback (state, PKCE verifier)."""

    url: str
    state: str
    code_verifier: str = field(repr=False)


class OAuth2Flow:
    """Token requests of one app against one ERP's endpoints."""

    def __init__(
        self,
        endpoints: OAuthEndpoints,
        credentials: ClientCredentials | ClientAuth,
        *,
        scope: str | None = None,
        redirect_uri: str | None = None,
        http: httpx.Client | None = None,
        extra_token_params: Mapping[str, str] | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.client: ClientAuth = (
            ClientSecretBasic(credentials.client_id, credentials.client_secret)
            if isinstance(credentials, ClientCredentials)
            else credentials
        )
        self.scope = scope
        self.redirect_uri = redirect_uri
        self._http = http or httpx.Client(timeout=DEFAULT_TIMEOUT, mounts=direct_loopback_mounts())
        self._extra = dict(extra_token_params or {})
        self.token_calls = 0

    def authorization_request(self, *, scope: str | None = None) -> AuthorizationRequest:
        """The authorization URL with a fresh state and PKCE (S256) challenge."""
        if not self.endpoints.authorize_url or not self.redirect_uri:
            raise AuthError("this connection has no authorization URL or redirect URI configured")
        state = generate_token(32)
        verifier = generate_token(64)
        url = prepare_grant_uri(
            self.endpoints.authorize_url,
            self.client.client_id,
            "code",
            redirect_uri=self.redirect_uri,
            scope=scope or self.scope,
            state=state,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        return AuthorizationRequest(url=str(url), state=state, code_verifier=verifier)

    def exchange_callback(self, callback_url: str, request: AuthorizationRequest) -> TokenSet:
        """Check the callback's state, then trade its code (with the PKCE verifier) for tokens."""
        try:
            params = parse_authorization_code_response(callback_url, state=request.state)
        except Exception as exc:  # authlib raises its own error types for a bad callback
            raise AuthError(f"the authorization callback was refused: {exc}") from None
        return self._token_request(
            "authorization_code",
            code=params["code"],
            redirect_uri=self.redirect_uri,
            code_verifier=request.code_verifier,
        )

    def client_credentials(self) -> TokenSet:
        """A token for the app itself (machine to machine)."""
        return self._token_request("client_credentials", scope=self.scope)

    def refresh(self, refresh_token: SecretStr) -> TokenSet:
        """Trade a refresh token for a new token set (the refresh token usually rotates)."""
        tokens = self._token_request(
            "refresh_token", refresh_token=refresh_token.get_secret_value()
        )
        if tokens.refresh_token is None:  # not every ERP rotates: keep the one we have
            tokens = tokens.model_copy(update={"refresh_token": refresh_token})
        return tokens

    def close(self) -> None:
        """Close the token endpoint's connection pool."""
        self._http.close()

    def _token_request(self, grant_type: str, **params: Any) -> TokenSet:
        form = {k: str(v) for k, v in {**self._extra, **params}.items() if v is not None}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            CORRELATION_HEADER: current_correlation_id(),
        }
        self.client.apply(self.endpoints.token_url, form, headers)
        body = prepare_token_request(grant_type, **form)
        self.token_calls += 1
        try:
            response = self._http.post(self.endpoints.token_url, content=body, headers=headers)
        except httpx.TransportError as exc:
            raise TransientError(
                f"the token endpoint could not be reached: {type(exc).__name__}",
                correlation_id=current_correlation_id(),
            ) from None
        error = classify_token_response(response)
        if error is not None:
            raise error
        data = parse_json(response)
        expires_in = _seconds(data.get("expires_in", 1800))
        refresh = data.get("refresh_token")
        return TokenSet(
            access_token=SecretStr(str(data["access_token"])),
            refresh_token=SecretStr(str(refresh)) if refresh else None,
            expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
            token_type=str(data.get("token_type", "Bearer")),
            scope=data.get("scope"),
        )


def _seconds(value: Any) -> int:
    """`expires_in` as whole seconds, whether the ERP sent a number or a string ("3600")."""
    try:
        return int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return 1800


def _oauth_error(failure: Failure) -> ConnectorError | None:
    body = failure.body if isinstance(failure.body, dict) else {}
    code = str(body.get("error", ""))
    description = str(body.get("error_description", "")) or None
    if code in {"invalid_grant", "invalid_client", "unauthorized_client", "access_denied"}:
        return AuthError(
            "the connection must be re-authorized: the ERP refused its credentials",
            erp_code=code,
            erp_message=description,
            status=failure.status,
            correlation_id=failure.correlation_id,
        )
    return AuthError(
        f"token request refused with {failure.status}",
        erp_code=code or None,
        erp_message=description,
        status=failure.status,
        correlation_id=failure.correlation_id,
    )


TOKEN_ERRORS = ErrorTable(
    "the token endpoint",
    {
        429: lambda f: RateLimited(
            "token endpoint rate-limited",
            retry_after=float(f.response.headers.get("Retry-After", "5") or 5),
            status=f.status,
            correlation_id=f.correlation_id,
        ),
        "4xx": _oauth_error,
    },
)
"""The token endpoint's answers: the default table, with OAuth's error codes for a 4xx."""


def classify_token_response(response: httpx.Response) -> ConnectorError | None:
    """Token endpoint answers by what to do: re-authorize, wait, or retry."""
    return TOKEN_ERRORS(response)


class OAuth2Auth(httpx.Auth):
    """Bearer auth from a TokenStore, with single-flight refresh and one retry after a 401."""

    def __init__(
        self,
        store: TokenStore,
        connection_id: str,
        flow: OAuth2Flow,
        *,
        grant: str = "refresh_token",
        leeway_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.connection_id = connection_id
        self.flow = flow
        self.grant = grant
        self.leeway = leeway_seconds

    def current_token(self) -> TokenSet:
        """A token that is valid for at least the leeway, refreshing if needed."""
        tokens = self.store.load(self.connection_id)
        if tokens is None or tokens.expires_within(self.leeway):
            return self.refresh_once(stale=tokens)
        return tokens

    def refresh_once(self, stale: TokenSet | None) -> TokenSet:
        """Refresh under the store's lock unless someone else already replaced `stale`."""
        with self.store.refresh_lock(self.connection_id):
            current = self.store.load(self.connection_id)
            replaced = current is not None and (
                stale is None
                or current.access_token.get_secret_value() != stale.access_token.get_secret_value()
            )
            if current is not None and replaced and not current.expires_within(self.leeway):
                return current
            if self.grant == "client_credentials":
                fresh = self.flow.client_credentials()
            elif current is not None and current.refresh_token is not None:
                fresh = self.flow.refresh(current.refresh_token)
            else:
                raise AuthError("the connection has no refresh token: authorize it again")
            self.store.save(self.connection_id, fresh)
            log.info("refreshed the access token of connection %s", self.connection_id)
            return fresh

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send with the current token; on a 401, refresh once and send again.

        The resend is marked (`RESENT_WITH_FRESH_TOKEN`): a 401 to it is then retried by the
        connection's client instead of ending the connection, since the refresh just proved
        the grant is live (an expiry injected on the resend itself is a passing fault).
        """
        tokens = self.current_token()
        request.headers["Authorization"] = f"Bearer {tokens.access_token.get_secret_value()}"
        response = yield request
        if response.status_code == 401:
            tokens = self.refresh_once(stale=tokens)
            request.headers["Authorization"] = f"Bearer {tokens.access_token.get_secret_value()}"
            request.extensions[RESENT_WITH_FRESH_TOKEN] = True
            yield request
