"""SAP through the hub's sync: deletions no ERP reports, and records read again by id.

SAP deletes a parked supplier invoice outright, with no status, log or change stamp left behind.
A sync of a key-scan resource ends with the complete list of its keys, and the hub deletes the
stored records of that resource whose key is not in it. A supplier invoice that fails to
translate has no change stamp to bring it back either: each sync reads it again by its key until
it translates, and its case closes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from connectors.base import FetchedPage, Resource
from connectors.errors import ErpRejected
from connectors.sandbox.runner import ServerHandle, run_in_thread
from connectors.sap.client import SapConnector
from connectors.sap.sandbox import SapSandboxConfig, SapSandboxState, create_app
from hub.connect import authorize_client_credentials, create_connection
from hub.jobs.runtime import Runtime
from hub.jobs.sync import sync_resource
from hub.settings import Settings

pytestmark = pytest.mark.integration

ID, SECRET = "sap-key-scan-client", "sap-key-scan-secret"
SI = ("API_SUPPLIERINVOICE_PROCESS_SRV", "A_SupplierInvoice")


@pytest.fixture
def runtime(tmp_path: Path, database: tuple[str, str], redis_url: str) -> Iterator[Runtime]:
    rt = Runtime(
        Settings(
            data_dir=tmp_path,
            database_url=database[0],
            broker_url=redis_url,
            secret_key="K" * 43 + "=",
        )
    )
    yield rt
    rt.close()


@pytest.fixture
def sap() -> Iterator[tuple[ServerHandle, SapSandboxState]]:
    app = create_app(
        SapSandboxConfig(
            seed=5, records=120, client_id=ID, client_secret=SecretStr(SECRET), no_limits=True
        )
    )
    with run_in_thread(app) as server:
        yield server, app.state.sandbox


def _connect(runtime: Runtime, server: ServerHandle) -> str:
    view = create_connection(
        runtime,
        erp="sap",
        base_url=server.url,
        client_id=ID,
        client_secret=SECRET,
        display_name=f"key scan {uuid.uuid4().hex[:6]}",
    )
    authorize_client_credentials(runtime, view.id)
    return view.id


def _live(runtime: Runtime, connection_id: str) -> dict[str, bool]:
    """Stored invoices by remote id: whether each is deleted."""
    rows = runtime.store.records.list(connection_id, "invoice", limit=10_000)
    return {r.remote_id: r.remote_deleted for r in rows}


def test_a_parked_invoice_deleted_outright_is_deleted_by_the_next_sync(
    runtime: Runtime, sap: tuple[ServerHandle, SapSandboxState], monkeypatch: Any
) -> None:
    server, state = sap
    connection = _connect(runtime, server)
    # Billing documents are invoices too: a key scan of supplier invoices must leave them alone.
    for resource in ("billing_documents", "supplier_invoices"):
        first = sync_resource(runtime, connection, resource, full=True)
        assert first.run is not None
        assert first.run.status == "succeeded"
    before = _live(runtime, connection)
    billing = {rid for rid in before if "/" not in rid}
    assert billing, "the seed has billing documents"

    gone = state.make_changes("parked_supplier_invoices", delete=2)["deleted"]
    assert len(gone) == 2
    assert set(gone) <= set(before)
    assert all(state.store.table(*SI).get(tuple(g.split("/"))) is None for g in gone)

    # A pass whose key listing fails deletes nothing (and does not finish).
    def refused(self: SapConnector, resource: Resource, token: str | None) -> FetchedPage:
        raise ErpRejected("the key listing was refused")

    monkeypatch.setattr(SapConnector, "fetch_keys", refused)
    with pytest.raises(ErpRejected):
        sync_resource(runtime, connection, "supplier_invoices")
    assert _live(runtime, connection) == before
    monkeypatch.undo()
    seen = runtime.store.outbox.list(connection_id=connection, limit=100_000)
    last_seq = seen[-1].seq if seen else 0

    second = sync_resource(runtime, connection, "supplier_invoices")
    assert second.run is not None
    assert second.run.status == "succeeded"
    assert second.run.deleted == 2
    after = _live(runtime, connection)
    newly = {rid for rid, deleted in after.items() if deleted and not before[rid]}
    assert newly == set(gone)
    assert set(after) == set(before)
    events = [
        e
        for e in runtime.store.outbox.list(connection_id=connection, after_seq=last_seq)
        if e.type.startswith("invoice.")
    ]
    assert sorted(e.data["remote_id"] for e in events) == sorted(gone)
    assert {e.type for e in events} == {"invoice.deleted"}
    assert all(e.data["remote_deleted"] for e in events)

    # Nothing vanished since: the next pass deletes nothing more, and billing stays whole.
    third = sync_resource(runtime, connection, "supplier_invoices")
    assert third.run is not None
    assert third.run.deleted == 0
    assert _live(runtime, connection) == after
    assert all(after[rid] == before[rid] for rid in billing)


def test_an_invoice_that_failed_to_translate_is_read_again_by_key_until_it_does(
    runtime: Runtime, sap: tuple[ServerHandle, SapSandboxState]
) -> None:
    server, state = sap
    connection = _connect(runtime, server)
    table = state.store.table(*SI)
    victim = next(r for r in table.in_key_order() if r["SupplierInvoiceStatus"] == "5")
    rid = f"{victim['SupplierInvoice']}/{victim['FiscalYear']}"
    table.put({**victim, "InvoicingParty": ""})  # no supplier: it cannot become an invoice

    first = sync_resource(runtime, connection, "supplier_invoices", full=True)
    assert first.run is not None
    assert first.run.status == "succeeded"
    assert first.failed == 1
    (case,) = runtime.store.cases.list(status="open", connection_id=connection)
    assert runtime.store.cases.retry_refs(case.id)[1] == [rid]
    assert runtime.store.records.get_by_remote(connection, "invoice", rid) is None

    # Still broken: the incremental sync reads it by key (its creation date is long past) and
    # the case stays open.
    second = sync_resource(runtime, connection, "supplier_invoices")
    assert second.failed == 1
    assert [c.id for c in runtime.store.cases.list(status="open", connection_id=connection)] == [
        case.id
    ]

    table.put(victim)  # fixed in SAP, without any change stamp
    third = sync_resource(runtime, connection, "supplier_invoices")
    assert third.failed == 0
    assert runtime.store.cases.list(status="open", connection_id=connection) == []
    assert runtime.store.cases.get(case.id)[0].resolved_by == "auto"
    stored = runtime.store.records.get_by_remote(connection, "invoice", rid)
    assert stored is not None
    assert stored.data["party_id"] is not None
