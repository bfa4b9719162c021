"""The API in process over a real store and broker: a `TestClient` per test, tenants with keys.

The hub fixtures (databases, Redis, sandboxes, workers) are those of `tests/integration/hub`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from canonical import OBJECTS
from hub.api.app import create_app
from hub.jobs.runtime import Runtime
from tests.integration.hub.conftest import (  # noqa: F401 - fixtures, registered by import
    HubEnv,
    database,
    make_hub,
    pg_database,
    redis_db,
    redis_url,
    start_sandbox,
)

pytestmark = pytest.mark.integration


@dataclass
class Tenant:
    """A tenant and one key of each scope."""

    id: str
    keys: dict[str, str]

    def auth(self, scope: str = "admin", **extra: str) -> dict[str, str]:
        """Headers with this tenant's key of `scope`."""
        return {"Authorization": f"Bearer {self.keys[scope]}", **extra}


@dataclass
class Api:
    """A hub, its API app and a client for it."""

    hub: HubEnv
    runtime: Runtime
    client: TestClient
    tenants: list[Tenant] = field(default_factory=list)

    def tenant(self, name: str = "acme") -> Tenant:
        """A new tenant with a read, a write and an admin key."""
        store = self.runtime.store
        view = store.connections.create_tenant(name)
        keys = {
            s: store.api_keys.create(view.id, s, f"{s} key")[1] for s in ("read", "write", "admin")
        }
        tenant = Tenant(view.id, keys)
        self.tenants.append(tenant)
        return tenant

    def connection(self, tenant: Tenant, name: str = "Xero test") -> str:
        """An active connection of the tenant (no ERP behind it); its id."""
        view = self.runtime.store.connections.create(
            tenant_id=tenant.id,
            erp="xero",
            display_name=name,
            status="active",
            base_url="http://127.0.0.1:9",
        )
        return view.id

    def suppliers(self, connection_id: str, count: int, start: int = 0, **fields: Any) -> list[str]:
        """Store `count` suppliers for the connection as a sync would; their hub ids."""
        records = [
            OBJECTS["supplier"].parse(
                {
                    "name": f"Supplier {i}",
                    "remote_id": f"r{i}",
                    "connection_id": connection_id,
                    **fields,
                }
            )
            for i in range(start, start + count)
        ]
        self.runtime.store.records.apply_records(connection_id, records, "cor_seed")
        return [
            v.hub_id
            for v in self.runtime.store.records.list(connection_id, "supplier", limit=10_000)
            if v.remote_id in {r.remote_id for r in records}
        ]


@pytest.fixture
def make_api(
    make_hub: Callable[..., HubEnv],  # noqa: F811 - the imported fixture, requested
    redis_url: str,  # noqa: F811
    tmp_path: Any,
) -> Iterator[Callable[..., Api]]:
    """Build an `Api` (database URL, settings overrides); SQLite in the test's folder by default."""
    made: list[Api] = []

    def make(database_url: str | None = None, **settings: Any) -> Api:
        """Settings overrides apply to this process's runtime and to the hub's subprocesses."""
        url = database_url or f"sqlite:///{tmp_path / f'api{len(made)}.db'}"
        env = {
            f"LEDGERHUB_{k.upper()}": ",".join(v) if isinstance(v, list) else str(v)
            for k, v in settings.items()
        }
        hub = make_hub(url, redis_url, **env)
        runtime = Runtime(hub.settings.model_copy(update=settings))
        hub._runtime = runtime
        client = TestClient(create_app(runtime), raise_server_exceptions=False)
        api = Api(hub, runtime, client)
        made.append(api)
        return api

    yield make
    for api in made:
        api.client.close()


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    """An API over SQLite."""
    return make_api()
