"""`hub demo`: the main job, end to end, on embedded defaults."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from hub.cli.common import get_runtime


def demo(
    records: Annotated[int, typer.Option("--records", help="Documents per sandbox.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sandboxes' data.")] = 7,
    processes: Annotated[int, typer.Option("--processes", help="Worker processes.")] = 2,
    threads: Annotated[int, typer.Option("--threads", help="Threads per worker.")] = 4,
) -> None:
    """Run the hub's main job on embedded defaults, end to end.

    Example: hub demo --records 1000

    Validates the sample documents; starts the embedded broker (Valkey) and store (SQLite);
    starts each ERP sandbox and connects it through OAuth; backfills through dramatiq workers;
    changes data in the sandboxes and syncs exactly those changes; writes a bill and replays it;
    binds the tenant's custom fields to each ERP, writes them and reads them back; prints a
    summary. The data stays in the data directory for `hub records list`.
    """
    from hub.demo import run_demo

    run_demo(
        get_runtime(), Console(), records=records, seed=seed, processes=processes, threads=threads
    )


def register(root: typer.Typer) -> None:
    """Add `hub demo`."""
    root.command("demo")(demo)
