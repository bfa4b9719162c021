"""Pull: read a connection's resource page by page into the store, resumably.

Each page is committed in one transaction (records upserted by connection, object and remote
id; unchanged ones ignored; changed ones versioned; deletions marked; events written to the
outbox; the cursor advanced). A worker killed mid-sync leaves the last committed page and its
cursor; the redelivered job resumes after it, so nothing is duplicated and nothing lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import redis
from sqlalchemy.exc import DataError

from connectors.base import Connector, Page, ReadState, RecordFailure
from connectors.context import correlation
from connectors.errors import ConnectorError, ValidationError
from connectors.pull import pull
from hub.jobs.runlock import Keeper, RunBusy, RunLock, run_lock
from hub.jobs.runtime import Runtime
from hub.mapping import connection_mapping
from hub.store import JOB_REF, SyncRunView
from hub.store.runs import ABANDONED, Mode

log = logging.getLogger("ledgerhub.sync")

__all__ = ["RunBusy", "SyncOutcome", "sync_resource"]


@dataclass(frozen=True)
class SyncOutcome:
    """The run as it ended, and whether this call did it or found another run in progress."""

    run: SyncRunView | None
    skipped: bool = False
    failed: int = 0
    """Records this call read but could not store (each is in an exception case)."""
    cases: tuple[str, ...] = ()
    """The ids of the cases those failures are in."""


def sync_resource(
    runtime: Runtime,
    connection_id: str,
    resource: str,
    *,
    full: bool = False,
    run_id: str | None = None,
    correlation_id: str | None = None,
    on_wait: Callable[[SyncRunView | None], None] | None = None,
) -> SyncOutcome:
    """Read `resource` of `connection_id` into the store from its cursor (or in full).

    A job (`run_id` given) that finds the pair's lock taken raises `RunBusy`, which waits
    without spending an attempt. Called without a run (`hub sync --wait`), it waits for the
    lock itself (`on_wait` is told once, with the run holding it) and then takes over the
    pair's unfinished run, if any: a run left by a killed process resumes instead of blocking.
    """
    store = runtime.store
    mode: Mode = "full" if full else "incremental"
    lease_ms = runtime.settings.run_lock_ttl_ms
    lock = None
    if runtime.redis is not None:
        lock = run_lock(runtime.redis, connection_id, resource, lease_ms)
        told = False
        while not lock.acquire():
            if run_id is not None:
                raise RunBusy(
                    f"{resource} of {connection_id} is locked by another worker",
                    retry_after_ms=lock.remaining_ms() + 250,
                    correlation_id=correlation_id,
                )
            if not told and on_wait is not None:
                on_wait(store.runs.running(connection_id, resource))
            told = True
            time.sleep(min(max(lock.remaining_ms(), 50) / 1000, 1.0))
    keeper: Keeper | None = None
    try:
        if run_id is None:
            run_id = _take_over(runtime, connection_id, resource, mode)
        with correlation(correlation_id) as cid:
            run = store.runs.start(
                connection_id, resource, mode, cid, run_id=run_id, lease_ms=lease_ms
            )
            if run.status == "succeeded":
                # A job delivered again after its run finished (at-least-once delivery: a worker
                # died between finishing and acknowledging): the work is done.
                return SyncOutcome(run, skipped=True)
            keeper = kept = Keeper(lease_ms, _renewal(runtime, lock, run.id), f"run {run.id}")
            cursor = store.records.get_cursor(connection_id, resource)
            state = ReadState.load(cursor)
            # A redelivered run resumes its unfinished pass, even a full one.
            resume = state is not None and not state.done and run.pages > 0
            connector = runtime.connector(connection_id)
            # The connection's mapping specs and custom-field bindings as they are now.
            mapping = connection_mapping(store, connection_id)
            connector.mapping = mapping
            # Records that failed before and may translate now: their cases close as they do.
            failed_before = {
                ref
                for case in store.cases.list(
                    status="open", connection_id=connection_id, object_name=resource
                )
                for ref in store.cases.retry_refs(case.id)[1]
                if ref != JOB_REF
            }

            failed: list[str] = []
            case_ids: dict[str, None] = {}

            def sink(page: Page) -> None:
                # Renew before committing: a worker whose lock expired (a page slower than the
                # TTL) must not commit, or its older page could overwrite what the worker that
                # took over has already stored, and move the cursor back.
                if lock is not None and (kept.lost or not lock.renew()):
                    raise RunBusy(
                        f"lost the lock of {resource} of {connection_id}",
                        retry_after_ms=lock.remaining_ms() + 250,
                    )
                page.failures.extend(
                    _store_page(runtime, connection_id, page, run.id, cid, mapping.versions)
                )
                for failure in page.failures:
                    failed.append(failure.remote_id or JOB_REF)
                    case = store.cases.open_from_error(
                        failure.error,
                        connection_id=connection_id,
                        object_name=resource,
                        source="sync",
                        record_ref=failure.remote_id or JOB_REF,
                    )
                    case_ids[case.id] = None
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
                # Records that failed to translate and did not change since: read them again by
                # id, so a record is never left behind by a cursor that moved past it.
                _read_failed_again(runtime, connector, resource, failed_before, sink)
            except ConnectorError as exc:
                if not exc.retryable:
                    store.runs.finish(run.id, error=str(exc))
                raise
            finished = store.runs.finish(run.id)
            store.cases.resolve_auto(connection_id=connection_id, object_name=resource)
            if failed:
                log.warning(
                    "%s of %s: %d record(s) could not be stored; see %s",
                    resource,
                    connection_id,
                    len(failed),
                    ", ".join(case_ids),
                )
            return SyncOutcome(finished, failed=len(failed), cases=tuple(case_ids))
    finally:
        if keeper is not None:
            keeper.stop()
        if lock is not None:
            try:
                lock.release()
            except redis.RedisError as exc:  # Redis away: the lock expires after its TTL
                log.warning("could not release the run lock %s: %s", lock.key, exc)


def _take_over(runtime: Runtime, connection_id: str, resource: str, mode: Mode) -> str | None:
    """The pair's unfinished run of the same mode, to continue; a dead one of another mode
    is closed as abandoned. Called while holding the pair's lock."""
    running = runtime.store.runs.running(connection_id, resource)
    if running is None:
        return None
    if running.mode == mode:
        # Its job, if still queued, finds the run finished and does nothing.
        return running.id
    if not running.alive:
        runtime.store.runs.finish(running.id, error=ABANDONED)
    return None


