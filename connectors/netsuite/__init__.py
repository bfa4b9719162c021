"""The NetSuite adapter: SuiteTalk REST (SuiteQL reads, record API writes), OAuth 2.0 M2M,
authorization code and token-based authentication, the account's concurrency limit, and a
sandbox like NetSuite.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.lazy import lazy_exports, sandbox_starter

if TYPE_CHECKING:
    from connectors.netsuite.client import NetSuiteConnector
    from connectors.registry import AdapterSpec

__all__ = ["ADAPTER", "NetSuiteConnector"]

SANDBOX_ACCOUNT = "1234567_SB1"
"""The account id of a sandbox started by `start_sandbox`."""

start_sandbox = sandbox_starter(
    "connectors.netsuite.sandbox", "NetSuiteSandboxConfig", account_id=SANDBOX_ACCOUNT
)
"""Start a sandbox on `host:port` (0: a free port): its URL and how to stop it."""


def _adapter() -> AdapterSpec:
    from connectors.netsuite.client import NetSuiteConnector
    from connectors.registry import AdapterSpec

    return AdapterSpec(
        name="netsuite",
        title="NetSuite",
        connector=NetSuiteConnector,
        budget=NetSuiteConnector.BUDGET,
        default_scopes=("rest_webservices",),
        sandbox=start_sandbox,
        notes=(
            "SuiteQL reads by key (1,000 rows a page, lines joined), deletions from the "
            "deleted-record log, upserts by external id; 5 requests in flight per account."
        ),
        extras={
            "demo_credentials": {"account_id": SANDBOX_ACCOUNT},
            "demo_changes": (
                {"object": "vendorBill", "update": 3, "delete": 1, "create": 2},
                {"object": "vendor", "update": 2, "create": 1},
            ),
            "demo_options": {
                "custom_fields": (
                    "vendors:custentity_vendor_tier,customers:custentity_segment,"
                    "custbody_project_code,custcol_cost_center"
                )
            },
        },
    )


__getattr__ = lazy_exports(ADAPTER=_adapter, NetSuiteConnector="connectors.netsuite.client")
