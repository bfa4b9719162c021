"""`hub connections` and `hub connectors`: configure ERP connections and see what adapters do."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from hub.cli.common import (
    JSON_OPTION,
    err,
    friendly_errors,
    get_runtime,
    name_values,
    print_json,
    table,
    when,
)

app = typer.Typer(help="Create, list, show and remove ERP connections.", no_args_is_help=True)
connectors_app = typer.Typer(help="The installed ERP adapters.", no_args_is_help=True)


class _AddCommand(TyperCommand):
    """`connections add`, whose help ends with each installed ERP's auth modes and fields."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Build the per-ERP credentials list when help is asked for (adapters load then)."""
        from connectors.registry import adapters

        lines = ["Credentials by ERP and auth mode (--auth-mode; secrets marked *):\n\n"]
        for spec in adapters().values():
            for mode in spec.connector.AUTH_MODES:
                fields = ", ".join(
                    f"{name}{'*' if secret else ''}" for name, _, secret in mode.fields()
                )
                lines.append(f"  {spec.name} {mode.name}: {fields} - {mode.description}\n\n")
        self.epilog = "".join(lines)
        super().format_help(ctx, formatter)


def _ask_credentials(
    erp: str, mode_name: str | None, grant: str, given: dict[str, str], interactive: bool
) -> tuple[str, dict[str, str]]:
    """The auth mode and every field of its credentials model, asking for the missing ones."""
    from hub.connect import auth_mode_of

    mode = auth_mode_of(erp, mode_name, None if mode_name else grant)
    known = {name for name, _, _ in mode.fields()}
    unknown = sorted(set(given) - known)
    if unknown:
        raise typer.BadParameter(
            f"the {erp} {mode.name} mode has no field {', '.join(unknown)} "
            f"(fields: {', '.join(sorted(known))})",
            param_hint="--credential",
        )
    values = dict(given)
    for name, description, secret in mode.fields():
        if name not in values:
            if not interactive:
                raise typer.BadParameter(
                    f"missing {name} ({description}) for the {erp} {mode.name} mode",
                    param_hint=f"--credential {name}=...",
                )
            values[name] = typer.prompt(f"{name} ({description})", hide_input=secret)
    return mode.name, values


def _pairs(items: list[str]) -> dict[str, str]:
    return name_values(items, "--credential")


@app.command("add", cls=_AddCommand)
def add(
    erp: Annotated[str, typer.Argument(help="The adapter, e.g. xero.")],
    base_url: Annotated[str, typer.Option("--base-url", help="The ERP's or sandbox's base URL.")],
    client_id: Annotated[
        str | None, typer.Option("--client-id", help="OAuth client id (an OAuth mode's field).")
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret",
            help="OAuth client secret (an OAuth mode's field).",
            envvar="LEDGERHUB_CLIENT_SECRET",
        ),
    ] = None,
    credential: Annotated[
        list[str] | None,
        typer.Option(
            "--credential",
            "-c",
            help="A credentials field as NAME=VALUE (repeat); missing fields are asked for.",
        ),
    ] = None,
    auth_mode: Annotated[
        str | None,
        typer.Option("--auth-mode", help="The adapter's auth mode (see the list below)."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A display name.")] = None,
    grant: Annotated[
        str,
        typer.Option(
            "--grant", help="client_credentials or authorization_code (without --auth-mode)."
        ),
    ] = "client_credentials",
    redirect_uri: Annotated[
        str | None, typer.Option("--redirect-uri", help="Callback URL (authorization_code).")
    ] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", help="The ERP's tenant id.")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="An OAuth scope to ask for (repeat). Default: what the adapter reads and writes "
            "(see hub connectors spec ERP).",
        ),
    ] = None,
    sync: Annotated[
        bool, typer.Option("--sync/--no-sync", help="Start the first backfill.")
    ] = True,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt: a missing field is an error.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    r"""Create a connection and authorize it; then the first backfill starts.

    Example (machine-to-machine):
      hub connections add xero --base-url https://api.xero.com \
        --client-id ID --client-secret SECRET

    The base URL must be http(s) and reach a public address; an ERP on loopback (a sandbox) or
    a private network must be listed in LEDGERHUB_ERP_ALLOWED_HOSTS (link-local and cloud
    metadata addresses are always refused).

    Each ERP declares its auth modes and the credentials each needs (listed below): give them
    with --credential NAME=VALUE, or be asked (secrets without echo). With an interactive mode
    (authorization_code) the command prints the authorization URL; approve in the browser and
    paste the URL you are redirected to. Credentials are stored encrypted.
    """
    from hub.connect import (
        authorize_client_credentials,
        begin_authorization,
        complete_authorization,
        create_connection,
        discard,
    )

    given = _pairs(credential or [])
    if client_id is not None:
        given.setdefault("client_id", client_id)
    if client_secret is not None:
        given.setdefault("client_secret", client_secret)
    runtime = get_runtime()
    with friendly_errors():
        mode_name, values = _ask_credentials(erp, auth_mode, grant, given, not no_input)
        view = create_connection(
            runtime,
            erp=erp,
            base_url=base_url,
            credentials=values,
            auth_mode=mode_name,
            display_name=name,
            remote_tenant_id=tenant,
            redirect_uri=redirect_uri,
            scopes=[part for item in scope or [] for part in item.split()] or None,
        )
        try:
            if not runtime.connector(view.id).auth_mode.interactive:
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
            from hub.jobs.sender import send_sync

            for resource in syncable_resources(view.erp):
                enqueue_sync(runtime, view.id, resource, partial(send_sync, full=True), full=True)
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


