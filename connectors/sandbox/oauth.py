"""OAuth 2.0 building blocks for sandboxes: an in-memory authorization server.

Grants: client credentials, authorization code with PKCE (S256) and state, and refresh with
rotation. A rotated refresh token stays usable for `refresh_grace` seconds (Xero: 30 minutes)
so a client that lost the new token can recover; after that it is `invalid_grant`. Errors are
`OAuthError` carrying the RFC 6749 error code; `oauth_http` turns them into responses.
Token responses carry only the standard fields, because some SDKs pass them on as keyword
arguments and fail on anything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["AccessCheck", "OAuthClient", "OAuthError", "OAuthServer", "TokenStatus", "pkce_s256"]


class OAuthError(Exception):
    """An RFC 6749 error (`invalid_client`, `invalid_grant`, ...), with the HTTP status to use."""

    def __init__(self, error: str, description: str = "", status: int = 400) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class OAuthClient:
    """A registered app. `client_secret=None` is a public client (PKCE without a secret)."""

    client_id: str
    client_secret: str | None
    redirect_uris: tuple[str, ...] = ()  # empty: any redirect URI is accepted
    default_scope: str = ""

    def __repr__(self) -> str:  # the secret never appears in logs
        return f"OAuthClient(client_id={self.client_id!r})"


class TokenStatus(StrEnum):
    """Why an access token is or is not accepted."""

    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AccessCheck:
    """The result of `OAuthServer.check`."""

    status: TokenStatus
    client_id: str | None = None
    scope: str = ""
    expires_at: float = 0.0


@dataclass
class _Access:
    client_id: str
    scope: str
    expires_at: float


@dataclass
class _Refresh:
    client_id: str
    scope: str
    expires_at: float
    rotated_at: float | None = None


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str
    expires_at: float
    used: bool = False


def pkce_s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE code verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class OAuthServer:
    """Issues and checks tokens for the registered clients; thread-safe, clock injectable."""

    clients: Iterable[OAuthClient]
    access_ttl: float = 1800.0
    refresh_grace: float = 1800.0
    refresh_ttl: float = 60 * 86_400.0
    code_ttl: float = 300.0
    clock: Callable[[], float] = time.time
    _clients: dict[str, OAuthClient] = field(init=False)
    _access: dict[str, _Access] = field(init=False, default_factory=dict)
    _refresh: dict[str, _Refresh] = field(init=False, default_factory=dict)
    _codes: dict[str, _Code] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._clients = {client.client_id: client for client in self.clients}

    # -- clients -------------------------------------------------------------------------
    def authenticate(self, client_id: str | None, client_secret: str | None) -> OAuthClient:
        """The client with this id and secret, or `invalid_client`."""
        client = self._clients.get(client_id or "")
        if client is None or client.client_secret is None:
            raise OAuthError("invalid_client")
        if not hmac.compare_digest((client_secret or "").encode(), client.client_secret.encode()):
            raise OAuthError("invalid_client")
        return client

    def client(self, client_id: str | None) -> OAuthClient:
        """A registered client by id (public or confidential), or `invalid_client`."""
        client = self._clients.get(client_id or "")
        if client is None:
            raise OAuthError("invalid_client")
        return client

    # -- grants --------------------------------------------------------------------------
    def client_credentials(
        self, client: OAuthClient, scope: str | None = None
    ) -> dict[str, object]:
        """Access token for the client itself (no refresh token, as Xero custom connections)."""
        return self._issue(client, scope or client.default_scope, with_refresh=False)

    def authorize(
        self,
        client_id: str | None,
        redirect_uri: str | None,
        scope: str | None,
        code_challenge: str | None,
        code_challenge_method: str | None,
    ) -> str:
        """Approve at once (sandboxes have no user) and return an authorization code."""
        client = self.client(client_id)
        if not redirect_uri or (client.redirect_uris and redirect_uri not in client.redirect_uris):
            raise OAuthError("invalid_request", "redirect_uri is missing or not registered")
        if client.client_secret is None and not code_challenge:
            raise OAuthError("invalid_request", "public clients must send a PKCE code_challenge")
        if code_challenge and (code_challenge_method or "plain") != "S256":
            raise OAuthError("invalid_request", "only code_challenge_method=S256 is supported")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                scope=scope or client.default_scope,
                challenge=code_challenge or "",
                expires_at=self.clock() + self.code_ttl,
            )
        return code

    def exchange_code(
        self,
        client: OAuthClient,
        code: str | None,
        redirect_uri: str | None,
        code_verifier: str | None,
    ) -> dict[str, object]:
        """Tokens for an authorization code; the PKCE verifier must match its challenge."""
        with self._lock:
            record = self._codes.get(code or "")
            if record is None or record.used or record.expires_at <= self.clock():
                raise OAuthError("invalid_grant", "the code is unknown, used or expired")
            if record.client_id != client.client_id or record.redirect_uri != redirect_uri:
                raise OAuthError("invalid_grant", "the code was issued to another client or URI")
            if record.challenge:
                if not code_verifier or not hmac.compare_digest(
                    pkce_s256(code_verifier), record.challenge
                ):
                    raise OAuthError("invalid_grant", "the PKCE code_verifier does not match")
            elif client.client_secret is None:
                raise OAuthError("invalid_grant", "public clients must use PKCE")
            record.used = True
        return self._issue(client, record.scope, with_refresh=True)

    def refresh(self, client: OAuthClient, refresh_token: str | None) -> dict[str, object]:
        """Rotate a refresh token: new access and refresh tokens; the old one enters its grace."""
        with self._lock:
            now = self.clock()
            record = self._refresh.get(refresh_token or "")
            if record is None or record.client_id != client.client_id:
                raise OAuthError("invalid_grant")
            if record.expires_at <= now:
                raise OAuthError("invalid_grant", "the refresh token has expired")
            if record.rotated_at is not None and record.rotated_at + self.refresh_grace <= now:
                raise OAuthError(
                    "invalid_grant", "the refresh token was rotated and its grace ended"
                )
            if record.rotated_at is None:
                record.rotated_at = now
            scope = record.scope
        return self._issue(client, scope, with_refresh=True)

    # -- checks --------------------------------------------------------------------------
    def check(self, access_token: str | None) -> AccessCheck:
        """Whether a bearer token is live, expired or unknown."""
        with self._lock:
            record = self._access.get(access_token or "")
            if record is None:
                return AccessCheck(TokenStatus.UNKNOWN)
            status = TokenStatus.VALID if record.expires_at > self.clock() else TokenStatus.EXPIRED
            return AccessCheck(status, record.client_id, record.scope, record.expires_at)

    def expire_access_tokens(self) -> int:
        """Make every issued access token expired now (refresh tokens stay); returns how many."""
        with self._lock:
            now = self.clock()
            for record in self._access.values():
                record.expires_at = min(record.expires_at, now)
            return len(self._access)

    def _issue(self, client: OAuthClient, scope: str, *, with_refresh: bool) -> dict[str, object]:
        now = self.clock()
        access = secrets.token_urlsafe(32)
        body: dict[str, object] = {
            "access_token": access,
            "expires_in": int(self.access_ttl),
            "token_type": "Bearer",
            "scope": scope,
        }
        with self._lock:
            self._access[access] = _Access(client.client_id, scope, now + self.access_ttl)
            if with_refresh:
                refresh = secrets.token_urlsafe(32)
                self._refresh[refresh] = _Refresh(client.client_id, scope, now + self.refresh_ttl)
                body["refresh_token"] = refresh
        return body
