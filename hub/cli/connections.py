"""`hub connections` and `hub connectors`: configure ERP connections and see what adapters do."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.cli.common import JSON_OPTION, err, friendly_errors, get_runtime, print_json, table, when

app = typer.Typer(help="Create, list, show and remove ERP connections.", no_args_is_help=True)
connectors_app = typer.Typer(help="The installed ERP adapters.", no_args_is_help=True)


@app.command("add")
def add(
    erp: Annotated[str, typer.Argument(help="The adapter, e.g. xero.")],
    base_url: Annotated[str, typer.Option("--base-url", help="The ERP's or sandbox's base URL.")],
    client_id: Annotated[str, typer.Option("--client-id", help="OAuth client id.")],
    client_secret: Annotated[
        str,
        typer.Option(
            "--client-secret", help="OAuth client secret.", envvar="LEDGERHUB_CLIENT_SECRET"
        ),
    ],
    name: Annotated[str | None, typer.Option("--name", help="A display name.")] = None,
    grant: Annotated[
        str, typer.Option("--grant", help="client_credentials or authorization_code.")
    ] = "client_credentials",
    redirect_uri: Annotated[
        str | None, typer.Option("--redirect-uri", help="Callback URL (authorization_code).")
    ] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", help="The ERP's tenant id.")] = None,
    sync: Annotated[
        bool, typer.Option("--sync/--no-sync", help="Start the first backfill.")
    ] = True,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Create a connection and authorize it; then the first backfill starts.

    Example (machine-to-machine):
      hub connections add xero --base-url http://127.0.0.1:8701 \
        --client-id demo --client-secret s3cret

    With --grant authorization_code the command prints the authorization URL; approve in the
    browser and paste the URL you are redirected to. Credentials are stored encrypted.
    """
    from hub.connect import (
        authorize_client_credentials,
        begin_authorization,
        complete_authorization,
        create_connection,
        discard,
    )

    runtime = get_runtime()
    with friendly_errors():
        view = create_connection(
            runtime,
            erp=erp,
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            display_name=name,
            grant=grant,
            remote_tenant_id=tenant,
            redirect_uri=redirect_uri,
        )
        try:
            if grant == "client_credentials":
                view = authorize_client_credentials(runtime, view.id)
            else:
                pending = begin_authorization(runtime, view.id)
                err.print(f"Open this URL and approve access:\n  {pending.request.url}")
                callback = typer.prompt("Paste the URL you were redirected to", err=True)
                view = complete_authorization(runtime, pending, callback)
        except BaseException:
            discard(runtime, view.id)  # a failed add leaves nothing behind
            raise
        if sync:
            from hub.jobs.scheduler import enqueue_sync, syncable_resources
            from hub.jobs.sender import send_full_sync

            for resource in syncable_resources(view.erp):
                enqueue_sync(runtime, view.id, resource, send_full_sync, full=True)
    if as_json:
        print_json(view)
    else:
        err.print(f"connection [bold]{view.id}[/bold] is {view.status} ({view.display_name})")
        if sync:
            err.print("the first backfill is queued: run `hub worker` to process it")


@app.command("list")
def list_connections(as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """List connections.

    Example: hub connections list --json
    """
    views = get_runtime().store.connections.list()
    if as_json:
        print_json([v.model_dump(mode="json") for v in views])
        return
    rows = [
        (v.id, v.erp, v.status, v.remote_tenant_id, v.display_name, when(v.created_at))
        for v in views
    ]
    table(
        "Connections",
        ["id", "erp", "status", "erp tenant", "name", "created"],
        rows,
        optional=["created", "name"],
    )


@app.command("show")
def show(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Show one connection, its cursors and its last runs (never its secrets).

    Example: hub connections show con_01J...
    """
    runtime = get_runtime()
    with friendly_errors():
        view = runtime.store.connections.get(connection_id)
    runs = runtime.store.runs.list(connection_id, limit=20)
    if as_json:
        print_json({"connection": view, "runs": runs})
        return
    table("Connection", ["field", "value"], [(k, v) for k, v in view.model_dump().items()])
    rows = [
        (
            r.object,
            r.mode,
            r.status,
            r.pages,
            r.created,
            r.updated,
            r.unchanged,
            r.deleted,
            when(r.started_at),
        )
        for r in runs
    ]
    table(
        "Last runs",
        [
            "resource",
            "mode",
            "status",
            "pages",
            "created",
            "updated",
            "unchanged",
            "deleted",
            "started",
        ],
        rows,
    )


@app.command("remove")
def remove(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    keep_records: Annotated[
        bool,
        typer.Option("--keep-records", help="Keep its records, their ids and its events."),
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Remove a connection with its tokens, cursors, runs, cases and (by default) records.

    Example: hub connections remove con_01J... --yes

    Everything goes in one transaction; --keep-records keeps the records it synced, their hub
    ids and its events (as history). Without --yes the command asks first.
    """
    runtime = get_runtime()
    with friendly_errors():
        view = runtime.store.connections.get(connection_id)
        if not yes:
            what = "its tokens, cursors, runs and cases" if keep_records else "everything synced"
            typer.confirm(
                f"Remove {view.id} ({view.display_name}) and {what}?", abort=True, err=True
            )
        removed = runtime.store.connections.remove(connection_id, keep_records=keep_records)
    runtime.forget(connection_id)
    if as_json:
        print_json({"removed": connection_id, "rows": removed})
        return
    counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in removed.items() if n)
    err.print(f"removed {connection_id}" + (f" ({counts})" if counts else ""))


@connectors_app.command("list")
def list_adapters(as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """List installed adapters with their resources and writable objects.

    Example: hub connectors list --json
    """
    from connectors.registry import adapters

    specs = adapters()
    if as_json:
        print_json([s.capabilities().as_dict() for s in specs.values()])
        return
    for spec in specs.values():
        caps = spec.capabilities()
        rows = [
            (
                r.name,
                ", ".join(r.objects),
                "yes" if r.incremental else "",
                r.deletes or "",
                r.description,
            )
            for r in caps.resources
        ]
        table(
            f"{caps.title}: writes {', '.join(caps.writes)}",
            ["resource", "objects", "incremental", "deletes", "description"],
            rows,
        )


def register(root: typer.Typer) -> None:
    """Add `hub connections` and `hub connectors`."""
    root.add_typer(app, name="connections")
    root.add_typer(connectors_app, name="connectors")