@app.command("check")
def check(
    target: Annotated[
        str, typer.Argument(help="A connection id (con_...), or an adapter to try credentials.")
    ],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="New credentials: the ERP's base URL.")
    ] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="OAuth client id.")] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret", help="OAuth client secret.", envvar="LEDGERHUB_CLIENT_SECRET"
        ),
    ] = None,
    credential: Annotated[
        list[str] | None,
        typer.Option("--credential", "-c", help="A credentials field as NAME=VALUE (repeat)."),
    ] = None,
    auth_mode: Annotated[
        str | None, typer.Option("--auth-mode", help="The adapter's auth mode.")
    ] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", help="The ERP's tenant id.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    r"""Test credentials against the ERP: sign in, find the tenant, read each resource.

    Example: hub connections check con_01J...

    Example (before adding a connection; nothing is stored):
      hub connections check xero --base-url http://127.0.0.1:8790 \
        --client-id demo --client-secret demo-secret

    Exit status 0 when every step passed, 1 when one failed (the step and the ERP's reason are
    printed), 2 for bad arguments. Reading each resource's first page proves the granted
    scopes cover what the hub syncs.
    """
    from hub.check import check_connector, check_credentials

    runtime = None
    with friendly_errors():
        if target.startswith("con_"):
            runtime = get_runtime()
            view = runtime.store.connections.get(target)
            connector = runtime.connector(view.id)
            report = check_connector(connector, sign_in=not connector.auth_mode.interactive)
        else:
            if base_url is None:
                raise ValueError(f"--base-url is required to check new {target} credentials")
            given = _pairs(credential or [])
            if client_id is not None:
                given.setdefault("client_id", client_id)
            if client_secret is not None:
                given.setdefault("client_secret", client_secret)
            report = check_credentials(
                target, base_url=base_url, credentials=given, auth_mode=auth_mode, tenant=tenant
            )
    if as_json:
        print_json(report.as_dict())
    else:
        for step, ok, detail in report.steps:
            mark = "[green]ok[/green]  " if ok else "[red]FAIL[/red]"
            err.print(f"{mark} {step}: {detail}")
    if not report.ok:
        raise typer.Exit(1)


@app.command("schedule")
def schedule(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    cron: Annotated[
        str | None, typer.Argument(help="A cron expression (UTC), e.g. '*/15 * * * *'.")
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Back to the scheduler's interval.")
    ] = False,
) -> None:
    """Set when the scheduler syncs a connection: a cron expression, in UTC.

    Example: hub connections schedule con_01J... '0 */2 * * *'

    Without one (or with --clear) the connection syncs every LEDGERHUB_SYNC_INTERVAL_SECONDS.
    """
    from croniter import croniter

    if (cron is None) == (not clear):
        err.print("[red]error:[/red] give a cron expression, or --clear")
        raise typer.Exit(2)
    if cron is not None and not croniter.is_valid(cron):
        err.print(f"[red]error:[/red] '{cron}' is not a cron expression (e.g. '*/15 * * * *')")
        raise typer.Exit(2)
    runtime = get_runtime()
    with friendly_errors():
        view = runtime.store.connections.get(connection_id)
        options = {**view.options, "schedule": cron}
        if cron is None:
            options.pop("schedule", None)
        runtime.store.connections.update(connection_id, options=options)
    err.print(f"{connection_id} syncs " + (f"on '{cron}' (UTC)" if cron else "on the interval"))


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


@connectors_app.command("spec")
def spec(
    erp: Annotated[str, typer.Argument(help="The adapter, e.g. xero.")],
) -> None:
    """Print an adapter's specification as JSON: auth modes with their credentials' JSON
    Schemas, resources, writable objects and default scopes.

    Example: hub connectors spec xero
    """
    from connectors.registry import get_adapter

    with friendly_errors():
        adapter = get_adapter(erp)
    connector = adapter.connector
    modes = [
        {
            "name": mode.name,
            "description": mode.description,
            "grant": mode.grant,
            "interactive": mode.interactive,
            "credentials": mode.credentials.model_json_schema(),
        }
        for mode in connector.AUTH_MODES
    ]
    print_json(
        {
            "erp": adapter.name,
            "title": adapter.title,
            "auth_modes": modes,
            "default_scopes": list(adapter.default_scopes),
            "writes": list(connector.WRITES),
            "resources": connector.capabilities().as_dict()["resources"],
        }
    )


def register(root: typer.Typer) -> None:
    """Add `hub connections` and `hub connectors`."""
    root.add_typer(app, name="connections")
    root.add_typer(connectors_app, name="connectors")
