"""The NetSuite sandbox: a local app that behaves like NetSuite's SuiteTalk REST web services.

from connectors.netsuite.sandbox import NetSuiteSandboxConfig, create_app
from connectors.sandbox import run_in_thread

app = create_app(NetSuiteSandboxConfig(seed=7, records=500))
with run_in_thread(app) as server:
    ...  # point the client at server.url; app.state.sandbox is the NetSuiteStore
"""

from connectors.netsuite.sandbox.app import TOKEN_PATH, NetSuiteAuthMiddleware, create_app
from connectors.netsuite.sandbox.config import JwtCertificate, NetSuiteSandboxConfig
from connectors.netsuite.sandbox.control import counts, make_changes
from connectors.netsuite.sandbox.store import NetSuiteStore

__all__ = [
    "TOKEN_PATH",
    "JwtCertificate",
    "NetSuiteAuthMiddleware",
    "NetSuiteSandboxConfig",
    "NetSuiteStore",
    "counts",
    "create_app",
    "make_changes",
]
