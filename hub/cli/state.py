"""`hub state`: where each incremental sync of a connection starts (as `meltano state`).

A resource's state is the adapter's read position (`ReadState`): `next_since` is where the next
incremental pass starts, `page`/`done` a pass in progress. No state means the next sync reads
everything.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from hub.cli.common import err, friendly_errors, get_runtime, print_json

app = typer.Typer(
    help="Sync state (cursors) per connection and resource: read, set, clear.",
    no_args_is_help=True,
)


def _resources(connection_id: str, resource: str | None) -> list[str]:
    from hub.jobs.scheduler import syncable_resources

    view = get_runtime().store.connections.get(connection_id)
    known = syncable_resources(view.erp)
    if resource is None:
        return known
    if resource not in known:
        raise ValueError(f"{view.erp} has no resource '{resource}'; one of {', '.join(known)}")
    return [resource]


@app.command("get")
def get(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    resource: Annotated[str | None, typer.Argument(help="One resource (default: all).")] = None,
) -> None:
    """Print the state of each resource as JSON (null: the next sync reads everything).

    Example: hub state get con_01J... invoices
    """
    with friendly_errors():
        names = _resources(connection_id, resource)
        store = get_runtime().store
        states: dict[str, Any] = {}
        for name in names:
            cursor = store.records.get_cursor(connection_id, name)
            states[name] = json.loads(cursor) if cursor else None
    print_json({"connection": connection_id, "resources": states})


@app.command("set")
def set_state(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    resource: Annotated[str, typer.Argument(help="The resource, e.g. invoices.")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="The next sync reads changes from this ISO 8601 time."),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option("--state", help="A whole state as JSON (as `hub state get` prints one)."),
    ] = None,
) -> None:
    """Set where the next incremental sync of a resource starts.

    Example: hub state set con_01J... invoices --since 2026-01-01T00:00:00Z

    Give --since (the usual case) or --state with the JSON of one resource's state.
    """
    from pydantic import ValidationError

    from connectors.base import ReadState

    if (since is None) == (state is None):
        err.print("[red]error:[/red] give --since or --state (one of them)")
        raise typer.Exit(2)
    with friendly_errors():
        (name,) = _resources(connection_id, resource)
        if since is not None:
            try:
                moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"--since: '{since}' is not an ISO 8601 time") from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            value = ReadState(since=None, next_since=moment.astimezone(UTC), done=True)
        else:
            try:
                value = ReadState.model_validate_json(state or "")
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'state'}: {e['msg']}"
                    for e in exc.errors()
                )
                raise ValueError(f"--state: {problems}") from None
        get_runtime().store.records.set_cursor(connection_id, name, value.dump())
    err.print(
        f"{connection_id} {name}: the next sync starts from {value.next_since or 'the start'}"
    )


@app.command("clear")
def clear(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    resource: Annotated[str | None, typer.Argument(help="One resource (default: all).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Forget the state: the next sync of each resource reads everything again.

    Example: hub state clear con_01J... invoices --yes
    """
    with friendly_errors():
        names = _resources(connection_id, resource)
        if not yes:
            typer.confirm(
                f"Clear the state of {', '.join(names)}? The next sync reads everything.",
                abort=True,
                err=True,
            )
        store = get_runtime().store
        for name in names:
            store.records.set_cursor(connection_id, name, None)
    err.print(f"{connection_id}: cleared {', '.join(names)}")


def register(root: typer.Typer) -> None:
    """Add `hub state`."""
    root.add_typer(app, name="state")
