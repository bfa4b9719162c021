"""Pull: read a connection's resource page by page into the store, resumably.

Each page is committed in one transaction (records upserted by connection, object and remote
id; unchanged ones ignored; changed ones versioned; deletions marked; events written to the
outbox; the cursor advanced). A worker killed mid-sync leaves the last committed page and its
cursor; the redelivered job resumes after it, so nothing is duplicated and nothing lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis

from connectors.base import Page, ReadState
from connectors.context import correlation
from connectors.errors import ConnectorError
from connectors.pull import pull
from hub.jobs.runlock import LockKeeper, RunBusy, run_lock
from hub.jobs.runtime import Runtime
from hub.store import JOB_REF, SyncRunView

log = logging.getLogger("ledgerhub.sync")

__all__ = ["RunBusy", "SyncOutcome", "sync_resource"]


@dataclass(frozen=True)
class SyncOutcome:
    """The run as it ended, and whether this call did it or found another run in progress."""

    run: SyncRunView | None
    skipped: bool = False


def sync_resource(
    runtime: Runtime,
    connection_id: str,
    resource: str,
    *,
    full: bool = False,
    run_id: str | None = None,
    correlation_id: str | None = None,
) -> SyncOutcome:
    """Read `resource` of `connection_id` into the store from its cursor (or in full)."""
    store = runtime.store
    lock = None
    keeper: LockKeeper | None = None
    if runtime.redis is not None:
        lock = run_lock(runtime.redis, connection_id, resource, runtime.settings.run_lock_ttl_ms)
        if not lock.acquire():
            if run_id is None:
                log.info(
                    "sync of %s %s already running; not starting another", connection_id, resource
                )
                return SyncOutcome(store.runs.running(connection_id, resource), skipped=True)
            raise RunBusy(
                f"{resource} of {connection_id} is locked by another worker",
                retry_after_ms=lock.remaining_ms() + 250,
                correlation_id=correlation_id,
            )
        keeper = lock.keep()
    try:
        with correlation(correlation_id) as cid:
            run = store.runs.start(
                connection_id, resource, "full" if full else "incremental", cid, run_id=run_id
            )
            if run.status == "succeeded":
                # A job delivered again after its run finished (at-least-once delivery: a worker
                # died between finishing and acknowledging): the work is done.
                return SyncOutcome(run, skipped=True)
            cursor = store.records.get_cursor(connection_id, resource)
            state = ReadState.load(cursor)
            # A redelivered run resumes its unfinished pass, even a full one.
            resume = state is not None and not state.done and run.pages > 0
            connector = runtime.connector(connection_id)
            # Records that failed before and may translate now: their cases close as they do.
            failed_before = {
                ref
                for case in store.cases.list(
                    status="open", connection_id=connection_id, object_name=resource
                )
                for ref in store.cases.retry_refs(case.id)[1]
                if ref != JOB_REF
            }

            def sink(page: Page) -> None:
                # Renew before committing: a worker whose lock expired (a page slower than the
                # TTL) must not commit, or its older page could overwrite what the worker that
                # took over has already stored, and move the cursor back.
                if lock is not None and ((keeper is not None and keeper.lost) or not lock.renew()):
                    raise RunBusy(
                        f"lost the lock of {resource} of {connection_id}",
                        retry_after_ms=lock.remaining_ms() + 250,
                    )
                store.records.apply_resource_page(
                    connection_id, resource, page.records, page.cursor, run.id, cid
                )
                for failure in page.failures:
                    store.cases.open_from_error(
                        failure.error,
                        connection_id=connection_id,
                        object_name=resource,
                        source="sync",
                        record_ref=failure.remote_id or JOB_REF,
                    )
                recovered = {r.remote_id for r in page.records} & failed_before
                for remote_id in sorted(r for r in recovered if r):
                    store.cases.resolve_auto(
                        connection_id=connection_id, object_name=resource, record_ref=remote_id
                    )
                failed_before.difference_update(recovered)

            try:
                pull(
                    connector,
                    [resource],
                    sink,
                    cursors={resource: cursor},
                    full=full and not resume,
                )
            except ConnectorError as exc:
                if not exc.retryable:
                    store.runs.finish(run.id, error=str(exc))
                raise
            finished = store.runs.finish(run.id)
            store.cases.resolve_auto(connection_id=connection_id, object_name=resource)
            return SyncOutcome(finished)
    finally:
        if keeper is not None:
            keeper.stop()
        if lock is not None:
            try:
                lock.release()
            except redis.RedisError as exc:  # Redis away: the lock expires after its TTL
                log.warning("could not release the run lock %s: %s", lock.key, exc)
