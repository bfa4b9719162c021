"""`hub mappings check|apply|show|history|preview|accept|reject|decisions` and `hub custom-fields`.

Declarative mapping specs per connection and object, tenant custom fields and their bindings to
each ERP's places, and reviewers' decisions on suggestions (see docs/mappings.md).
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hub.cli.common import (
    JSON_OPTION,
    err,
    friendly_errors,
    get_runtime,
    out,
    print_json,
    table,
    when,
)

if TYPE_CHECKING:
    from hub.store import Store

CONNECTION = typer.Option("--connection", "-c", help="The connection (con_...).")
OBJECT = typer.Option("--object", help="Canonical object: invoice, payment, supplier, ...")
BY = typer.Option("--by", help="Who makes the change (default: the OS user).")


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot read spec file '{path}': {exc.strerror or exc}")
        raise typer.Exit(2) from None


def register_mappings(app: typer.Typer) -> None:
    """Add the spec, preview and decision commands to `hub mappings`."""
    app.command("check")(check)
    app.command("apply")(apply)
    app.command("show")(show)
    app.command("history")(history)
    app.command("preview")(preview)
    app.command("accept")(accept)
    app.command("reject")(reject)
    app.command("decisions")(decisions)


def check(
    spec_file: Annotated[Path, typer.Argument(help="The spec, YAML or JSON.")],
    connection: Annotated[str, CONNECTION],
) -> None:
    """Validate a spec against the canonical model and the connection's ERP fields; store nothing.

    Example: hub mappings check invoice-spec.yaml --connection con_01J...
    """
    from hub.mapping import check_spec

    with friendly_errors():
        spec = check_spec(get_runtime().store, connection, _read(spec_file), str(spec_file))
    out.print(f"{spec_file}: valid, {len(spec.rules)} rule(s) for {spec.object}")


def apply(
    spec_file: Annotated[Path, typer.Argument(help="The spec, YAML or JSON.")],
    connection: Annotated[str, CONNECTION],
    comment: Annotated[str, typer.Option("--comment", "-m", help="Why it changed.")] = "",
    by: Annotated[str | None, BY] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Validate and store a spec as the next version for its object; syncs use it from then on.

    Every record read after it carries the version (`hub records show` prints mapping_version).
    Run `hub sync CONNECTION --full` to re-read what is already stored.

    Example: hub mappings apply invoice-spec.yaml --connection con_01J... -m "PO numbers"
    """
    from hub.mapping import apply_spec

    with friendly_errors():
        view = apply_spec(
            get_runtime().store, connection, _read(spec_file), _who(by), comment, str(spec_file)
        )
    if as_json:
        print_json(view)
        return
    out.print(f"stored {view.object} spec version {view.version} for {connection}")


def show(
    connection: Annotated[str, CONNECTION],
    object_name: Annotated[str, OBJECT],
    version: Annotated[int | None, typer.Option("--version", help="An older version.")] = None,
) -> None:
    """Print a connection's spec for an object (the newest, or --version N).

    Example: hub mappings show --connection con_01J... --object invoice
    """
    store = get_runtime().store
    history = store.mappings.spec_history(connection, object_name)
    chosen = next((v for v in history if version in (None, v.version)), None)
    if chosen is None:
        what = f"version {version} of the" if version else "a"
        err.print(f"[red]error:[/red] {connection} has no {what} {object_name} spec")
        raise typer.Exit(2)
    typer.echo(chosen.body, nl=not chosen.body.endswith("\n"))


