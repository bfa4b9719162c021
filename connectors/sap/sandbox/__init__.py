"""The SAP S/4HANA sandbox: OData V2 services that SAP's own `pyodata` client accepts unchanged.

from connectors.sap.sandbox import SapSandboxConfig, create_app
from connectors.sandbox import run_in_thread

app = create_app(SapSandboxConfig(seed=7, records=500))
with run_in_thread(app) as server:
    ...  # services under server.url + "/sap/opu/odata/sap/<SERVICE>/"
"""

from connectors.sap.sandbox.app import SapAuthMiddleware, create_app
from connectors.sap.sandbox.config import SapSandboxConfig
from connectors.sap.sandbox.services import SERVICE_BY_NAME, SERVICES
from connectors.sap.sandbox.state import SapSandboxState, WriteRejected

__all__ = [
    "SERVICES",
    "SERVICE_BY_NAME",
    "SapAuthMiddleware",
    "SapSandboxConfig",
    "SapSandboxState",
    "WriteRejected",
    "create_app",
]
