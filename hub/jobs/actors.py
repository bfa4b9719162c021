"""The hub's dramatiq actors: thin functions of ids. Importing this module sets up the broker.

dramatiq hub.jobs.actors          # what `hub worker` runs
"""

from __future__ import annotations

import logging
import time
from typing import Any

import dramatiq

from connectors.errors import ConnectorError
from hub.jobs.policy import JobSubject
from hub.jobs.runtime import get_runtime
from hub.logging import log_context, setup_logging
from hub.settings import Settings
from hub.store import JOB_REF, Store

_runtime = get_runtime()
# A worker process logs like every hub process: structured, redacted, with the job's ids.
for _handler in list(logging.getLogger().handlers):
    logging.getLogger().removeHandler(_handler)
setup_logging(_runtime.settings)
dramatiq.set_broker(_runtime.broker)

SYNC_QUEUE = "sync"
BACKFILL_QUEUE = "backfill"
BACKFILL_PRIORITY = 100
"""Backfills (full syncs) come after incremental syncs and writes. Their own queue: a backlog of
backfills never stands between the `sync` and `write` queues' consumers and their messages.
A lower priority (dramatiq hands a free worker thread the lowest number first among the
messages the worker holds; other actors have 0): a thread that finishes takes a waiting
incremental sync or write before the next backfill."""
WRITE_QUEUE = "write"
DISPATCH_QUEUE = "dispatch"
WEBHOOK_QUEUE = "webhooks"


log = logging.getLogger("ledgerhub.jobs")

# Expected ERP failures are logged in one line (by the failure policy); only bugs get a traceback.
EXPECTED = (ConnectorError,)


def _sync_subject(kwargs: dict[str, Any], store: Store, settings: Settings) -> JobSubject:
    run_id = kwargs.get("run_id")

    def give_up(exc: BaseException) -> None:
        # A run left "running" would keep the scheduler and `hub exceptions retry` from
        # starting another for the pair until the job time limit passed.
        run = store.runs.get(run_id) if run_id else None
        if run is not None and run.status == "running":
            store.runs.finish(run.id, error=f"{type(exc).__name__}: {exc}")

    def requeued(delay_ms: int) -> None:
        # The job will be back: its run stays owned meanwhile, not taken for dead.
        if run_id:
            store.runs.renew(run_id, delay_ms + settings.run_lock_ttl_ms)

    return JobSubject(
        kwargs.get("connection_id"), kwargs.get("resource"), JOB_REF, "sync", give_up, requeued
    )


def _write_subject(kwargs: dict[str, Any], store: Store, settings: Settings) -> JobSubject:
    request_id = str(kwargs.get("request_id"))
    request = store.writes.get(request_id)

    def give_up(exc: BaseException) -> None:
        category = getattr(exc, "category", "internal")
        store.writes.fail(request_id, error=str(exc), category=category, final=True)

    return JobSubject(request.connection_id, request.object, request_id, "write", give_up)


@dramatiq.actor(
    queue_name=SYNC_QUEUE,
    time_limit=_runtime.settings.job_time_limit_ms,
    throws=EXPECTED,
    subject=_sync_subject,
)
def sync(
    connection_id: str,
    resource: str,
    full: bool = False,
    run_id: str | None = None,
    correlation_id: str | None = None,
) -> None:
    """Read one resource of one connection into the store, then dispatch its events."""
    from hub.jobs.sync import sync_resource

    started = time.perf_counter()
    with log_context(correlation_id=correlation_id, connection_id=connection_id, job_id=run_id):
        try:
            outcome = sync_resource(
                get_runtime(),
                connection_id,
                resource,
                full=full,
                run_id=run_id,
                correlation_id=correlation_id,
            )
        except Exception:
            if _connection_removed(connection_id):
                # Nothing is owed to a connection that no longer exists: no retry, no case.
                log.info("dropped the sync of %s: its connection was removed", resource)
                return
            raise
        run = outcome.run
        if outcome.skipped or run is None:
            log.info(
                "sync %s %s: nothing to do (done or running elsewhere)", connection_id, resource
            )
        else:
            log.info(
                "sync %s %s %s: %s, %d records (%d created, %d updated, %d unchanged, "
                "%d deleted), %d failed, %d pages, %.1f s",
                connection_id,
                resource,
                run.mode,
                run.status,
                run.created + run.updated + run.unchanged + run.deleted,
                run.created,
                run.updated,
                run.unchanged,
                run.deleted,
                outcome.failed,
                run.pages,
                time.perf_counter() - started,
            )
    # Also when skipped: a job delivered again after its process died may find its events
    # still waiting in the outbox.
    _dispatch_here(correlation_id)


@dramatiq.actor(
    queue_name=BACKFILL_QUEUE,
    priority=BACKFILL_PRIORITY,
    time_limit=_runtime.settings.job_time_limit_ms,
    throws=EXPECTED,
    subject=_sync_subject,
)
def backfill(
    connection_id: str,
    resource: str,
    run_id: str | None = None,
    correlation_id: str | None = None,
) -> None:
    """A full sync of one resource: the work of `sync(..., full=True)`, queued behind it."""
    sync.fn(connection_id, resource, full=True, run_id=run_id, correlation_id=correlation_id)


@dramatiq.actor(
    queue_name=WRITE_QUEUE,
    time_limit=_runtime.settings.job_time_limit_ms,
    throws=EXPECTED,
    subject=_write_subject,
)
def write(request_id: str) -> None:
    """Send one write request to its ERP, exactly once."""
    from hub.jobs.writes import perform_write

    started = time.perf_counter()
    with log_context(job_id=request_id):
        request = perform_write(get_runtime(), request_id)
        log.info(
            "write %s %s %s: %s, remote id %s, %.1f s",
            request.connection_id,
            request.object,
            request_id,
            request.status,
            request.remote_id or "-",
            time.perf_counter() - started,
        )
    _dispatch_here(None)


def _dispatch_here(correlation_id: str | None) -> None:
    """Dispatch the outbox and deliver the webhooks in this job (no wait for another job);
    when that fails, leave it to a dispatch job, which retries."""
    from hub.jobs.dispatch import dispatch_and_deliver

    with log_context(correlation_id=correlation_id):
        try:
            delivered = dispatch_and_deliver(get_runtime())
        except Exception as exc:
            log.warning("dispatch in the job failed (%s); sending a dispatch job", exc)
            dispatch.send()
            return
    if delivered:
        log.info("dispatch: %d event(s) delivered", delivered)


@dramatiq.actor(queue_name=DISPATCH_QUEUE, max_retries=20)
def dispatch() -> None:
    """Deliver the outbox's pending events to the event sinks."""
    from hub.jobs.dispatch import dispatch_and_deliver

    delivered = dispatch_and_deliver(get_runtime())
    if delivered:
        log.info("dispatch: %d event(s) delivered", delivered)


@dramatiq.actor(queue_name=WEBHOOK_QUEUE, max_retries=20)
def deliver_webhooks(endpoint_id: str) -> None:
    """Deliver an endpoint's due webhook messages (each message retries on its own schedule)."""
    from hub.webhooks.delivery import drain

    drain(get_runtime(), endpoint_id)


def _connection_removed(connection_id: str) -> bool:
    """True when the store answers that the connection does not exist (not when it is away)."""
    from hub.store.errors import NotFound

    try:
        get_runtime().store.connections.get(connection_id)
    except NotFound:
        return True
    except Exception:  # the store itself failing: the job's own error decides
        return False
    return False