def history(
    connection: Annotated[str, CONNECTION],
    object_name: Annotated[str, OBJECT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Every version of a connection's spec for an object, newest first, with who and when.

    Example: hub mappings history --connection con_01J... --object invoice
    """
    rows = get_runtime().store.mappings.spec_history(connection, object_name)
    if as_json:
        print_json(rows)
        return
    table(
        f"{object_name} spec of {connection}",
        ["version", "when", "by", "comment"],
        [(v.version, when(v.created_at), v.created_by, v.comment) for v in rows],
    )


def preview(
    connection: Annotated[str, CONNECTION],
    object_name: Annotated[str, OBJECT],
    spec_file: Annotated[
        Path | None,
        typer.Option("--spec", help="Preview this spec instead of the stored one."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="Records to fetch.")] = 5,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Fetch records from the ERP and show the spec's canonical result beside the raw record.

    Nothing is stored. Shows, per record, each canonical path the spec changes (built-in value
    -> mapped value), or the error that names the path it failed at.

    Example: hub mappings preview --connection con_01J... --object invoice --limit 3
    """
    from hub.mapping import check_spec, connection_mapping, preview_records

    runtime = get_runtime()
    with friendly_errors():
        mapping = connection_mapping(runtime.store, connection)
        if spec_file is not None:
            spec = check_spec(runtime.store, connection, _read(spec_file), str(spec_file))
            if spec.object != object_name:
                raise ValueError(f"{spec_file} is a spec for {spec.object}, not {object_name}")
            mapping.specs[spec.object] = spec
            mapping.versions.pop(spec.object, None)
        previews = preview_records(runtime.connector(connection), mapping, object_name, limit)
    if as_json:
        print_json(
            [
                {
                    "remote_id": p.remote_id,
                    "raw": p.raw,
                    "built_in": p.built_in,
                    "mapped": p.mapped,
                    "error": p.error,
                }
                for p in previews
            ]
        )
        return
    if not previews:
        out.print(f"the ERP returned no {object_name} records")
    for p in previews:
        out.print(f"[bold]{object_name} {p.remote_id}[/bold]")
        if p.error:
            out.print(f"  [red]error:[/red] {p.error}")
            continue
        changes = p.changes()
        if not changes:
            out.print("  the spec changes nothing here")
        for path, (before, after) in changes.items():
            out.print(f"  {path}: {before!r} -> {after!r}")


def _decide(
    connection: str, object_name: str, source: str, target: str | None, ok: bool, by: str | None
) -> None:
    from hub.mapping import record_decision

    with friendly_errors():
        view = record_decision(
            get_runtime().store, connection, object_name, source, target, ok, _who(by)
        )
    verb = "accepted" if ok else "rejected"
    out.print(f"{verb} {source} -> {target or '(none)'} for {object_name} of {connection}")
    if view is not None:
        out.print(f"stored {object_name} spec version {view.version} with the rule")


def accept(
    connection: Annotated[str, CONNECTION],
    object_name: Annotated[str, OBJECT],
    source: Annotated[str, typer.Option("--source", help="The ERP field path.")],
    target: Annotated[
        str | None, typer.Option("--target", help="The canonical path (omit: no counterpart).")
    ] = None,
    by: Annotated[str | None, BY] = None,
) -> None:
    """Accept a suggested mapping: stored per tenant, added to the spec, reused by suggest.

    Example: hub mappings accept -c con_01J... --object invoice --source Reference --target number
    """
    _decide(connection, object_name, source, target, True, by)


def reject(
    connection: Annotated[str, CONNECTION],
    object_name: Annotated[str, OBJECT],
    source: Annotated[str, typer.Option("--source", help="The ERP field path.")],
    target: Annotated[
        str | None, typer.Option("--target", help="The canonical path that is wrong.")
    ] = None,
    by: Annotated[str | None, BY] = None,
) -> None:
    """Reject a suggested mapping: suggest never proposes the pair again for this tenant.

    Example: hub mappings reject -c con_01J... --object invoice --source Url --target number
    """
    _decide(connection, object_name, source, target, False, by)


def decisions(
    connection: Annotated[str, CONNECTION],
    object_name: Annotated[str | None, OBJECT] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The decisions of the connection's tenant on its ERP's fields.

    Example: hub mappings decisions --connection con_01J... --object invoice
    """
    store = get_runtime().store
    with friendly_errors():
        view = store.connections.get(connection)
    rows = store.mappings.decisions(view.tenant_id, view.erp, object_name)
    if as_json:
        print_json(rows)
        return
    table(
        f"Decisions of {view.tenant_id} on {view.erp}",
        ["when", "object", "source", "target", "decision", "by"],
        [
            (
                when(d.created_at),
                d.object,
                d.source,
                d.target or "(none)",
                "accepted" if d.accepted else "rejected",
                d.decided_by,
            )
            for d in rows
        ],
    )


def suggest_input(connection: str, object_name: str) -> tuple[Any, Any]:
    """(field list from the connected ERP's records, decisions) for `hub mappings suggest`."""
    from hub.mapping import decisions_for, field_sample
    from mappings.suggest import field_list_from_sample

    runtime = get_runtime()
    with friendly_errors():
        view = runtime.store.connections.get(connection)
        sample = field_sample(runtime.connector(connection), object_name)
        if not sample:
            raise ValueError(f"{connection} returned no {object_name} records to suggest from")
        fields = field_list_from_sample(
            sample, system=view.erp, object_name=object_name, target_object=object_name
        )
        prior = decisions_for(
            runtime.store,
            connection,
            object_name,
            shared=runtime.settings.mapping_shared_defaults,
        )
    return fields, prior


# -- hub custom-fields ----------------------------------------------------------------------------

fields_app = typer.Typer(
    help="Tenant custom fields: define them, bind them to each ERP's places.", no_args_is_help=True
)


def _tenant(store: Store, tenant: str | None, connection: str | None = None) -> str:
    if connection:
        return store.connections.get(connection).tenant_id
    if tenant:
        return tenant
    tenants = store.connections.list_tenants()
    if len(tenants) == 1:
        return tenants[0].id
    names = ", ".join(t.id for t in tenants) or "none yet"
    raise ValueError(f"give --tenant (tenants: {names})")


TENANT = typer.Option("--tenant", help="The tenant (default: the only one).")


@fields_app.command("define")
def define(
    key: Annotated[str, typer.Argument(help="snake_case key, e.g. cost_center.")],
    field_type: Annotated[
        str, typer.Option("--type", help="string, decimal, integer, date or boolean.")
    ] = "string",
    required: Annotated[
        bool, typer.Option("--required", help="Every write must carry it.")
    ] = False,
    allowed: Annotated[
        str | None, typer.Option("--allowed", help="Comma-separated allowed values.")
    ] = None,
    objects: Annotated[
        str, typer.Option("--objects", help="Comma-separated canonical objects.")
    ] = "invoice",
    level: Annotated[str, typer.Option("--level", help="header or line.")] = "header",
    label: Annotated[str, typer.Option("--label", help="A human name.")] = "",
    tenant: Annotated[str | None, TENANT] = None,
) -> None:
    """Declare (or replace) a custom field; writes are checked against it from then on.

    Example: hub custom-fields define cost_center --level line --allowed Sales,Research --required
    """
    from pydantic import ValidationError

    from hub.mapping import define_field
    from mappings.customfields import CustomFieldDef

    store = get_runtime().store
    with friendly_errors():
        tenant_id = _tenant(store, tenant)
        try:
            definition = CustomFieldDef.model_validate(
                {
                    "key": key,
                    "type": field_type,
                    "required": required,
                    "allowed": [v.strip() for v in (allowed or "").split(",") if v.strip()],
                    "objects": [o.strip() for o in objects.split(",") if o.strip()],
                    "level": level,
                    "label": label,
                }
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "field"
            raise ValueError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
        created = define_field(store, tenant_id, definition)
    out.print(f"{'defined' if created else 'replaced'} custom field {key} for {tenant_id}")


@fields_app.command("list")
def list_fields(
    tenant: Annotated[str | None, TENANT] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The tenant's custom fields.

    Example: hub custom-fields list --json
    """
    store = get_runtime().store
    with friendly_errors():
        rows = store.mappings.fields(_tenant(store, tenant))
    if as_json:
        print_json(rows)
        return
    table(
        "Custom fields",
        ["key", "type", "required", "allowed", "objects", "level"],
        [
            (
                d.key,
                d.type,
                "yes" if d.required else "",
                ", ".join(d.allowed),
                ", ".join(d.objects),
                d.level,
            )
            for d in rows
        ],
    )


@fields_app.command("remove")
def remove(
    key: Annotated[str, typer.Argument(help="The field's key.")],
    tenant: Annotated[str | None, TENANT] = None,
) -> None:
    """Remove a custom field and its bindings (values already in the ERP stay there).

    Example: hub custom-fields remove cost_center
    """
    store = get_runtime().store
    with friendly_errors():
        tenant_id = _tenant(store, tenant)
        if not store.mappings.remove_field(tenant_id, key):
            raise LookupError(f"{tenant_id} has no custom field '{key}'")
    out.print(f"removed custom field {key}")


@fields_app.command("places")
def places(
    connection: Annotated[str, CONNECTION],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Where the connection's ERP can keep custom fields, with its limits.

    Example: hub custom-fields places --connection con_01J...
    """
    from hub.mapping import connector_class

    with friendly_errors():
        cls = connector_class(get_runtime().store, connection)
    rows: list[dict[str, Any]] = [
        {
            "place": p.name,
            "label": p.label,
            "holds": [f"{o} {lv}: {path}" for (o, lv), path in p.paths.items()],
            "param": p.param,
            "example": p.example,
            "limit": p.limit,
            "description": p.description,
        }
        for p in cls.CUSTOM_FIELD_PLACES
    ]
    if as_json:
        print_json(rows)
        return
    table(
        f"Custom-field places of {cls.ERP}",
        ["place", "holds", "--param", "limit", "what"],
        [
            (
                r["place"],
                "\n".join(r["holds"]),
                f"{r['param']} (e.g. {r['example']})" if r["param"] else "",
                r["limit"] or "",
                r["description"],
            )
            for r in rows
        ],
    )


@fields_app.command("bind")
def bind(
    key: Annotated[str, typer.Argument(help="The field's key.")],
    connection: Annotated[str, CONNECTION],
    place: Annotated[str, typer.Option("--place", help="See `hub custom-fields places`.")],
    param: Annotated[
        str | None,
        typer.Option("--param", help="What the place needs: a category name, a field id ..."),
    ] = None,
) -> None:
    """Bind a custom field to one of the ERP's places: written on every write, read on every sync.

    Example: hub custom-fields bind cost_center -c con_01J... --place tracking --param Department
    """
    from hub.mapping import bind_field
    from mappings.customfields import Binding

    with friendly_errors():
        bind_field(get_runtime().store, connection, Binding(key=key, place=place, param=param))
    where = f"{place} {param}" if param else place
    out.print(f"bound {key} to {where} on {connection}")


@fields_app.command("unbind")
def unbind(
    key: Annotated[str, typer.Argument(help="The field's key.")],
    connection: Annotated[str, CONNECTION],
) -> None:
    """Stop carrying a custom field to and from a connection's ERP.

    Example: hub custom-fields unbind cost_center --connection con_01J...
    """
    with friendly_errors():
        if not get_runtime().store.mappings.unbind(connection, key):
            raise LookupError(f"{key} is not bound on {connection}")
    out.print(f"unbound {key} from {connection}")


@fields_app.command("bindings")
def bindings(
    connection: Annotated[str, CONNECTION],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The connection's custom-field bindings.

    Example: hub custom-fields bindings --connection con_01J...
    """
    rows = get_runtime().store.mappings.bindings(connection)
    if as_json:
        print_json(rows)
        return
    table(
        f"Custom-field bindings of {connection}",
        ["key", "place", "param"],
        [(b.key, b.place, b.param or "") for b in rows],
    )


def register(root: typer.Typer) -> None:
    """Attach `hub custom-fields` to the root command."""
    root.add_typer(fields_app, name="custom-fields")
