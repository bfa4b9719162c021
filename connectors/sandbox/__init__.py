"""The kit shared by every ERP sandbox (no ERP-specific behaviour lives here).

A sandbox is a local ASGI app that behaves like an ERP - OAuth 2.0, paging, rate limits,
faults - for demos, contract tests and benchmarks. Each ERP package builds its routes and error
shapes on these pieces:

- `build_sandbox_app`: routes + `/_sandbox/...` control routes inside the shared middleware;
- `SandboxRuntime`: stats, faults, limiter, idempotency replays and reset for one sandbox;
- `change_routes`: `/_sandbox/changes` and `/_sandbox/counts` over the ERP's own data;
- `connectors.sandbox.store`: paged in-memory collections with cached JSON and views;
- `OAuthServer`, `token_endpoint`, `authorize_endpoint`: OAuth 2.0 grants and endpoints;
- `RateLimiter`/`RateLimits`, `FaultInjector`/`FaultConfig`: budgets and injected faults;
- `Fake`: deterministic fictional data; `dumps`/`loads`: exact-decimal JSON (`canonical.jsonio`);
- `run_in_thread`: serve any sandbox on a free loopback port for tests and benchmarks.
"""

from connectors.sandbox.app import build_sandbox_app
from connectors.sandbox.control import (
    CONTROL_PREFIX,
    IssuedTokens,
    SandboxRuntime,
    change_routes,
    control_routes,
)
from connectors.sandbox.faults import FaultConfig, FaultInjector, FaultKind, FaultPlan
from connectors.sandbox.idempotency import IdempotencyCache, StoredResponse
from connectors.sandbox.jsonenc import dumps, dumps_bytes, loads, parse_http_or_iso_datetime
from connectors.sandbox.limiter import Decision, Problem, RateLimiter, RateLimits
from connectors.sandbox.middleware import ErrorRenderer, Stats
from connectors.sandbox.oauth import (
    AccessCheck,
    OAuthClient,
    OAuthError,
    OAuthServer,
    TokenStatus,
    pkce_s256,
)
from connectors.sandbox.oauth_http import authorize_endpoint, basic_credentials, token_endpoint
from connectors.sandbox.runner import ServerHandle, run_in_thread
from connectors.sandbox.seeding import BASE_DATE, Fake

__all__ = [
    "BASE_DATE",
    "CONTROL_PREFIX",
    "AccessCheck",
    "Decision",
    "ErrorRenderer",
    "Fake",
    "FaultConfig",
    "FaultInjector",
    "FaultKind",
    "FaultPlan",
    "IdempotencyCache",
    "IssuedTokens",
    "OAuthClient",
    "OAuthError",
    "OAuthServer",
    "Problem",
    "RateLimiter",
    "RateLimits",
    "SandboxRuntime",
    "ServerHandle",
    "Stats",
    "StoredResponse",
    "TokenStatus",
    "authorize_endpoint",
    "basic_credentials",
    "build_sandbox_app",
    "change_routes",
    "control_routes",
    "dumps",
    "dumps_bytes",
    "loads",
    "parse_http_or_iso_datetime",
    "pkce_s256",
    "run_in_thread",
    "token_endpoint",
]
