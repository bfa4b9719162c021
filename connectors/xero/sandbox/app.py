"""`create_app`: the Xero sandbox as one Starlette app on one origin.

POST /connect/token                  client_credentials | authorization_code (PKCE) | refresh_token
GET  /identity/connect/authorize     auto-approves: 302 to redirect_uri with code and state
POST /connect/revocation             revokes (accepted, no effect on live tokens)
GET  /connections                    the organisation(s) this token reaches
*    /api.xro/2.0/...                the Accounting API (see api.py)
POST /_sandbox/changes   GET /_sandbox/counts   + the kit's /_sandbox/... controls
"""

from __future__ import annotations

import uuid

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors.sandbox.app import build_sandbox_app
from connectors.sandbox.control import SandboxRuntime, change_routes
from connectors.sandbox.limiter import RateLimiter
from connectors.sandbox.oauth import OAuthClient, OAuthServer, TokenStatus
from connectors.sandbox.oauth_http import authorize_endpoint, token_endpoint
from connectors.xero.auth import scopes_allowing
from connectors.xero.sandbox.api import API_PREFIX, api_routes
from connectors.xero.sandbox.config import XeroSandboxConfig
from connectors.xero.sandbox.errors import (
    XeroErrorRenderer,
    forbidden,
    scope_refused,
    unauthorized,
)
from connectors.xero.sandbox.state import XeroSandboxState

__all__ = ["create_app"]

_TENANT = "ledgerhub.xero.tenant"
_API = API_PREFIX.lower() + "/"


def _needs_token(path: str) -> bool:
    lower = path.lower()
    return lower == "/connections" or lower.startswith((_API, "/connections/"))


class CorrelationMiddleware:
    """`Xero-Correlation-Id` on every API and identity response, errors and faults included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _needs_token(scope["path"]):
            await self.app(scope, receive, send)
            return
        header = (b"xero-correlation-id", str(uuid.uuid4()).encode())

        async def add_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, add_header)


def _granted(method: str, path: str, granted: str | None) -> bool:
    """Whether the token's scopes cover the call, as Xero checks (it grants only what was asked)."""
    collection = path[len(_API) :].strip("/").split("/", 1)[0]
    allowing = scopes_allowing(method, collection)
    return allowing is None or bool(allowing & set((granted or "").split()))


class XeroAuthMiddleware:
    """Bearer token on every API and /connections call; `xero-tenant-id` on API calls."""

    def __init__(self, app: ASGIApp, oauth: OAuthServer, state: XeroSandboxState) -> None:
        self.app, self.oauth, self.state = app, oauth, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _needs_token(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        check = self.oauth.check(token)
        response: Response | None = None
        if check.status is TokenStatus.EXPIRED:
            response = unauthorized(check.expires_at)
        elif check.status is not TokenStatus.VALID:
            response = unauthorized()
        elif scope["path"].lower().startswith(_API):
            if headers.get("xero-tenant-id", "").lower() != self.state.tenant_id:
                response = forbidden()
            elif not _granted(scope["method"], scope["path"], check.scope):
                response = scope_refused()
            else:
                scope[_TENANT] = self.state.tenant_id
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _identity_routes(state: XeroSandboxState, oauth: OAuthServer) -> list[Route]:
    async def connections(request: Request) -> Response:
        if request.method == "DELETE":
            return Response(status_code=204)
        created = "2025-01-06T09:15:00.0000000"
        return JSONResponse(
            [
                {
                    "id": state.connection_id,
                    "authEventId": state.auth_event_id,
                    "tenantId": state.tenant_id,
                    "tenantType": "ORGANISATION",
                    "tenantName": state.organisation_name,
                    "createdDateUtc": created,
                    "updatedDateUtc": created,
                }
            ]
        )

    async def revocation(_: Request) -> Response:
        return Response(status_code=200)

    return [
        Route("/connect/token", token_endpoint(oauth), methods=["POST"]),
        Route("/identity/connect/authorize", authorize_endpoint(oauth), methods=["GET"]),
        Route("/connect/revocation", revocation, methods=["POST"]),
        Route("/connections", connections, methods=["GET"]),
        Route("/Connections", connections, methods=["GET"]),
        Route("/connections/{ident}", connections, methods=["DELETE"]),
        Route("/Connections/{ident}", connections, methods=["DELETE"]),
    ]


def create_app(config: XeroSandboxConfig | None = None) -> Starlette:
    """The Xero sandbox app; `app.state.sandbox` is its `XeroSandboxState`."""
    config = config or XeroSandboxConfig()
    state = XeroSandboxState(config)
    oauth = OAuthServer(
        [
            OAuthClient(
                client_id=config.client_id,
                client_secret=config.client_secret.get_secret_value(),
                redirect_uris=config.redirect_uris,
                default_scope=config.scope,
            )
        ],
        access_ttl=config.token_ttl,
        refresh_grace=config.refresh_grace,
    )
    runtime = SandboxRuntime(
        name="xero",
        reset_data=state.reset,
        oauth=oauth,
        limiter=RateLimiter(config.limits, enforce=not config.no_limits),
        initial_faults=config.faults,
    )
    app = build_sandbox_app(
        runtime=runtime,
        routes=[
            *_identity_routes(state, oauth),
            *change_routes(state.make_changes, state.counts),
            *api_routes(state, runtime),
        ],
        renderer=XeroErrorRenderer(),
        faultable=_needs_token,
        tenant_of=lambda scope: scope.get(_TENANT),
        auth=[Middleware(XeroAuthMiddleware, oauth=oauth, state=state)],
        outer=[Middleware(CorrelationMiddleware)],
    )
    app.state.sandbox = state
    app.state.oauth = oauth
    return app
