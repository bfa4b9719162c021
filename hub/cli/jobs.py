"""`hub worker`, `hub scheduler`, `hub sync`: run and trigger the background jobs."""

from __future__ import annotations

import os
import signal
import sys
import threading
from functools import partial
from typing import Annotated, Any

import typer

from hub.cli.common import JSON_OPTION, err, friendly_errors, get_runtime, print_json


def worker(
    processes: Annotated[
        int | None, typer.Option("--processes", "-p", help="Worker processes (default: setting).")
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", "-t", help="Threads per process (default: setting).")
    ] = None,
    queues: Annotated[
        str | None,
        typer.Option(
            "--queues", "-Q", help="Only these queues: sync,backfill,write,dispatch,webhooks."
        ),
    ] = None,
    exit_with_parent: Annotated[
        bool,
        typer.Option(
            "--exit-with-parent",
            help="Stop (gracefully) when the process that started this one dies, even by "
            "kill -9: for a program that runs workers as its children (hub demo does).",
        ),
    ] = False,
) -> None:
    """Run dramatiq workers that process sync, write and dispatch jobs.

    Example: hub worker --processes 2 --threads 4

    Without LEDGERHUB_BROKER_URL the workers use the embedded broker of the data directory
    (started if nobody runs it yet). Stop with Ctrl-C: jobs in progress finish or are redelivered.
    """
    from dramatiq.cli import main as dramatiq_main

    from hub.broker import embedded_env

    runtime = get_runtime()
    settings = runtime.settings
    with friendly_errors():
        runtime.store  # noqa: B018 - refuse to start without the key the credentials need
    if settings.uses_embedded_broker:
        os.environ.update(embedded_env(settings))
    if exit_with_parent:
        from hub.lifeline import watch_parent

        watch_parent()  # SIGTERM to this master, which stops its worker processes in turn
    args = [
        "dramatiq",
        "hub.jobs.actors",
        "--processes",
        str(processes or settings.worker_processes),
        "--threads",
        str(threads or settings.worker_threads),
    ]
    if queues:
        args += ["--queues", *queues.split(",")]
    sys.argv = args
    raise typer.Exit(dramatiq_main())  # type: ignore[no-untyped-call]


def scheduler(
    interval: Annotated[
        int | None, typer.Option("--interval", help="Seconds between incremental syncs.")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Run one round and exit.")] = False,
) -> None:
    """Enqueue incremental syncs of every active connection on an interval.

    Example: hub scheduler --interval 300

    Run one or several (for availability): one leader acts at a time, and a (connection,
    resource) never has two runs at once.
    """
    from hub.jobs.scheduler import Scheduler
    from hub.jobs.sender import send_sync

    runtime = get_runtime()
    sched = Scheduler(runtime, send_sync, float(interval or runtime.settings.sync_interval_seconds))
    if once:
        enqueued = sched.tick()
        err.print(f"enqueued {len(enqueued)} syncs")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    err.print(f"scheduler {sched.identity[:8]} running; Ctrl-C to stop")
    try:
        sched.run(stop)
    finally:
        sched.resign()


def sync(
    connection_id: Annotated[str, typer.Argument(help="The connection id (con_...).")],
    resource: Annotated[
        str | None,
        typer.Option(
            "--resource",
            "-r",
            help="One ERP resource, e.g. invoices (default: every one; see hub connectors list).",
        ),
    ] = None,
    old_object: Annotated[
        str | None, typer.Option("--object", hidden=True, help="Former name of --resource.")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Read everything, not just changes.")
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="Run here and now instead of enqueuing; exit 1 when a record or run failed.",
        ),
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Sync a connection now: enqueue jobs for the workers, or run them here with --wait.

    Example: hub sync con_01J... --resource invoices --full --wait

    With --wait each resource's counts are printed with the records that could not be stored
    and the exception cases they are in (`hub exceptions show CASE`); the exit status is 1 when
    any record or run failed. A resource whose last run lost its process (a killed worker or
    `hub sync --wait`) resumes that run; one with a live run is left to it (--wait waits for
    it, then syncs).
    """
    from hub.jobs.scheduler import enqueue_sync, syncable_resources

    runtime = get_runtime()
    resource = resource or old_object
    failures = 0
    with friendly_errors():
        view = runtime.store.connections.get(connection_id)
        known = syncable_resources(view.erp)
        if resource is not None and resource not in known:
            raise ValueError(
                f"--resource: {view.erp} has no resource '{resource}'; one of {', '.join(known)}"
            )
        resources = [resource] if resource else known
        results: list[dict[str, Any]] = []
        for name in resources:
            if wait:
                from hub.jobs.dispatch import dispatch_pending
                from hub.jobs.sync import sync_resource

                def waiting(run: Any, name: str = name) -> None:
                    held = f" ({run.id}, started {run.started_at:%H:%M:%S} UTC)" if run else ""
                    err.print(f"{name}: waiting for the run in progress{held} to finish")

                try:
                    outcome = sync_resource(
                        runtime, connection_id, name, full=full, on_wait=waiting
                    )
                except Exception as exc:
                    from connectors.errors import ConnectorError

                    if not isinstance(exc, ConnectorError):
                        raise
                    failures += 1
                    case = runtime.store.cases.open_from_error(
                        exc, connection_id=connection_id, object_name=name, source="sync"
                    )
                    results.append(
                        {"resource": name, "error": f"{exc.category}: {exc}", "cases": [case.id]}
                    )
                    continue
                dispatch_pending(runtime)
                run = outcome.run
                if outcome.failed or (run is not None and run.status == "failed"):
                    failures += 1
                results.append(
                    {
                        "resource": name,
                        "run": run,
                        "skipped": outcome.skipped,
                        "failed": outcome.failed,
                        "cases": list(outcome.cases),
                    }
                )
            else:
                from hub.jobs.sender import send_sync

                send = partial(send_sync, full=full)
                run_id = enqueue_sync(runtime, connection_id, name, send, full=full)
                results.append({"resource": name, "run_id": run_id, "queued": run_id is not None})
    if as_json:
        print_json(results)
    else:
        for row in results:
            _print_sync_row(row)
    if failures:
        raise typer.Exit(1)


def _print_sync_row(row: dict[str, Any]) -> None:
    run = row.get("run")
    cases = ", ".join(row.get("cases", []))
    if "error" in row:
        err.print(f"{row['resource']}: [red]failed[/red] ({row['error']}); case {cases}")
    elif run is not None:
        status = "[red]failed[/red]" if run.status == "failed" else run.status
        line = (
            f"{row['resource']}: {status}, {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.deleted} deleted"
        )
        if row.get("skipped"):
            line += " (another run was in progress: its counts so far)"
        if row.get("failed"):
            line += f", [red]{row['failed']} failed[/red] (see hub exceptions show {cases})"
        err.print(line)
    elif row.get("queued"):
        err.print(f"{row['resource']}: queued as {row['run_id']}")
    else:
        err.print(
            f"{row['resource']}: a run is already in progress (its worker is alive); "
            "`hub sync --wait` waits for it"
        )


def register(root: typer.Typer) -> None:
    """Add `hub worker`, `hub scheduler` and `hub sync`."""
    root.command("worker")(worker)
    root.command("scheduler")(scheduler)
    root.command("sync")(sync)
