"""The Xero sandbox: a local app that behaves like Xero's identity and Accounting APIs.

from connectors.xero.sandbox import XeroSandboxConfig, create_app
from connectors.sandbox import run_in_thread

app = create_app(XeroSandboxConfig(seed=7, records=500))
with run_in_thread(app) as server:
    ...  # point the client at server.url; app.state.sandbox drives changes
"""

from connectors.xero.sandbox.app import XeroAuthMiddleware, create_app
from connectors.xero.sandbox.catalog import SPECS, WRITABLE
from connectors.xero.sandbox.config import XeroLimits, XeroSandboxConfig
from connectors.xero.sandbox.state import ChangeResult, XeroSandboxState

__all__ = [
    "SPECS",
    "WRITABLE",
    "ChangeResult",
    "XeroAuthMiddleware",
    "XeroLimits",
    "XeroSandboxConfig",
    "XeroSandboxState",
    "create_app",
]
