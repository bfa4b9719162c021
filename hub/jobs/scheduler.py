"""The scheduler: enqueues incremental syncs per connection and resource on an interval.

Several schedulers may run (for availability); one leader acts at a time. Leadership is an
expiring lease in Redis, renewed every tick: a leader that dies is replaced within one lease.
Before enqueuing, the leader checks that the (connection, resource) has no live run (one whose
lease its process keeps renewing) and that its last run started an interval ago, so two runs
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
MIN_WAIT_S = 0.05


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
    next_due: datetime | None = None

    def is_leader(self) -> bool:
        """Take or renew the leadership lease; True while we hold it."""
        client = self.runtime.redis
        if client is None:
            return True  # no shared Redis: a single scheduler is the only supported shape
        if self._lease is None:
            self._lease = RunLock(client, LEADER_KEY, self.lease_ms, token=self.identity)
        return self._lease.renew() or self._lease.acquire()

    def due(self, connection_id: str, resource: str, schedule: str | None = None) -> bool:
        """True when the pair's last run started at least the interval ago, or, with a cron
        `schedule` (the connection's own, UTC), when a fire time has passed since it started."""
        return self.due_at(connection_id, resource, schedule) <= datetime.now(UTC)

    def due_at(self, connection_id: str, resource: str, schedule: str | None = None) -> datetime:
        """When the pair's next incremental sync falls due (now or earlier: due).

        The interval counts from the start of the last run, the moment it read the ERP: a
        change is read at most one interval after it happened (plus the run's own time when a
        run lasts longer than the interval; two runs of a pair never overlap).
        """
        runs = self.runtime.store.runs.list(connection_id, resource, limit=1)
        if not runs:
            return datetime.min.replace(tzinfo=UTC)
        last = runs[0].started_at.astimezone(UTC)
        if schedule:
            from croniter import croniter

            fire: datetime = croniter(schedule, last).get_next(datetime)
            return fire
        return last + timedelta(seconds=self.interval_seconds)

    def tick(self) -> list[str]:
        """One round: if leader, enqueue every due pair; the run ids enqueued. Sets
        `next_due`: when the earliest pair not enqueued now falls due."""
        self.next_due = None
        if not self.is_leader():
            return []
        enqueued = []
        for connection in self.runtime.store.connections.list():
            if connection.status != "active":
                continue
            schedule = connection.options.get("schedule")
            for resource in syncable_resources(connection.erp):
                when = self.due_at(connection.id, resource, schedule if schedule else None)
                if when > datetime.now(UTC):
                    self.next_due = min(when, self.next_due or when)
                    continue
                run_id = enqueue_sync(self.runtime, connection.id, resource, self.enqueue)
                if run_id:
                    enqueued.append(run_id)
                    then = datetime.now(UTC) + timedelta(seconds=self.interval_seconds)
                    self.next_due = min(then, self.next_due or then)
        if enqueued:
            log.info("scheduler %s enqueued %d syncs", self.identity[:8], len(enqueued))
        return enqueued

    def run(self, stop: threading.Event, tick_seconds: float = 5.0) -> None:
        """Tick until `stop` is set: every `tick_seconds` (to see new connections and take
        the lead), and sooner when a pair falls due before that."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed; trying again")
            wait = tick_seconds
            if self.next_due is not None:
                until = (self.next_due - datetime.now(UTC)).total_seconds()
                wait = min(wait, max(until, MIN_WAIT_S))
            stop.wait(wait)

    def resign(self) -> None:
        """Give up leadership (on shutdown), so another scheduler takes over at once."""
        if self._lease is not None:
            self._lease.release()
