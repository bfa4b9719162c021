"""HTTP endpoints for `OAuthServer`: the token endpoint and an auto-approving authorize endpoint.

Client authentication on the token endpoint is HTTP Basic (`client_secret_basic`, preferred)
or form fields (`client_secret_post`, which some SDKs use). Errors are RFC 6749 JSON bodies.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from connectors.sandbox.oauth import OAuthClient, OAuthError, OAuthServer

__all__ = ["authorize_endpoint", "basic_credentials", "token_endpoint"]

Endpoint = Callable[[Request], Awaitable[Response]]
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client_id, client_secret) from an `Authorization: Basic ...` header, if there is one."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 2.3.1: both parts are form-urlencoded before base64.
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def _error(exc: OAuthError) -> JSONResponse:
    body = {"error": exc.error}
    if exc.description:
        body["error_description"] = exc.description
    return JSONResponse(body, status_code=exc.status, headers=_NO_STORE)


def token_endpoint(server: OAuthServer) -> Endpoint:
    """`POST /token` handler for client_credentials, authorization_code and refresh_token."""

    async def token(request: Request) -> Response:
        # Token requests are application/x-www-form-urlencoded (RFC 6749 3.2); parsing them
        # here spares the sandboxes a multipart dependency.
        raw = (await request.body()).decode("utf-8", errors="replace")
        fields = dict(parse_qsl(raw, keep_blank_values=True))
        try:
            client = _client_of(server, request, fields)
            grant = fields.get("grant_type")
            if grant == "client_credentials":
                if client.client_secret is None:
                    raise OAuthError("unauthorized_client")
                body = server.client_credentials(client, fields.get("scope"))
            elif grant == "authorization_code":
                body = server.exchange_code(
                    client,
                    fields.get("code"),
                    fields.get("redirect_uri"),
                    fields.get("code_verifier"),
                )
            elif grant == "refresh_token":
                body = server.refresh(client, fields.get("refresh_token"))
            else:
                raise OAuthError("unsupported_grant_type")
        except OAuthError as exc:
            return _error(exc)
        return JSONResponse(body, headers=_NO_STORE)

    return token


def _client_of(server: OAuthServer, request: Request, fields: dict[str, str]) -> OAuthClient:
    basic = basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        if fields.get("client_id") not in (None, basic[0]):
            raise OAuthError("invalid_request", "client_id differs from the Basic credentials")
        return server.authenticate(*basic)
    if "client_secret" in fields:
        return server.authenticate(fields.get("client_id"), fields["client_secret"])
    # No secret: only a public client may go on, and only with PKCE (checked by the grant).
    client = server.client(fields.get("client_id"))
    if client.client_secret is not None:
        raise OAuthError("invalid_client")
    return client


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def authorize_endpoint(server: OAuthServer) -> Endpoint:
    """`GET /authorize`: no login page; approves and redirects (302) with `code` and `state`."""

    async def authorize(request: Request) -> Response:
        query = request.query_params
        redirect_uri = query.get("redirect_uri")
        state = query.get("state")
        try:
            client = server.client(query.get("client_id"))
            if client.redirect_uris and redirect_uri not in client.redirect_uris:
                raise OAuthError("invalid_request", "redirect_uri is not registered")
        except OAuthError as exc:
            # Never redirect to an unverified URI: show the error instead.
            return PlainTextResponse(f"{exc.error}: {exc.description}", status_code=400)
        extra = {"state": state} if state is not None else {}
        try:
            if query.get("response_type") != "code":
                raise OAuthError("unsupported_response_type")
            code = server.authorize(
                client.client_id,
                redirect_uri,
                query.get("scope"),
                query.get("code_challenge"),
                query.get("code_challenge_method"),
            )
        except OAuthError as exc:
            if not redirect_uri:
                return PlainTextResponse(f"{exc.error}: {exc.description}", status_code=400)
            params = {"error": exc.error, **extra}
            return RedirectResponse(_with_query(redirect_uri, params), status_code=302)
        assert redirect_uri is not None  # checked by server.authorize
        params = {"code": code, "scope": query.get("scope") or client.default_scope, **extra}
        return RedirectResponse(_with_query(redirect_uri, params), status_code=302)

    return authorize
