"""`create_app`: the SAP sandbox as one Starlette app on one origin.

POST /oauth/token                       OAuth 2.0 client credentials (communication arrangement)
*    /sap/opu/odata/sap/<SERVICE>/...   the OData V2 services (see api.py and services.py)
POST /sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi   SOAP journal entry posting
POST /_sandbox/changes   GET /_sandbox/counts   POST /_sandbox/expire-csrf   + the kit's controls

Every API call authenticates with HTTP Basic (`client_id`/`client_secret` as user and password,
as a communication user) or a bearer token from `/oauth/token`. Writes need the CSRF token of
the caller's session: `x-csrf-token: fetch` on a GET/HEAD answers it with a session cookie;
a modifying request without both gets `403` with `x-csrf-token: Required`.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors.sandbox.app import build_sandbox_app
from connectors.sandbox.control import CONTROL_PREFIX, SandboxRuntime, change_routes
from connectors.sandbox.limiter import RateLimiter
from connectors.sandbox.oauth import OAuthClient, OAuthServer, TokenStatus
from connectors.sandbox.oauth_http import basic_credentials, token_endpoint
from connectors.sap.sandbox.api import ODATA_PREFIX, odata_routes
from connectors.sap.sandbox.config import SapSandboxConfig
from connectors.sap.sandbox.errors import SapErrorRenderer, unauthorized
from connectors.sap.sandbox.soap import SOAP_PATH, soap_routes
from connectors.sap.sandbox.state import CsrfSessions, SapSandboxState

__all__ = ["SapAuthMiddleware", "create_app"]

_TENANT = "ledgerhub.sap.tenant"
_MODIFYING = {"POST", "PUT", "PATCH", "MERGE", "DELETE"}


def _is_api(path: str) -> bool:
    return path.startswith((ODATA_PREFIX + "/", SOAP_PATH))


def _session_of(headers: dict[str, str]) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:
        return None
    morsel = cookie.get(CsrfSessions.COOKIE)
    return morsel.value if morsel is not None else None


class SapAuthMiddleware:
    """Basic or bearer authentication on API calls, and the CSRF protocol for writes."""

    def __init__(self, app: ASGIApp, oauth: OAuthServer, state: SapSandboxState) -> None:
        self.app, self.oauth, self.state = app, oauth, state
        self.user = state.config.client_id
        self.password = state.config.client_secret.get_secret_value()

    def _authenticated(self, headers: dict[str, str]) -> Response | None:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            check = self.oauth.check(auth[7:].strip())
            return None if check.status is TokenStatus.VALID else unauthorized(bearer=True)
        basic = basic_credentials(auth)
        if basic is not None and basic == (self.user, self.password):
            return None
        return unauthorized()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = self._authenticated(headers)
        if refused is not None:
            await refused(scope, receive, send)
            return
        scope[_TENANT] = "sap"
        method = scope["method"]
        token = headers.get("x-csrf-token")
        session = _session_of(headers)
        csrf = self.state.csrf
        if method in _MODIFYING and not scope["path"].startswith(SOAP_PATH):
            if not csrf.valid(session, token):
                response = Response(
                    b"CSRF token validation failed",
                    status_code=403,
                    media_type="text/plain",
                    headers={"x-csrf-token": "Required"},
                )
                await response(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        if method in ("GET", "HEAD") and token is not None and token.lower() == "fetch":
            session, issued = csrf.fetch(session)
            extra = [
                (b"x-csrf-token", issued.encode()),
                (
                    b"set-cookie",
                    f"{CsrfSessions.COOKIE}={session}; path=/; HttpOnly".encode(),
                ),
            ]

            async def add(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
                await send(message)

            await self.app(scope, receive, add)
            return
        await self.app(scope, receive, send)


def _control_routes(state: SapSandboxState) -> list[Route]:
    async def expire_csrf(_: Request) -> Response:
        return JSONResponse({"expired": state.csrf.expire()})

    return [
        *change_routes(state.make_changes, state.counts),
        Route(f"{CONTROL_PREFIX}expire-csrf", expire_csrf, methods=["POST"]),
    ]


def create_app(config: SapSandboxConfig | None = None) -> Starlette:
    """The SAP sandbox app; `app.state.sandbox` is its `SapSandboxState`."""
    config = config or SapSandboxConfig()
    state = SapSandboxState(config)
    oauth = OAuthServer(
        [
            OAuthClient(
                client_id=config.client_id,
                client_secret=config.client_secret.get_secret_value(),
                redirect_uris=(),
                default_scope="",
            )
        ],
        access_ttl=config.token_ttl,
    )
    runtime = SandboxRuntime(
        name="sap",
        reset_data=state.reset,
        oauth=oauth,
        limiter=None if config.no_limits else RateLimiter(config.limits),
        initial_faults=config.faults,
    )
    app = build_sandbox_app(
        runtime=runtime,
        routes=[
            Route("/oauth/token", token_endpoint(oauth), methods=["POST"]),
            *_control_routes(state),
            *odata_routes(state, state.services),
            *soap_routes(state),
        ],
        renderer=SapErrorRenderer(),
        faultable=_is_api,
        tenant_of=lambda scope: scope.get(_TENANT),
        auth=[Middleware(SapAuthMiddleware, oauth=oauth, state=state)],
    )
    app.state.sandbox = state
    app.state.oauth = oauth
    return app
