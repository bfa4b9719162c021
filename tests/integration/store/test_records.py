"""apply_page: one transaction per page, idempotent, safe under concurrent workers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text

from canonical import Account, Supplier
from hub.store import Store
from hub.store.models import OutboxEvent, StoredRecord

pytestmark = __import__("pytest").mark.integration


def suppliers(store: Store, connection_id: str, n: int, **changes: Any) -> list[Supplier]:
    resolver = store.resolver(connection_id)
    out = []
    for i in range(n):
        doc = {
            "id": resolver.hub_id("supplier", f"S{i}"),
            "remote_id": f"S{i}",
            "name": f"Supplier {i}",
            "remote_updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
        doc.update(changes.get(f"S{i}", {}))
        out.append(Supplier.parse(doc))
    return out


def test_first_page_creates_records_events_cursor_and_run_counts(
    store: Store, connection_id: str
) -> None:
    run = store.runs.start(connection_id, "supplier", "full", correlation_id="cor-1")
    raw = [{"ContactID": f"S{i}", "Name": f"Supplier {i}"} for i in range(3)]
    page = store.records.apply_page(
        connection_id, "supplier", suppliers(store, connection_id, 3), raw, "c-1", run.id, "cor-1"
    )
    assert (page.created, page.updated, page.unchanged, page.deleted, page.events) == (
        3,
        0,
        0,
        0,
        3,
    )
    stored = store.records.get_by_remote(connection_id, "supplier", "S1")
    assert stored is not None
    assert stored.version == 1
    assert stored.raw == {"ContactID": "S1", "Name": "Supplier 1"}
    assert stored.data["name"] == "Supplier 1"
    assert stored.data["connection_id"] == connection_id
    assert stored.remote_updated_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert store.records.get_cursor(connection_id, "supplier") == "c-1"
    events = store.outbox.pending()
    assert [e.type for e in events] == ["supplier.created"] * 3
    assert {e.data["remote_id"] for e in events} == {"S0", "S1", "S2"}
    assert all(e.correlation_id == "cor-1" for e in events)
    assert events[0].to_event().type.value == "supplier.created"
    counted = store.runs.get(run.id)
    assert counted is not None
    assert (counted.created, counted.pages) == (3, 1)


def test_replaying_a_page_changes_nothing(store: Store, connection_id: str) -> None:
    page = suppliers(store, connection_id, 5)
    store.records.apply_page(connection_id, "supplier", page, cursor="c-1")
    before = store.records.list(connection_id, "supplier")
    again = store.records.apply_page(connection_id, "supplier", page, cursor="c-1")
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 5, 0)
    assert store.records.list(connection_id, "supplier") == before
    assert len(store.outbox.pending()) == 5


def test_changed_record_is_versioned_and_announced(store: Store, connection_id: str) -> None:
    store.records.apply_page(connection_id, "supplier", suppliers(store, connection_id, 3))
    changed = suppliers(store, connection_id, 3, S2={"name": "Renamed"})
    page = store.records.apply_page(connection_id, "supplier", changed, cursor="c-2")
    assert (page.created, page.updated, page.unchanged) == (0, 1, 2)
    stored = store.records.get_by_remote(connection_id, "supplier", "S2")
    assert stored is not None
    assert (stored.version, stored.data["name"], stored.data["version"]) == (2, "Renamed", 2)
    updated = [e for e in store.outbox.pending() if e.type == "supplier.updated"]
    assert len(updated) == 1
    assert updated[0].data["name"] == "Renamed"
    assert updated[0].data["version"] == 2


def test_only_a_new_change_stamp_is_not_a_change(store: Store, connection_id: str) -> None:
    store.records.apply_page(connection_id, "supplier", suppliers(store, connection_id, 1))
    later = {"S0": {"remote_updated_at": datetime(2026, 2, 1, tzinfo=UTC)}}
    page = store.records.apply_page(
        connection_id, "supplier", suppliers(store, connection_id, 1, **later)
    )
    assert page.unchanged == 1


def test_deletion_is_marked_and_announced_once(store: Store, connection_id: str) -> None:
    store.records.apply_page(connection_id, "supplier", suppliers(store, connection_id, 2))
    gone = suppliers(store, connection_id, 2, S0={"remote_deleted": True})
    page = store.records.apply_page(connection_id, "supplier", gone)
    assert (page.deleted, page.unchanged) == (1, 1)
    again = store.records.apply_page(connection_id, "supplier", gone)
    assert (again.deleted, again.unchanged, again.events) == (0, 2, 0)
    stored = store.records.get_by_remote(connection_id, "supplier", "S0")
    assert stored is not None
    assert stored.remote_deleted
    assert stored.version == 2
    assert [e.type for e in store.outbox.pending()].count("supplier.deleted") == 1


def test_reference_data_is_stored_without_events(store: Store, connection_id: str) -> None:
    resolver = store.resolver(connection_id)
    account = Account.parse(
        {
            "id": resolver.hub_id("account", "A1"),
            "remote_id": "A1",
            "code": "400",
            "name": "Sales",
            "type": "revenue",
        }
    )
    page = store.records.apply_page(connection_id, "account", [account])
    assert (page.created, page.events) == (1, 0)


def test_a_repeated_remote_id_in_one_page_counts_once(store: Store, connection_id: str) -> None:
    first = suppliers(store, connection_id, 1)
    second = suppliers(store, connection_id, 1, S0={"name": "Later"})
    page = store.records.apply_page(connection_id, "supplier", [*first, *second])
    assert page.created == 1
    stored = store.records.get_by_remote(connection_id, "supplier", "S0")
    assert stored is not None
    assert stored.data["name"] == "Later"


def test_concurrent_workers_applying_the_same_pages_store_each_change_once(
    store: Store, connection_id: str
) -> None:
    pages = [suppliers(store, connection_id, 60)]
    pages.append(
        suppliers(store, connection_id, 60, **{f"S{i}": {"name": "v2"} for i in range(30)})
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list[Any] = []

    def worker() -> None:
        try:
            for page in pages:
                barrier.wait()
                results.append(store.records.apply_page(connection_id, "supplier", page))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.created for r in results) == 60
    assert sum(r.updated for r in results) == 30
    with store.sessions() as session:
        rows = session.scalar(select(func.count()).select_from(StoredRecord))
        events = session.scalar(select(func.count()).select_from(OutboxEvent))
        versions = set(session.scalars(select(StoredRecord.version)))
    assert rows == 60
    assert events == 90
    assert versions == {1, 2}


def test_json_columns_are_jsonb_on_postgresql(store: Store, connection_id: str) -> None:
    store.records.apply_page(connection_id, "supplier", suppliers(store, connection_id, 1))
    if store.engine.dialect.name != "postgresql":
        assert store.engine.dialect.name == "sqlite"
        return
    with store.engine.connect() as conn:
        kind = conn.execute(text("SELECT pg_typeof(data)::text FROM records LIMIT 1")).scalar()
        name = conn.execute(text("SELECT data->>'name' FROM records LIMIT 1")).scalar()
    assert (kind, name) == ("jsonb", "Supplier 0")


def test_a_resource_page_stores_each_object_and_keeps_the_cursor_by_resource(
    store: Store, connection_id: str
) -> None:
    from canonical import Customer

    resolver = store.resolver(connection_id)
    supplier = Supplier.parse(
        {
            "id": resolver.hub_id("supplier", "C1"),
            "remote_id": "C1",
            "name": "Both Ways Ltd",
            "remote_data": {"ContactID": "C1", "IsSupplier": True},
        }
    )
    customer = Customer.parse(
        {"id": resolver.hub_id("customer", "C1"), "remote_id": "C1", "name": "Both Ways Ltd"}
    )
    run = store.runs.start(connection_id, "contacts", "full")
    page = store.records.apply_resource_page(
        connection_id, "contacts", [supplier, customer], "cur-9", run.id, "cor-2"
    )
    assert (page.created, page.events) == (2, 2)
    assert store.records.get_cursor(connection_id, "contacts") == "cur-9"
    stored = store.records.get_by_remote(connection_id, "supplier", "C1")
    assert stored is not None
    assert stored.raw == {"ContactID": "C1", "IsSupplier": True}
    assert "remote_data" not in stored.data
    assert store.records.counts(connection_id) == {
        (connection_id, "supplier"): 1,
        (connection_id, "customer"): 1,
    }
    assert store.runs.get(run.id).created == 2  # type: ignore[union-attr]


def test_records_a_write_brought_back_are_stored_without_a_cursor(
    store: Store, connection_id: str
) -> None:
    (record,) = suppliers(store, connection_id, 1)
    assert store.records.apply_records(connection_id, [record], "cor-w").created == 1
    assert store.records.apply_records(connection_id, [record], "cor-w").unchanged == 1
    assert store.records.get_cursor(connection_id, "supplier") is None


def test_a_record_of_another_object_is_refused_in_apply_page(
    store: Store, connection_id: str
) -> None:
    import pytest

    with pytest.raises(ValueError, match="page of customer"):
        store.records.apply_page(connection_id, "customer", suppliers(store, connection_id, 1))


def test_records_deleted_outright_are_marked_deleted_once_with_their_last_content(
    store: Store, connection_id: str
) -> None:
    store.records.apply_resource_page(
        connection_id, "vendors", suppliers(store, connection_id, 2), "c-1"
    )
    store.outbox.mark_dispatched([e.seq for e in store.outbox.pending()])
    # The ERP's deletion log names S1 (and an id the hub never stored): no payload comes with it.
    page = store.records.apply_resource_page(
        connection_id,
        "vendors",
        [],
        "c-2",
        deleted=[("supplier", "S1"), ("supplier", "S9")],
    )
    assert (page.deleted, page.events) == (1, 1)
    gone = store.records.get_by_remote(connection_id, "supplier", "S1")
    assert gone is not None
    assert gone.version == 2
    assert gone.data["remote_deleted"] is True
    assert gone.data["name"] == "Supplier 1"
    assert store.records.get_by_remote(connection_id, "supplier", "S9") is None
    assert store.records.get_cursor(connection_id, "vendors") == "c-2"
    (event,) = store.outbox.pending()
    assert (event.type, event.data["remote_id"]) == ("supplier.deleted", "S1")
    again = store.records.apply_resource_page(
        connection_id, "vendors", [], "c-3", deleted=[("supplier", "S1")]
    )
    assert (again.deleted, again.events) == (0, 0)
