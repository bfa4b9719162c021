"""`create_app`: the NetSuite sandbox as one Starlette app on one origin.

POST /services/rest/auth/oauth2/v1/token   client_credentials (JWT assertion) | authorization_code
                                           | refresh_token
GET  /app/login/oauth2/authorize.nl        auto-approves: 302 to redirect_uri with code and state
POST /services/rest/query/v1/suiteql       SuiteQL (api.py)
*    /services/rest/record/v1/...          the record API (api.py, writes.py)
GET  /services/rest/async/v1/job/...       asynchronous request jobs (writes.py)
POST /_sandbox/changes   GET /_sandbox/counts   + the kit's /_sandbox/... controls

Every REST call needs TBA (`Authorization: OAuth realm=...`) or an OAuth 2.0 bearer token.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from connectors.netsuite.sandbox.api import QUERY_PATH, SuiteQLService, read_routes_handlers
from connectors.netsuite.sandbox.config import NetSuiteSandboxConfig
from connectors.netsuite.sandbox.control import control_routes
from connectors.netsuite.sandbox.errors import (
    INVALID_LOGIN_DETAIL,
    NetSuiteErrorRenderer,
    error_response,
)
from connectors.netsuite.sandbox.m2m import AssertionChecker, netsuite_token_endpoint
from connectors.netsuite.sandbox.shapes import RECORD_PATH
from connectors.netsuite.sandbox.store import NetSuiteStore
from connectors.netsuite.sandbox.tba import (
    TbaCredentials,
    TbaVerifier,
    base_string_uri,
    parse_oauth_header,
)
from connectors.netsuite.sandbox.writes import write_routes
from connectors.sandbox.app import build_sandbox_app
from connectors.sandbox.control import SandboxRuntime
from connectors.sandbox.limiter import RateLimiter, RateLimits
from connectors.sandbox.oauth import OAuthClient, OAuthServer, TokenStatus
from connectors.sandbox.oauth_http import authorize_endpoint

__all__ = ["TOKEN_PATH", "NetSuiteAuthMiddleware", "create_app"]

REST_PREFIX = "/services/rest/"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"  # noqa: S105 - a path
AUTHORIZE_PATH = "/app/login/oauth2/authorize.nl"
_ACCOUNT = "ledgerhub.netsuite.account"
_FORM = "application/x-www-form-urlencoded"


def _needs_auth(path: str) -> bool:
    return path.startswith(REST_PREFIX) and not path.startswith("/services/rest/auth/")


class NetSuiteAuthMiddleware:
    """TBA signature or OAuth 2.0 bearer on every REST call; 401 INVALID_LOGIN otherwise."""

    def __init__(
        self, app: ASGIApp, verifier: TbaVerifier, oauth: OAuthServer, account_id: str
    ) -> None:
        self.app, self.verifier, self.oauth, self.account_id = app, verifier, oauth, account_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _needs_auth(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        reason: str | None
        if auth.lower().startswith("bearer "):
            check = self.oauth.check(auth[7:].strip())
            reason = (
                None
                if check.status is TokenStatus.VALID
                else ("token_expired" if check.status is TokenStatus.EXPIRED else "invalid_token")
            )
        else:
            params = parse_oauth_header(auth) if auth else None
            if params is None:
                reason = "missing_credentials"
            else:
                reason, receive = await self._check_tba(scope, receive, headers, params)
        if reason is not None:
            response = error_response(
                401,
                "INVALID_LOGIN",
                INVALID_LOGIN_DETAIL,
                headers={
                    "WWW-Authenticate": (
                        f'OAuth realm="{self.account_id}", error="{reason}"'
                        if not auth.lower().startswith("bearer ")
                        else f'Bearer error="{reason}"'
                    )
                },
            )
            await response(scope, receive, send)
            return
        scope[_ACCOUNT] = self.account_id
        await self.app(scope, receive, send)

    async def _check_tba(
        self, scope: Scope, receive: Receive, headers: dict[str, str], params: dict[str, str]
    ) -> tuple[str | None, Receive]:
        body = b""
        if headers.get("content-type", "").startswith(_FORM):
            chunks: list[bytes] = []
            more = True
            while more:
                message = await receive()
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replay() -> dict[str, Any]:
                nonlocal sent
                if sent:
                    return {"type": "http.disconnect"}
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            receive = replay
        host = headers.get("host") or "localhost"
        raw_path = scope.get("raw_path") or scope["path"].encode()
        uri = base_string_uri(scope.get("scheme", "http"), host, raw_path.decode("latin-1"))
        _, refusal = self.verifier.verify(
            params,
            method=scope["method"],
            uri=uri,
            query=scope.get("query_string", b"").decode("latin-1"),
            form_body=body.decode("utf-8", errors="replace"),
        )
        return (refusal.value if refusal else None), receive


def create_app(config: NetSuiteSandboxConfig | None = None) -> Starlette:
    """The NetSuite sandbox app; `app.state.sandbox` is its `NetSuiteStore`."""
    config = config or NetSuiteSandboxConfig()
    store = NetSuiteStore(config)
    oauth = OAuthServer(
        [
            OAuthClient(
                client_id=config.client_id,
                client_secret=config.client_secret.get_secret_value(),
                redirect_uris=config.redirect_uris,
                default_scope="rest_webservices",
            )
        ],
        access_ttl=config.token_ttl,
    )
    verifier = TbaVerifier(
        [
            TbaCredentials(
                account_id=config.account_id,
                consumer_key=config.client_id,
                consumer_secret=config.client_secret.get_secret_value(),
                token_id=config.token_id,
                token_secret=config.token_secret.get_secret_value(),
            )
        ],
        skew=config.timestamp_skew,
    )
    checker = AssertionChecker(config.client_id, config.certificates)
    limits = RateLimits.concurrency_only(config.concurrency)
    runtime = SandboxRuntime(
        name="netsuite",
        reset_data=store.reset,
        oauth=oauth,
        limiter=None if config.no_limits else RateLimiter(limits),
        initial_faults=config.faults,
    )
    suiteql = SuiteQLService(store)
    reads = read_routes_handlers(store)

    def origin(request: Request) -> str:
        host = request.headers.get("host") or "localhost"
        return f"{request.url.scheme}://{host}"

    async def not_found(_: Request) -> Response:
        return error_response(404, "NONEXISTENT_ID", "The requested resource was not found.")

    routes = [
        Route(TOKEN_PATH, netsuite_token_endpoint(oauth, checker, origin), methods=["POST"]),
        Route(AUTHORIZE_PATH, authorize_endpoint(oauth), methods=["GET"]),
        Route(QUERY_PATH, suiteql.endpoint, methods=["POST"]),
        *write_routes(store, runtime),
        Route(f"{RECORD_PATH}/{{type}}", reads["list"], methods=["GET"]),
        Route(f"{RECORD_PATH}/{{type}}/{{id}}", reads["get"], methods=["GET"]),
        *control_routes(store),
    ]
    app = build_sandbox_app(
        runtime=runtime,
        routes=routes,
        renderer=NetSuiteErrorRenderer(),
        faultable=_needs_auth,
        tenant_of=lambda scope: scope.get(_ACCOUNT),
        auth=[
            Middleware(
                NetSuiteAuthMiddleware,
                verifier=verifier,
                oauth=oauth,
                account_id=config.account_id,
            )
        ],
    )
    app.state.sandbox = store
    app.state.oauth = oauth
    app.state.config = config
    del not_found
    return app
