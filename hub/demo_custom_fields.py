"""The demo's custom-field step: a tenant's fields bound to each ERP, written and read back.

For each ERP whose adapter declares custom-field places, the tenant's `cost_center` (on lines)
and `project` (on the header) are bound to the first places that can hold them (their example
names: Xero's Department tracking category and the reference), a bill carrying both is written
through a worker, the ERP's invoices are synced again, and the values read back are shown.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from hub.mapping import bind_field, connector_class, define_field
from mappings.customfields import Binding, CustomFieldDef, Level, Place

if TYPE_CHECKING:
    from hub.jobs.runtime import Runtime

FIELDS = (
    CustomFieldDef(key="cost_center", label="Cost center", level="line"),
    CustomFieldDef(key="project", label="Project", level="header"),
)


def _place(places: tuple[Place, ...], level: Level, taken: set[str]) -> Place | None:
    return next(
        (
            p
            for p in places
            if ("invoice", level) in p.paths
            and p.name not in taken
            and (p.example or not p.param)
            and p.example_value
        ),
        None,
    )


def round_trip(
    runtime: Runtime,
    connection_id: str,
    title: str,
    payload: dict[str, Any],
    console: Console,
    wait_sync: Any,
) -> dict[str, Any]:
    """Bind, write, sync, read back; returns {field: (written, read back)}."""
    from hub.jobs.sender import enqueue_write
    from hub.jobs.writes import submit_write

    store = runtime.store
    cls = connector_class(store, connection_id)
    tenant = store.connections.get(connection_id).tenant_id
    chosen: dict[str, tuple[Place, str]] = {}
    taken: set[str] = set()
    for definition in FIELDS:
        place = _place(cls.CUSTOM_FIELD_PLACES, definition.level, taken)
        if place is None or place.example_value is None:
            continue
        define_field(store, tenant, definition)
        bind_field(
            store,
            connection_id,
            Binding(
                key=definition.key, place=place.name, param=place.example if place.param else None
            ),
        )
        taken.add(place.name)
        chosen[definition.key] = (place, place.example_value)
    if not chosen:
        console.print(f"{title}: declares no custom-field places")
        return {}
    body = dict(payload)
    body["number"] = f"{payload['number']}-CF"
    if "project" in chosen:
        body["custom_fields"] = {"project": chosen["project"][1]}
    if "cost_center" in chosen:
        body["lines"] = [
            {**line, "custom_fields": {"cost_center": chosen["cost_center"][1]}}
            for line in payload["lines"]
        ]
    request, _ = submit_write(
        runtime, connection_id, "invoice", body, f"demo-custom-fields-{connection_id}"
    )
    enqueue_write(request.id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        request = store.writes.get(request.id)
        if request.status in {"succeeded", "failed"}:
            break
        time.sleep(0.2)
    if request.remote_id is None:
        raise RuntimeError(f"{title}: the bill with custom fields was not written: {request.error}")
    invoice_resources = [r.name for r in cls.RESOURCES if "invoice" in r.objects]
    wait_sync(connection_id, invoice_resources)
    record = store.records.get_by_remote(connection_id, "invoice", request.remote_id)
    data = record.data if record else {}
    back = {
        "project": (data.get("custom_fields") or {}).get("project"),
        "cost_center": ((data.get("lines") or [{}])[0].get("custom_fields") or {}).get(
            "cost_center"
        ),
    }
    table = Table("field", "bound to", "written", "read back", title=f"{title}: custom fields")
    result: dict[str, Any] = {}
    for key, (place, value) in chosen.items():
        where = f"{place.label} {place.example}" if place.param else place.label
        table.add_row(key, where, value, str(back[key]))
        result[key] = (value, back[key])
    console.print(table)
    return result
