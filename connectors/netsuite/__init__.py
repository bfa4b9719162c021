"""The NetSuite adapter: SuiteTalk REST (SuiteQL reads, record API writes), OAuth 2.0 M2M,
authorization code and token-based authentication, the account's concurrency limit, and a
sandbox like NetSuite.

The package imports lightly: `ADAPTER` (the registry entry) and the connector load on first use,
so importing the sandbox alone does not pull in the client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.netsuite.client import NetSuiteConnector
    from connectors.registry import AdapterSpec

__all__ = ["ADAPTER", "NetSuiteConnector"]

SANDBOX_ACCOUNT = "1234567_SB1"
"""The account id of a sandbox started by `start_sandbox`."""


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
    """Start a NetSuite sandbox on `host:port` (0: a free port): its URL and how to stop it.

    `client_id`/`client_secret` are the integration record's (OAuth 2.0 client, and the TBA
    consumer key/secret); the account is `SANDBOX_ACCOUNT`.
    """
    from pydantic import SecretStr

    from connectors.netsuite.sandbox.app import create_app
    from connectors.netsuite.sandbox.config import NetSuiteSandboxConfig
    from connectors.sandbox.runner import run_in_thread

    config = NetSuiteSandboxConfig(
        seed=seed,
        records=records,
        account_id=SANDBOX_ACCOUNT,
        client_id=client_id,
        client_secret=SecretStr(client_secret),
        no_limits=no_limits,
    )
    handle = run_in_thread(create_app(config), host=host, port=port)
    return handle.url, handle.stop


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


def __getattr__(name: str) -> Any:
    if name == "ADAPTER":
        return _adapter()
    if name == "NetSuiteConnector":
        from connectors.netsuite.client import NetSuiteConnector

        return NetSuiteConnector
    raise AttributeError(name)
