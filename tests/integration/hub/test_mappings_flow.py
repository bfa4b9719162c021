"""Mappings end to end through real workers: custom fields written and read back, spec versions
on the records they shaped, previews, and decisions turned into spec entries and reused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from connectors.errors import ValidationError
from hub.jobs.writes import submit_write
from hub.mapping import (
    apply_spec,
    bind_field,
    connection_mapping,
    decisions_for,
    define_field,
    preview_records,
    record_decision,
)
from mappings.customfields import Binding, CustomFieldDef
from mappings.spec import SpecError
from tests.integration.hub.checks import bill_payload
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration

STATUS_SPEC = """\
object: invoice
rules:
  - target: custom_fields.xero_status
    source: Status
    lookup: {AUTHORISED: open, PAID: settled, DRAFT: draft, SUBMITTED: draft, VOIDED: void,
             DELETED: void}
"""


def test_a_bill_with_custom_fields_goes_to_xero_and_comes_back_on_the_next_sync(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=40)
    hub = make_hub(database[0], redis_url)
    connection_id = hub.connect(sandbox)
    hub.start_worker(processes=1, threads=2)
    hub.wait_runs([hub.enqueue_sync(connection_id, r) for r in ("contacts", "accounts")])
    store = hub.runtime.store
    tenant = store.connections.get(connection_id).tenant_id
    define_field(
        store,
        tenant,
        CustomFieldDef(
            key="cost_center", level="line", allowed=("Research", "Sales"), required=True
        ),
    )
    define_field(store, tenant, CustomFieldDef(key="project"))
    bind_field(
        store, connection_id, Binding(key="cost_center", place="tracking", param="Department")
    )
    bind_field(store, connection_id, Binding(key="project", place="reference"))
    # A third tracking category is refused, and says why.
    define_field(store, tenant, CustomFieldDef(key="region", level="line"))
    define_field(store, tenant, CustomFieldDef(key="team", level="line"))
    bind_field(store, connection_id, Binding(key="region", place="tracking", param="Region"))
    with pytest.raises(SpecError, match="at most 2 tracking category"):
        bind_field(store, connection_id, Binding(key="team", place="tracking", param="Team"))
    store.mappings.unbind(connection_id, "region")

    payload = bill_payload(hub.runtime, connection_id, "IT-CF-1")
    # Invalid custom fields are refused before anything is stored, naming the path.
    with pytest.raises(ValidationError) as refused:
        submit_write(hub.runtime, connection_id, "invoice", payload, "it-cf-0")
    assert "invoice.lines[0].custom_fields.cost_center: is required" in str(refused.value)
    assert store.writes.list(connection_id) == []

    payload["custom_fields"] = {"project": "PRJ-42"}
    payload["lines"][0]["custom_fields"] = {"cost_center": "Research"}
    request, _ = submit_write(hub.runtime, connection_id, "invoice", payload, "it-cf-1")
    hub.send("write", "write", request_id=request.id)
    hub.wait_until(
        lambda: store.writes.get(request.id).status == "succeeded", what="the write to succeed"
    )
    remote_id = store.writes.get(request.id).remote_id
    assert remote_id

    # The next sync reads them back into the canonical record.
    store.records.set_cursor(connection_id, "invoices", None)
    hub.wait_runs([hub.enqueue_sync(connection_id, "invoices")])
    record = store.records.get_by_remote(connection_id, "invoice", remote_id)
    assert record is not None
    assert record.data["custom_fields"]["project"] == "PRJ-42"
    assert record.data["lines"][0]["custom_fields"]["cost_center"] == "Research"
    # What Xero holds: the option of its Department category, and the reference.
    assert record.raw is not None
    assert record.raw["Reference"] == "PRJ-42"
    tracking = record.raw["LineItems"][0]["Tracking"]
    assert [(t["Name"], t["Option"]) for t in tracking] == [("Department", "Research")]


def test_spec_versions_previews_and_decisions(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=30)
    hub = make_hub(database[0], redis_url)
    connection_id = hub.connect(sandbox)
    store = hub.runtime.store
    hub.start_worker(processes=1, threads=2)

    # A bad spec is refused with its line, and nothing is stored.
    bad = STATUS_SPEC.replace("source: Status", "source: Statuss")
    with pytest.raises(SpecError) as refused:
        apply_spec(store, connection_id, bad, "ana")
    assert refused.value.problems[0].line == 4
    assert "'Statuss' is not a field xero has on invoice" in str(refused.value)
    assert store.mappings.current_spec(connection_id, "invoice") is None

    first = apply_spec(store, connection_id, STATUS_SPEC, "ana", "status words")
    hub.wait_runs([hub.enqueue_sync(connection_id, "invoices")])
    records = store.records.list(connection_id, "invoice", limit=500)
    assert records
    assert {r.mapping_version for r in records} == {first.version}
    assert all(r.data["custom_fields"]["xero_status"] for r in records)

    # Preview shows what the spec changes, on records fetched now; nothing is stored.
    mapping = connection_mapping(store, connection_id)
    previews = preview_records(hub.runtime.connector(connection_id), mapping, "invoice", 3)
    assert len(previews) == 3
    assert all("custom_fields.xero_status" in p.changes() for p in previews)

    # Accepting a suggestion adds its rule as the next version; the next sync records it.
    second = record_decision(
        store, connection_id, "invoice", "InvoiceNumber", "custom_fields.erp_number", True, "bo"
    )
    assert second is not None
    assert second.version == first.version + 1
    record_decision(store, connection_id, "invoice", "Url", "custom_fields.erp_number", False, "bo")
    store.records.set_cursor(connection_id, "invoices", None)
    hub.wait_runs([hub.enqueue_sync(connection_id, "invoices")])
    records = store.records.list(connection_id, "invoice", limit=500)
    assert {r.mapping_version for r in records} == {second.version}
    assert all(r.data["custom_fields"]["erp_number"] == r.data["number"] for r in records)

    decisions = decisions_for(store, connection_id, "invoice", shared=False)
    assert decisions.accepted("InvoiceNumber") == (True, "custom_fields.erp_number")
    assert decisions.rejected("Url", "custom_fields.erp_number")