def _renewal(runtime: Runtime, lock: RunLock | None, run_id: str) -> Callable[[], bool]:
    """What the keeper renews: the pair's lock (when there is Redis) and the run's lease."""
    ttl = runtime.settings.run_lock_ttl_ms

    def renew() -> bool:
        runtime.store.runs.renew(run_id, ttl)
        return lock.renew() if lock is not None else True

    return renew


REFETCH_LIMIT = 200
"""At most this many failed records are read again by id per run (the rest in later runs)."""


def _read_failed_again(
    runtime: Runtime,
    connector: Connector,
    resource: str,
    remote_ids: set[str],
    sink: Callable[[Page], None],
) -> None:
    if not remote_ids:
        return
    connection_id = connector.config.connection_id
    cursor = runtime.store.records.get_cursor(connection_id, resource) or ""
    wanted = sorted(remote_ids)[:REFETCH_LIMIT]
    page = connector.read_ids(resource, wanted, cursor)
    if page is None:
        log.info(
            "%s cannot read %s by id: failed records wait for a change", connector.ERP, resource
        )
        return
    sink(page)
    seen = {r.remote_id for r in page.records} | {f.remote_id for f in page.failures}
    for remote_id in sorted(set(wanted) - seen):
        # The ERP no longer has it: nothing is owed.
        runtime.store.cases.resolve_auto(
            connection_id=connection_id, object_name=resource, record_ref=remote_id
        )


def _store_page(
    runtime: Runtime,
    connection_id: str,
    page: Page,
    run_id: str,
    cid: str,
    versions: Mapping[str, int | None],
) -> list[RecordFailure]:
    """Commit the page; if the database refuses its data, commit it record by record and return
    the records it refuses as failures (their own cases), so one record never blocks a page."""
    records = runtime.store.records
    # Records the ERP deleted outright (a deletion log, or keys a complete key scan no longer
    # lists): their stored records become deleted.
    deleted = [(d.object, d.remote_id) for d in page.deleted]
    # A slice before a page's last leaves the cursor where it is (at the page before) and the
    # page uncounted: the page is reached with its last slice.
    cursor = None if page.partial else page.cursor
    pages = 0 if page.partial else 1
    try:
        records.apply_resource_page(
            connection_id,
            page.resource,
            page.records,
            cursor,
            run_id,
            cid,
            versions,
            deleted=deleted,
            present=page.present,
            pages=pages,
        )
        return []
    except DataError as exc:
        log.warning(
            "the store refused a record of %s page %d: %s", page.resource, page.number, exc.orig
        )
    refused: list[RecordFailure] = []
    for record in page.records:
        try:
            records.apply_resource_page(
                connection_id, page.resource, [record], None, None, cid, versions
            )
        except DataError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            error = ValidationError(
                f"the store refused {page.resource} {record.remote_id}: {reason}"
            )
            refused.append(RecordFailure(page.resource, record.remote_id, error))
    # The cursor, the deletions and the run's page count, once every storable record is in.
    records.apply_resource_page(
        connection_id,
        page.resource,
        [],
        cursor,
        run_id,
        cid,
        deleted=deleted,
        present=page.present,
        pages=pages,
    )
    return refused
