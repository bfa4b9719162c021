"""The mapping tables: versioned specs, custom fields and bindings, decisions; record versions."""

from __future__ import annotations

import threading

import pytest

from hub.store import Store
from mappings.customfields import Binding, CustomFieldDef
from tests.integration.store.test_records import suppliers

pytestmark = pytest.mark.integration


def test_specs_are_versioned_with_who_and_when(store: Store, connection_id: str) -> None:
    first = store.mappings.put_spec(connection_id, "invoice", "object: invoice\n", "ana")
    second = store.mappings.put_spec(
        connection_id, "invoice", "object: invoice\nrules: []\n", "bo", "empty rules"
    )
    store.mappings.put_spec(connection_id, "supplier", "object: supplier\n", "ana")
    assert (first.version, second.version) == (1, 2)
    assert store.mappings.current_spec(connection_id, "invoice") == second
    assert [v.version for v in store.mappings.spec_history(connection_id, "invoice")] == [2, 1]
    current = store.mappings.current_specs(connection_id)
    assert {o: v.version for o, v in current.items()} == {"invoice": 2, "supplier": 1}
    assert (second.created_by, second.comment) == ("bo", "empty rules")
    assert second.created_at.tzinfo is not None
    assert store.mappings.current_spec(connection_id, "payment") is None


def test_concurrent_spec_writes_get_distinct_versions(store: Store, connection_id: str) -> None:
    versions: list[int] = []

    def put(i: int) -> None:
        view = store.mappings.put_spec(connection_id, "invoice", f"# {i}\nobject: invoice\n", "x")
        versions.append(view.version)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(versions) == [1, 2, 3, 4, 5, 6]


def test_custom_fields_and_bindings(store: Store, connection_id: str) -> None:
    tenant = store.connections.get(connection_id).tenant_id  # type: ignore[union-attr]
    cc = CustomFieldDef(key="cost_center", level="line", allowed=("CC-1",))
    assert store.mappings.define_field(tenant, cc) is True
    assert store.mappings.define_field(tenant, cc.model_copy(update={"required": True})) is False
    store.mappings.define_field(tenant, CustomFieldDef(key="project"))
    assert [(f.key, f.required) for f in store.mappings.fields(tenant)] == [
        ("cost_center", True),
        ("project", False),
    ]
    store.mappings.bind(connection_id, Binding(key="cost_center", place="tracking", param="Dep"))
    store.mappings.bind(connection_id, Binding(key="cost_center", place="tracking", param="Dept"))
    store.mappings.bind(connection_id, Binding(key="project", place="reference"))
    assert store.mappings.bindings(connection_id) == [
        Binding(key="cost_center", place="tracking", param="Dept"),
        Binding(key="project", place="reference"),
    ]
    assert store.mappings.unbind(connection_id, "project") is True
    assert store.mappings.unbind(connection_id, "project") is False
    assert store.mappings.remove_field(tenant, "cost_center") is True
    assert store.mappings.bindings(connection_id) == []
    assert [f.key for f in store.mappings.fields(tenant)] == ["project"]
    assert store.mappings.remove_field("other-tenant", "project") is False


def test_decisions_and_what_other_tenants_accepted(store: Store, connection_id: str) -> None:
    m = store.mappings
    m.decide("t1", connection_id, "xero", "invoice", "Reference", "number", True, "a")
    m.decide("t1", connection_id, "xero", "invoice", "Url", None, False, "a")
    assert [(d.source, d.target, d.accepted) for d in m.decisions("t1")] == [
        ("Reference", "number", True),
        ("Url", None, False),
    ]
    m.decide("t2", connection_id, "xero", "invoice", "Reference", "number", True, "b")
    m.decide("t3", connection_id, "xero", "invoice", "Reference", "number", True, "c")
    m.decide("t3", connection_id, "xero", "invoice", "Reference", "number", False, "c")
    m.decide("t4", connection_id, "xero", "invoice", "Reference", "number", True, "d")
    shared = m.shared_acceptances("xero", "invoice", exclude_tenant="t9")
    assert shared == [("Reference", "number", 3)]  # t3 took its acceptance back
    assert m.shared_acceptances("xero", "invoice", exclude_tenant="t1", min_tenants=3) == []
    assert m.shared_acceptances("netsuite", "invoice", exclude_tenant="t9") == []


def test_records_carry_the_spec_version_that_shaped_them(store: Store, connection_id: str) -> None:
    page = suppliers(store, connection_id, 2)
    store.records.apply_page(connection_id, "supplier", page, mapping_versions={"supplier": 3})
    rows = store.records.list(connection_id, "supplier")
    assert [r.mapping_version for r in rows] == [3, 3]
    # The same content read again under spec version 4: unchanged, but says version 4.
    result = store.records.apply_page(
        connection_id, "supplier", page, mapping_versions={"supplier": 4}
    )
    assert (result.unchanged, result.events) == (2, 0)
    assert [r.mapping_version for r in store.records.list(connection_id, "supplier")] == [4, 4]
    store.records.apply_page(connection_id, "supplier", page)
    assert [r.mapping_version for r in store.records.list(connection_id, "supplier")] == [
        None,
        None,
    ]


def test_what_other_tenants_accepted_is_a_default_only_when_shared(store: Store) -> None:
    from hub.mapping import decisions_for, record_decision

    connections = []
    for name in ("t1", "t2", "t3"):
        tenant = store.connections.create_tenant(name)
        view = store.connections.create(tenant_id=tenant.id, erp="xero", display_name=name)
        connections.append(view.id)
    first, second, mine = connections
    for connection in (first, second):
        record_decision(store, connection, "invoice", "Reference", "custom_fields.po", True, "x")
    assert store.mappings.current_spec(first, "invoice") is not None  # accepted -> a rule

    assert decisions_for(store, mine, "invoice", shared=False).accepted("Reference") == (
        False,
        None,
    )
    shared = decisions_for(store, mine, "invoice", shared=True)
    assert shared.accepted("Reference") == (True, "custom_fields.po")
    # The tenant's own decision overrides the shared default.
    record_decision(store, mine, "invoice", "Reference", "custom_fields.po", False, "me")
    again = decisions_for(store, mine, "invoice", shared=True)
    assert again.accepted("Reference") == (False, None)
    assert again.rejected("Reference", "custom_fields.po")
