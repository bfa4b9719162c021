"""The Xero adapter: Accounting API 2.0, OAuth 2.0, Xero's limits, and a sandbox like Xero.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.registry import AdapterSpec
    from connectors.xero.client import XeroConnector

__all__ = ["ADAPTER", "XeroConnector"]


def _adapter() -> AdapterSpec:
    from connectors.registry import AdapterSpec
    from connectors.xero.auth import xero_budget
    from connectors.xero.client import XeroConnector

    return AdapterSpec(
        name="xero",
        title="Xero",
        connector=XeroConnector,
        budget=xero_budget(),
        default_scopes=("offline_access",),
    )


def __getattr__(name: str) -> Any:
    if name == "ADAPTER":
        return _adapter()
    if name == "XeroConnector":
        from connectors.xero.client import XeroConnector

        return XeroConnector
    raise AttributeError(name)
