"""`hub runs`: the history of sync runs, and following them live."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Annotated

import typer

from hub.cli.common import JSON_OPTION, get_runtime, print_json, table, when

if TYPE_CHECKING:
    from hub.store import SyncRunView

app = typer.Typer(help="Sync runs: what ran, how many records, how long, how it ended.")

STATUSES = ("running", "succeeded", "failed")


def _seconds(run: SyncRunView) -> str:
    if run.finished_at is None:
        return ""
    return f"{(run.finished_at - run.started_at).total_seconds():.1f}"


def _row(run: SyncRunView) -> tuple[object, ...]:
    return (
        run.id,
        run.connection_id,
        run.object,
        run.mode,
        run.status,
        run.created,
        run.updated,
        run.unchanged,
        run.deleted,
        run.pages,
        when(run.started_at),
        _seconds(run),
        run.error or "",
    )


COLUMNS = [
    "run", "connection", "resource", "mode", "status", "created", "updated", "unchanged",
    "deleted", "pages", "started", "seconds", "error",
]  # fmt: skip


def _line(run: SyncRunView) -> str:
    counts = f"{run.created}+ {run.updated}~ {run.unchanged}= {run.deleted}-"
    tail = f" {_seconds(run)} s" if run.finished_at else ""
    error = f" error: {run.error}" if run.error else ""
    return (
        f"{when(run.started_at)} {run.id} {run.connection_id} {run.object} {run.mode} "
        f"{run.status} {counts} {run.pages} pages{tail}{error}"
    )


@app.command("list")
def runs_list(
    connection: Annotated[
        str | None, typer.Option("--connection", help="Only this connection.")
    ] = None,
    resource: Annotated[
        str | None, typer.Option("--resource", "-r", help="Only this resource, e.g. invoices.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="running, succeeded or failed.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first.")] = 50,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", "-f", help="Keep watching: one line per new run or change (Ctrl-C stops)."
        ),
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between looks with --follow.")
    ] = 1.0,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List sync runs, newest first: counts, pages, duration and how each ended.

    Example: hub runs list --connection con_01J... --status failed

    Example: hub runs list --follow

    With --follow the command prints one line per run as it starts, progresses and ends (JSON
    lines with --json), until Ctrl-C.
    """
    if status is not None and status not in STATUSES:
        from hub.cli.common import err

        err.print(f"[red]error:[/red] --status must be one of {', '.join(STATUSES)}")
        raise typer.Exit(2)
    store = get_runtime().store

    def fetch() -> list[SyncRunView]:
        runs = store.runs.list(connection, resource, limit=limit)
        return [r for r in runs if status is None or r.status == status]

    runs = fetch()
    if not follow:
        if as_json:
            print_json(runs)
        else:
            table("Sync runs", COLUMNS, [_row(r) for r in runs], optional=["error", "mode"])
        return
    seen: dict[str, SyncRunView] = {}
    try:
        while True:
            for run in sorted(runs, key=lambda r: (r.started_at, r.id)):
                if seen.get(run.id) != run:
                    seen[run.id] = run
                    text = json.dumps(run.model_dump(mode="json")) if as_json else _line(run)
                    typer.echo(text)
            time.sleep(interval)
            runs = fetch()
    except KeyboardInterrupt:
        return


def register(root: typer.Typer) -> None:
    """Add `hub runs`."""
    root.add_typer(app, name="runs", no_args_is_help=True)
