"""The hub's side of mappings: specs per connection, custom fields, bindings, decisions, previews.

What the CLI and the API call. Specs are validated against the canonical catalogue and the
connection's adapter's field catalogue before they are stored; custom-field bindings against the
places the adapter declares; every write is checked against the tenant's definitions before it is
stored. `connection_mapping` assembles what a connector applies on a run: the newest spec of each
object, extended with the rules of the connection's custom-field bindings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from canonical import OBJECTS, Record
from connectors.base import Connector
from connectors.fields import field_catalogue
from connectors.registry import get_adapter
from hub.store import SpecVersionView, Store
from hub.store.errors import NotFound
from mappings.apply import ConnectionMapping, MappingApplyError
from mappings.customfields import (
    Binding,
    CustomFieldDef,
    FieldIssue,
    binding_rules,
    check_binding,
    check_record,
    with_bindings,
)
from mappings.spec import MappingSpec, Rule, SpecError, SpecProblem, dump, load, spec_object
from mappings.suggest import Decision, DecisionSet


def connector_class(store: Store, connection_id: str) -> type[Connector]:
    """The adapter class of a connection (NotFound when there is no such connection)."""
    return get_adapter(store.connections.get(connection_id).erp).connector


def _object(object_name: str) -> str:
    if object_name not in OBJECTS:
        raise ValueError(f"unknown canonical object '{object_name}' (known: {', '.join(OBJECTS)})")
    return object_name


# -- specs -------------------------------------------------------------------------------------


def check_spec(store: Store, connection_id: str, text: str, source: str = "spec") -> MappingSpec:
    """Parse and validate a spec for a connection; raises SpecError (line, path, reason)."""
    cls = connector_class(store, connection_id)
    object_name = spec_object(text)
    catalogue = field_catalogue(cls, object_name) if object_name in OBJECTS else None
    return load(text, source=source, catalogue=catalogue)


def apply_spec(
    store: Store,
    connection_id: str,
    text: str,
    created_by: str,
    comment: str = "",
    source: str = "spec",
) -> SpecVersionView:
    """Validate and store a spec as the next version for its object; nothing stored on error."""
    spec = check_spec(store, connection_id, text, source)
    return store.mappings.put_spec(connection_id, spec.object, text, created_by, comment)


def connection_mapping(store: Store, connection_id: str) -> ConnectionMapping:
    """The specs and custom-field rules a connector applies for this connection, by object."""
    cls = connector_class(store, connection_id)
    tenant = store.connections.get(connection_id).tenant_id
    specs: dict[str, MappingSpec] = {}
    versions: dict[str, int] = {}
    for object_name, view in store.mappings.current_specs(connection_id).items():
        specs[object_name] = load(view.body, source=f"{object_name} spec v{view.version}")
        versions[object_name] = view.version
    bindings = store.mappings.bindings(connection_id)
    if bindings:
        fields = store.mappings.fields(tenant)
        for object_name in OBJECTS:
            rules = binding_rules(fields, bindings, cls.CUSTOM_FIELD_PLACES, object_name)
            merged = with_bindings(specs.get(object_name), rules, object_name)
            if merged is not None:
                specs[object_name] = merged
    return ConnectionMapping(specs, versions)


# -- custom fields -----------------------------------------------------------------------------


def check_custom_fields(store: Store, connection_id: str, record: Record) -> list[FieldIssue]:
    """What is wrong with a record's custom fields under its tenant's definitions."""
    tenant = store.connections.get(connection_id).tenant_id
    definitions = store.mappings.fields(tenant)
    if not definitions:
        return []
    return check_record(definitions, record.OBJECT, record.model_dump(mode="python"))


def bind_field(store: Store, connection_id: str, binding: Binding) -> None:
    """Bind a defined field to one of the connection's ERP places; SpecError says why not."""
    cls = connector_class(store, connection_id)
    tenant = store.connections.get(connection_id).tenant_id
    definition = next((d for d in store.mappings.fields(tenant) if d.key == binding.key), None)
    if definition is None:
        raise SpecError(
            [SpecProblem("key", f"no custom field '{binding.key}' is defined for this tenant")],
            "binding",
        )
    problems = check_binding(
        definition,
        binding,
        cls.CUSTOM_FIELD_PLACES,
        store.mappings.bindings(connection_id),
        cls.ERP,
    )
    if problems:
        raise SpecError(problems, "binding")
    store.mappings.bind(connection_id, binding)


