"""`hub broker`: the data directory's embedded broker (Valkey), when no broker is configured."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hub.cli.common import err

app = typer.Typer(
    help="The embedded broker of the data directory: see it, or stop it.", no_args_is_help=True
)


def _embedded() -> Any:
    from hub.broker import EmbeddedServer
    from hub.settings import get_settings

    settings = get_settings()
    if not settings.uses_embedded_broker:
        err.print("LEDGERHUB_BROKER_URL is set: there is no embedded broker to manage")
        raise typer.Exit(2)
    return EmbeddedServer(settings.data_dir / "broker")


@app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show whether the embedded broker runs, where, and which processes use it.

    Example: hub broker status --json
    """
    server = _embedded()
    url = server.running_url()
    users = server.users() if server.directory.is_dir() else []
    if as_json:
        typer.echo(json.dumps({"running": url is not None, "url": url, "users": users}))
        return
    if url is None:
        typer.echo(f"the embedded broker of {server.directory} is not running")
        return
    who = ", ".join(str(pid) for pid in users) or "none"
    typer.echo(f"the embedded broker runs at {url}; processes using it: {who}")


@app.command("stop")
def stop_command(
    force: Annotated[
        bool, typer.Option("--force", help="Stop it even while processes use it.")
    ] = False,
) -> None:
    """Stop the embedded broker (its queued jobs stay in its append-only file).

    Example: hub broker stop

    It stops by itself once the last process using it is gone; this stops it now. While
    workers, `hub serve` or a `hub sync --wait` use it, it refuses unless --force is given,
    and those processes then start it again when they next need it.
    """
    server = _embedded()
    url = server.running_url()
    if url is None:
        typer.echo(f"the embedded broker of {server.directory} is not running")
        return
    users = server.users()
    if users and not force:
        pids = ", ".join(str(pid) for pid in users)
        err.print(f"the embedded broker is in use by process(es) {pids}: stop them, or --force")
        raise typer.Exit(1)
    server.shutdown_running()
    typer.echo(f"stopped the embedded broker at {url}")


def register(root: typer.Typer) -> None:
    """Add `hub broker` to the root command."""
    root.add_typer(app, name="broker")
