"""Sending jobs: the one place that imports the actors (and so sets the broker up)."""

from __future__ import annotations


def send_sync(
    connection_id: str, resource: str, run_id: str, correlation_id: str, *, full: bool = False
) -> None:
    """Enqueue a sync job; `full`: a backfill, on its own queue behind incremental work."""
    from hub.jobs import actors

    actor = actors.backfill if full else actors.sync
    actor.send_with_options(
        kwargs={
            "connection_id": connection_id,
            "resource": resource,
            "run_id": run_id,
            "correlation_id": correlation_id,
        }
    )


def enqueue_write(request_id: str) -> None:
    """Enqueue a write job (the worker performs it: `hub.jobs.writes.perform_write`)."""
    from hub.jobs import actors

    actors.write.send_with_options(kwargs={"request_id": request_id})


def send_dispatch() -> None:
    """Enqueue an outbox dispatch."""
    from hub.jobs import actors

    actors.dispatch.send()
