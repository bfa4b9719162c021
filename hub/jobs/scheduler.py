"""The scheduler: enqueues incremental syncs per connection and resource on an interval.

Several schedulers may run (for availability); one leader acts at a time. Leadership is an
expiring lease in Redis, renewed every tick: a leader that dies is replaced within one lease.
Before enqueuing, the leader checks that the (connection, resource) has no live run (one whose
lease its process keeps renewing) and that its last run is older than the interval, so two runs
of the same pair never overlap, and a run whose process died is resumed rather than waited out.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from connectors.context import new_correlation_id
from connectors.registry import get_adapter
from hub.jobs.runlock import RunLock
from hub.jobs.runtime import Runtime
from hub.store.runs import ABANDONED, Mode

log = logging.getLogger("ledgerhub.scheduler")

LEADER_KEY = "ledgerhub:scheduler:leader"


def syncable_resources(erp: str) -> list[str]:
    """The resources of an adapter that produce canonical records, in declaration order."""
    return [r.name for r in get_adapter(erp).connector.RESOURCES if r.objects]


Enqueue = Callable[[str, str, str, str], None]
"""(connection_id, resource, run_id, correlation_id) -> None: send a sync job."""


def enqueue_sync(
    runtime: Runtime,
    connection_id: str,
    resource: str,
    enqueue: Enqueue,
    *,
    full: bool = False,
    correlation_id: str | None = None,
) -> str | None:
    """Create the run and send its job, unless the pair has a live run (None then).

    A run still `running` past its lease lost its process (a killed worker or `hub sync
    --wait`): one of the same mode is sent again and resumes; one of another mode is closed
    as abandoned and a new run starts. A run is never judged by its age. `correlation_id`
    ties a new run to what asked for it (an API request's id); new by default.
    """
    mode: Mode = "full" if full else "incremental"
    lease_ms = runtime.settings.run_lock_ttl_ms
    running = runtime.store.runs.running(connection_id, resource)
    if running is not None and running.alive:
        return None
    if running is not None and running.mode == mode:
        # The original job, should it still arrive, finds the run finished and does nothing.
        runtime.store.runs.start(
            connection_id, resource, mode, run_id=running.id, lease_ms=lease_ms
        )
        log.info("run %s lost its process; sending it again", running.id)
        enqueue(connection_id, resource, running.id, running.correlation_id)
        return running.id
    if running is not None:
        runtime.store.runs.finish(running.id, error=ABANDONED)
    correlation_id = correlation_id or new_correlation_id()
    run = runtime.store.runs.start(connection_id, resource, mode, correlation_id, lease_ms=lease_ms)
    enqueue(connection_id, resource, run.id, correlation_id)
    return run.id


@dataclass
class Scheduler:
    """Leader election and the periodic enqueueing of incremental syncs."""

    runtime: Runtime
    enqueue: Enqueue
    interval_seconds: float
    lease_ms: int = 15_000
    identity: str = field(default_factory=lambda: uuid.uuid4().hex)
    _lease: RunLock | None = None

    def is_leader(self) -> bool:
        """Take or renew the leadership lease; True while we hold it."""
        client = self.runtime.redis
        if client is None:
            return True  # no shared Redis: a single scheduler is the only supported shape
        if self._lease is None:
            self._lease = RunLock(client, LEADER_KEY, self.lease_ms, token=self.identity)
        return self._lease.renew() or self._lease.acquire()

    def due(self, connection_id: str, resource: str, schedule: str | None = None) -> bool:
        """True when the pair's last run is older than the interval, or, with a cron
        `schedule` (the connection's own, UTC), when a fire time has passed since it started."""
        runs = self.runtime.store.runs.list(connection_id, resource, limit=1)
        if not runs:
            return True
        last = runs[0]
        now = datetime.now(UTC)
        if schedule:
            from croniter import croniter

            fire = croniter(schedule, last.started_at.astimezone(UTC)).get_next(datetime)
            return bool(fire <= now)
        moment = last.finished_at or last.started_at
        return now - moment >= timedelta(seconds=self.interval_seconds)

    def tick(self) -> list[str]:
        """One round: if leader, enqueue every due pair; the run ids enqueued."""
        if not self.is_leader():
            return []
        enqueued = []
        for connection in self.runtime.store.connections.list():
            if connection.status != "active":
                continue
            schedule = connection.options.get("schedule")
            for resource in syncable_resources(connection.erp):
                if not self.due(connection.id, resource, schedule if schedule else None):
                    continue
                run_id = enqueue_sync(self.runtime, connection.id, resource, self.enqueue)
                if run_id:
                    enqueued.append(run_id)
        if enqueued:
            log.info("scheduler %s enqueued %d syncs", self.identity[:8], len(enqueued))
        return enqueued

    def run(self, stop: threading.Event, tick_seconds: float = 5.0) -> None:
        """Tick until `stop` is set."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed; trying again")
            stop.wait(tick_seconds)

    def resign(self) -> None:
        """Give up leadership (on shutdown), so another scheduler takes over at once."""
        if self._lease is not None:
            self._lease.release()
