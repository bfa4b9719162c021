"""Fixtures for contract tests: sandboxes served on loopback for real HTTP clients.

`xero_sandbox` starts a seeded Xero sandbox with `run_in_thread`. Change its configuration per
test with indirect parametrisation (any `XeroSandboxConfig` field):

    @pytest.mark.parametrize("xero_sandbox", [{"records": 40, "no_limits": True}], indirect=True)
    def test_something(xero_sandbox): ...

or start extra ones with `xero_sandbox_factory(records=..., limits=RateLimits(...))`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from connectors.sandbox import ServerHandle, run_in_thread
from connectors.xero.sandbox import XeroSandboxConfig, XeroSandboxState, create_app

DEFAULTS: dict[str, Any] = {
    "seed": 7,
    "records": 200,
    "client_id": "contract-client",
    "client_secret": "contract-secret",
}


@dataclass
class XeroSandbox:
    """A running Xero sandbox and what a test needs to talk to it."""

    server: ServerHandle
    app: Starlette
    config: XeroSandboxConfig

    @property
    def url(self) -> str:
        """Origin of every endpoint (token, connections, API, /_sandbox)."""
        return self.server.url

    @property
    def api_url(self) -> str:
        """Base URL of the Accounting API."""
        return f"{self.server.url}/api.xro/2.0"

    @property
    def state(self) -> XeroSandboxState:
        """The sandbox's data and test controls."""
        state: XeroSandboxState = self.app.state.sandbox
        return state

    @property
    def tenant_id(self) -> str:
        """The organisation's tenant id."""
        return self.state.tenant_id

    @property
    def client_id(self) -> str:
        """The registered client id."""
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        """The registered client secret."""
        return self.config.client_secret.get_secret_value()

    def token(self) -> str:
        """A fresh access token by client credentials (HTTP Basic client auth)."""
        response = httpx.post(
            f"{self.url}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def headers(self) -> dict[str, str]:
        """Authorization and tenant headers for an API call."""
        return {"Authorization": f"Bearer {self.token()}", "xero-tenant-id": self.tenant_id}


SandboxFactory = Callable[..., XeroSandbox]


@pytest.fixture
def xero_sandbox_factory() -> Iterator[SandboxFactory]:
    """Starts Xero sandboxes with `XeroSandboxConfig` overrides; stops them after the test."""
    started: list[ServerHandle] = []

    def start(**overrides: Any) -> XeroSandbox:
        config = XeroSandboxConfig(**{**DEFAULTS, **overrides})
        app = create_app(config)
        server = run_in_thread(app)
        started.append(server)
        return XeroSandbox(server, app, config)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def xero_sandbox(
    request: pytest.FixtureRequest, xero_sandbox_factory: SandboxFactory
) -> XeroSandbox:
    """A running Xero sandbox (indirect parameter: a dict of XeroSandboxConfig overrides)."""
    overrides: dict[str, Any] = getattr(request, "param", None) or {}
    return xero_sandbox_factory(**overrides)
