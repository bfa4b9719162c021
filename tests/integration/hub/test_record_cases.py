"""A record that cannot become canonical is a case; fixing it in the ERP resolves the case."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from connectors.sandbox.runner import run_in_thread
from connectors.xero.sandbox.app import create_app
from connectors.xero.sandbox.config import XeroSandboxConfig
from hub.connect import authorize_client_credentials, create_connection
from hub.jobs.runtime import Runtime
from hub.jobs.sync import sync_resource
from hub.settings import Settings
from tests import services

pytestmark = pytest.mark.integration


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    client = redis.Redis.from_url(services.redis_url(13))
    client.ping()
    rt = Runtime(
        Settings(
            data_dir=tmp_path,
            broker_url=services.redis_url(13),
            secret_key="B" * 43 + "=",
        )
    )
    yield rt
    rt.close()


def test_a_bad_vat_number_opens_a_mapping_case_that_closes_once_fixed(runtime: Runtime) -> None:
    app = create_app(XeroSandboxConfig(seed=11, records=20, no_limits=True))
    state = app.state.sandbox
    with run_in_thread(app) as server:
        view = create_connection(
            runtime,
            erp="xero",
            base_url=server.url,
            client_id="sandbox-client",
            client_secret="sandbox-secret",
            options={"limits": {"none": True}},
            display_name=f"cases {uuid.uuid4().hex[:6]}",
        )
        authorize_client_credentials(runtime, view.id)
        contacts = state.store["contacts"]
        victim = next(
            r for r in contacts.records.values() if r.doc.get("ContactStatus") == "ACTIVE"
        )
        good_number = victim.doc.get("TaxNumber") or ""
        victim.doc["TaxNumber"] = "GB123456789"  # fails the GB VAT checksum
        contacts.touch(victim, state.now())

        first = sync_resource(runtime, view.id, "contacts", full=True)
        assert first.run is not None
        assert first.run.status == "succeeded"
        (case,) = runtime.store.cases.list(status="open", connection_id=view.id)
        assert case.category == "mapping"
        assert "tax_number" in (case.erp_message or "") + case.cause
        _, refs = runtime.store.cases.retry_refs(case.id)
        assert refs == [victim.id]
        assert runtime.store.records.get_by_remote(view.id, "supplier", victim.id) is None

        victim.doc["TaxNumber"] = good_number
        contacts.touch(victim, state.now())
        second = sync_resource(runtime, view.id, "contacts")
        assert second.run is not None
        assert second.run.status == "succeeded"
        assert runtime.store.cases.list(status="open", connection_id=view.id) == []
        resolved = runtime.store.cases.get(case.id)[0]
        assert resolved.resolved_by == "auto"
        stored = [
            runtime.store.records.get_by_remote(view.id, obj, victim.id)
            for obj in ("supplier", "customer")
        ]
        assert any(r is not None for r in stored)
