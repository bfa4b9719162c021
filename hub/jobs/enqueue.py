"""Sending jobs through a given runtime's broker, by actor name.

The API and the webhook delivery send with the runtime they were built over (a test's or a
server's), not the process-wide one `hub.jobs.sender` sets up by importing the actors: a job
reaches the broker the caller's settings name, whatever else the process has configured.
"""

from __future__ import annotations

from functools import partial

import dramatiq

from hub.jobs.runtime import Runtime
from hub.jobs.scheduler import Enqueue


def enqueue(
    runtime: Runtime,
    actor_name: str,
    queue: str,
    kwargs: dict[str, object],
    delay_ms: int | None = None,
) -> None:
    """Put one message for `actor_name` on `queue` (after `delay_ms`)."""
    broker = runtime.broker
    broker.declare_queue(queue)
    message: dramatiq.Message[object] = dramatiq.Message(
        queue_name=queue, actor_name=actor_name, args=(), kwargs=kwargs, options={}
    )
    broker.enqueue(message, delay=delay_ms or None)


def _sync(
    runtime: Runtime, full: bool, connection_id: str, resource: str, run_id: str, corr: str
) -> None:
    kwargs: dict[str, object] = {
        "connection_id": connection_id,
        "resource": resource,
        "run_id": run_id,
        "correlation_id": corr,
    }
    if full:  # a backfill: its own queue and actor, behind incremental syncs and writes
        enqueue(runtime, "backfill", "backfill", kwargs)
    else:
        enqueue(runtime, "sync", "sync", kwargs)


def sync_sender(runtime: Runtime, *, full: bool = False) -> Enqueue:
    """An `enqueue_sync` sender over this runtime's broker."""
    return partial(_sync, runtime, full)


def enqueue_write(runtime: Runtime, request_id: str) -> None:
    """Enqueue the sending of a write request."""
    enqueue(runtime, "write", "write", {"request_id": request_id})


def send_deliveries(runtime: Runtime, endpoint_id: str, delay_ms: int = 0) -> None:
    """Enqueue a webhook delivery round for an endpoint, after `delay_ms`."""
    enqueue(runtime, "deliver_webhooks", "webhooks", {"endpoint_id": endpoint_id}, delay_ms)
