"""The Xero adapter: Accounting API 2.0, OAuth 2.0, Xero's limits, and a sandbox like Xero.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.registry import AdapterSpec
    from connectors.xero.client import XeroConnector

__all__ = ["ADAPTER", "XeroConnector"]


def start_sandbox(
    *,
    seed: int,
    records: int,
    client_id: str,
    client_secret: str,
    no_limits: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
) -> tuple[str, Callable[[], None]]:
    """Start a Xero sandbox on `host:port` (0: a free port): its URL and how to stop it."""
    from pydantic import SecretStr

    from connectors.sandbox.runner import run_in_thread
    from connectors.xero.sandbox.app import create_app
    from connectors.xero.sandbox.config import XeroSandboxConfig

    config = XeroSandboxConfig(
        seed=seed,
        records=records,
        client_id=client_id,
        client_secret=SecretStr(client_secret),
        no_limits=no_limits,
    )
    handle = run_in_thread(create_app(config), host=host, port=port)
    return handle.url, handle.stop


def _adapter() -> AdapterSpec:
    from connectors.registry import AdapterSpec
    from connectors.xero.auth import DEFAULT_SCOPES, xero_budget
    from connectors.xero.client import XeroConnector

    return AdapterSpec(
        name="xero",
        title="Xero",
        connector=XeroConnector,
        budget=xero_budget(),
        default_scopes=DEFAULT_SCOPES,
        sandbox=start_sandbox,
    )


def __getattr__(name: str) -> Any:
    if name == "ADAPTER":
        return _adapter()
    if name == "XeroConnector":
        from connectors.xero.client import XeroConnector

        return XeroConnector
    raise AttributeError(name)
