"""`hub tenants` and `hub keys`: bootstrap API access from the command line.

The API manages keys once a first admin key exists; these commands make that first one (and
help when a key is lost).
"""

from __future__ import annotations

from typing import Annotated

import typer

from hub.cli.common import JSON_OPTION, err, friendly_errors, get_runtime, print_json, table, when

tenants_app = typer.Typer(help="The hub's tenants (API customers).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)

TENANT_OPTION = typer.Option("--tenant", help="The tenant id (ten_...).")


@tenants_app.command("create")
def create_tenant(
    name: Annotated[str, typer.Argument(help="A name for the tenant.")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Create a tenant; its id is what `hub keys create --tenant` takes.

    Example: hub tenants create acme --json
    """
    view = get_runtime().store.connections.create_tenant(name)
    if as_json:
        print_json(view)
    else:
        err.print(f"tenant [bold]{view.id}[/bold] ({view.name})")


@tenants_app.command("list")
def list_tenants(as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """List tenants.

    Example: hub tenants list
    """
    views = get_runtime().store.connections.list_tenants()
    if as_json:
        print_json(views)
        return
    table("Tenants", ["id", "name", "created"], [(v.id, v.name, when(v.created_at)) for v in views])


@keys_app.command("create")
def create_key(
    tenant: Annotated[str, TENANT_OPTION],
    scope: Annotated[str, typer.Option("--scope", help="read, write or admin.")] = "admin",
    name: Annotated[str, typer.Option("--name", help="What the key is for.")] = "",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Create an API key and print it once (only its digest is stored).

    Example: hub keys create --tenant ten_01J... --scope admin --json
    """
    runtime = get_runtime()
    with friendly_errors():
        tenants = {t.id for t in runtime.store.connections.list_tenants()}
        if tenant not in tenants:
            raise LookupError(f"no tenant {tenant} (see `hub tenants list`)")
        view, key = runtime.store.api_keys.create(tenant, scope, name)
    if as_json:
        print_json({**view.model_dump(mode="json"), "key": key})
        return
    err.print(f"key [bold]{view.id}[/bold] ({view.scope}) for {tenant}; it is shown only now:")
    typer.echo(key)


@keys_app.command("list")
def list_keys(
    tenant: Annotated[str, TENANT_OPTION],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List a tenant's active keys (never the keys themselves).

    Example: hub keys list --tenant ten_01J...
    """
    views = get_runtime().store.api_keys.list(tenant)
    if as_json:
        print_json(views)
        return
    rows = [(v.id, v.scope, v.prefix + "...", v.name, when(v.last_used_at)) for v in views]
    table("API keys", ["id", "scope", "starts with", "name", "last used"], rows)


@keys_app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key id (key_...).")],
    tenant: Annotated[str, TENANT_OPTION],
) -> None:
    """Revoke a key at once.

    Example: hub keys revoke key_01J... --tenant ten_01J...
    """
    with friendly_errors():
        get_runtime().store.api_keys.revoke(tenant, key_id)
    err.print(f"revoked {key_id}")


def register(root: typer.Typer) -> None:
    """Add `hub tenants` and `hub keys`."""
    root.add_typer(tenants_app, name="tenants")
    root.add_typer(keys_app, name="keys")
