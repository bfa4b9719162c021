"""The SAP S/4HANA adapter: OData V2 services, CSRF, basic auth or OAuth client credentials.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.lazy import lazy_exports, sandbox_starter

if TYPE_CHECKING:
    from connectors.registry import AdapterSpec
    from connectors.sap.client import SapConnector

__all__ = ["ADAPTER", "SapConnector"]


start_sandbox = sandbox_starter("connectors.sap.sandbox", "SapSandboxConfig")
"""Start a sandbox on `host:port` (0: a free port): its URL and how to stop it."""


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


__getattr__ = lazy_exports(ADAPTER=_adapter, SapConnector="connectors.sap.client")