def define_field(store: Store, tenant_id: str, definition: CustomFieldDef) -> bool:
    """Create or replace a tenant's definition; True when new."""
    if tenant_id not in {t.id for t in store.connections.list_tenants()}:
        raise NotFound(f"no tenant '{tenant_id}'")
    return store.mappings.define_field(tenant_id, definition)


# -- decisions ---------------------------------------------------------------------------------


def record_decision(
    store: Store,
    connection_id: str,
    object_name: str,
    source: str,
    target: str | None,
    accepted: bool,
    decided_by: str,
) -> SpecVersionView | None:
    """Store a decision; an accepted pair also becomes a rule in a new spec version.

    Returns the new spec version (None when nothing changed in the spec). The decision and the
    spec are validated before either is stored.
    """
    view = store.connections.get(connection_id)
    _object(object_name)
    new_body: str | None = None
    if accepted and target is not None:
        current = store.mappings.current_spec(connection_id, object_name)
        base = load(current.body) if current else MappingSpec(object=object_name)
        spec = base.with_rules([Rule(target=target, source=source)])
        new_body = dump(spec)
        check_spec(store, connection_id, new_body, f"{object_name} spec with {source} -> {target}")
    store.mappings.decide(
        view.tenant_id, connection_id, view.erp, object_name, source, target, accepted, decided_by
    )
    if new_body is None:
        return None
    comment = f"accepted suggestion {source} -> {target}"
    return store.mappings.put_spec(connection_id, object_name, new_body, decided_by, comment)


def decisions_for(
    store: Store, connection_id: str, object_name: str, *, shared: bool
) -> DecisionSet:
    """The tenant's decisions for the connection's ERP object; with `shared`, others' defaults.

    A pair that several other tenants accepted for the same ERP object comes first as a default
    (opt-in: LEDGERHUB_MAPPING_SHARED_DEFAULTS); the tenant's own decisions override it.
    """
    view = store.connections.get(connection_id)
    out = DecisionSet()
    if shared:
        for source, target, _ in store.mappings.shared_acceptances(
            view.erp, object_name, exclude_tenant=view.tenant_id
        ):
            out.add(Decision(source=source, target=target, accepted=True))
    for d in store.mappings.decisions(view.tenant_id, view.erp, object_name):
        out.add(Decision(source=d.source, target=d.target, accepted=d.accepted))
    return out


# -- previews ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """One ERP record: what the ERP sent, the built-in translation, and the spec's result."""

    remote_id: str | None
    raw: dict[str, Any]
    built_in: dict[str, Any]
    mapped: dict[str, Any] | None
    error: str | None

    def changes(self) -> dict[str, tuple[Any, Any]]:
        """Canonical paths whose value the spec changed: (built-in, mapped)."""
        if self.mapped is None:
            return {}
        out: dict[str, tuple[Any, Any]] = {}
        _diff(self.built_in, self.mapped, "", out)
        return out


def _diff(a: Any, b: Any, path: str, out: dict[str, tuple[Any, Any]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            _diff(a.get(key), b.get(key), f"{path}.{key}" if path else str(key), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out[path] = (a, b)


def preview_records(
    connector: Connector, mapping: ConnectionMapping, object_name: str, limit: int
) -> list[Preview]:
    """Read up to `limit` records of `object_name` from the ERP and apply `mapping` to them.

    Reads the first page(s) of the adapter's resources for the object; nothing is stored.
    """
    _object(object_name)
    previous, connector.mapping = connector.mapping, None  # the built-in translation first
    out: list[Preview] = []
    try:
        for resource in connector.RESOURCES:
            if object_name not in resource.objects:
                continue
            for page in connector.read(resource.name, full=True):
                for record in page.records:
                    if object_name != record.OBJECT or len(out) >= limit:
                        continue
                    raw = record.remote_data or {}
                    built_in = record.model_dump(mode="json", exclude={"remote_data"})
                    try:
                        mapped = mapping.read(record, connector.mapping_document(raw))
                        result = mapped.model_dump(mode="json", exclude={"remote_data"})
                        out.append(Preview(record.remote_id, raw, built_in, result, None))
                    except MappingApplyError as exc:
                        out.append(Preview(record.remote_id, raw, built_in, None, str(exc)))
                if len(out) >= limit:
                    break
            if len(out) >= limit:
                break
    finally:
        connector.mapping = previous
    return out


def field_sample(connector: Connector, object_name: str, limit: int = 20) -> list[dict[str, Any]]:
    """Raw ERP records of an object (for suggestions from the connected ERP)."""
    return [p.raw for p in preview_records(connector, ConnectionMapping(), object_name, limit)]
