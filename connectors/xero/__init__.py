"""The Xero adapter: Accounting API 2.0, OAuth 2.0, Xero's limits, and a sandbox like Xero.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.lazy import lazy_exports, sandbox_starter

if TYPE_CHECKING:
    from connectors.registry import AdapterSpec
    from connectors.xero.client import XeroConnector

__all__ = ["ADAPTER", "XeroConnector"]


start_sandbox = sandbox_starter("connectors.xero.sandbox", "XeroSandboxConfig")
"""Start a sandbox on `host:port` (0: a free port): its URL and how to stop it."""


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


__getattr__ = lazy_exports(ADAPTER=_adapter, XeroConnector="connectors.xero.client")
