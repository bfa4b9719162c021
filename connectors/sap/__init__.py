"""The SAP S/4HANA adapter: OData V2 services, CSRF, basic auth or OAuth client credentials.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.registry import AdapterSpec
    from connectors.sap.client import SapConnector

__all__ = ["ADAPTER", "SapConnector"]


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
    """Start an SAP sandbox on `host:port` (0: a free port): its URL and how to stop it."""
    from pydantic import SecretStr

    from connectors.sandbox.runner import run_in_thread
    from connectors.sap.sandbox.app import create_app
    from connectors.sap.sandbox.config import SapSandboxConfig

    config = SapSandboxConfig(
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
    from connectors.sap.auth import sap_budget
    from connectors.sap.client import SapConnector

    return AdapterSpec(
        name="sap",
        title="SAP S/4HANA",
        connector=SapConnector,
        budget=sap_budget(),
        sandbox=start_sandbox,
        notes="OData V2 services of S/4HANA (Cloud or on premise) and the SOAP journal entry API",
        extras={
            "demo_changes": (
                {"object": "business_partners", "update": 2, "delete": 1, "create": 1},
                {"object": "billing_documents", "update": 2, "delete": 1},
                {"object": "payments", "create": 2},
                {"object": "journal_entries", "create": 1},
            )
        },
    )


def __getattr__(name: str) -> Any:
    if name == "ADAPTER":
        return _adapter()
    if name == "SapConnector":
        from connectors.sap.client import SapConnector

        return SapConnector
    raise AttributeError(name)
