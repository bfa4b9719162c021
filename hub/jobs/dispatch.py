"""The outbox dispatcher: hands stored events, in order, to every event sink.

The outbox is written in the same transaction as the change it describes, so an event exists
exactly when its change does. The dispatcher delivers each event at least once, in order, and
marks it dispatched only after every sink took it. Sinks today: the event log (a JSON-lines
file in the data directory that a platform can tail) and the webhooks (`hub.webhooks.fanout`).

The jobs that change records (a sync, a write) dispatch at their end, in the same job, and
deliver the new webhook messages right there (`dispatch_and_deliver`): a change reaches its
receivers without waiting for further jobs. The outbox stays the source of truth: a job that
dies before dispatching is redelivered and dispatches; the fan-out also sends each endpoint a
delayed delivery round, so messages made by a job that died before delivering them go out when
that round comes. One dispatcher at a time (a lock in Redis, or in the process without Redis)
keeps the event log free of repeats.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from hub.jobs.runtime import Runtime
from hub.store import OutboxItem


class EventSink(Protocol):
    """Takes a batch of events; returns once they are durably handled."""

    def deliver(self, items: list[OutboxItem]) -> None:
        """Handle the events (raise to have them retried)."""
        ...


class EventLog:
    """Appends each event as one JSON line to `events.jsonl` and fsyncs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(self, items: list[OutboxItem]) -> None:
        """Append the events."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            for item in items:
                fh.write(item.to_event().model_dump_json() + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def sinks(runtime: Runtime, delivery_delay_ms: int = 0) -> list[EventSink]:
    """The event sinks of this installation: the event log, then the webhooks (whose delivery
    rounds are sent after `delivery_delay_ms`)."""
    from hub.webhooks.fanout import WebhookFanout

    return [
        EventLog(runtime.settings.data_dir / "events.jsonl"),
        WebhookFanout(runtime, delivery_delay_ms),
    ]


LOCK_KEY = "ledgerhub:dispatch"
LOCK_TTL_MS = 15_000
LOCK_WAIT_S = 60.0
_local_lock = threading.Lock()


class DispatchBusy(TimeoutError):
    """Another dispatcher held the lock for longer than we wait."""


@contextmanager
def dispatch_lock(runtime: Runtime, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the installation's dispatch lock (Redis, renewed while held; the process's lock
    without Redis). Waits for it: a dispatcher that finds it taken still dispatches its own
    events after the holder is done, so none is left behind."""
    from hub.jobs.runlock import Keeper, RunLock

    if not _local_lock.acquire(timeout=wait_s):
        raise DispatchBusy("another thread of this process is dispatching")
    try:
        if runtime.redis is None:
            yield
            return
        lock = RunLock(runtime.redis, LOCK_KEY, LOCK_TTL_MS)
        deadline = time.monotonic() + wait_s
        while not lock.acquire():
            if time.monotonic() > deadline:
                raise DispatchBusy("another process is dispatching")
            time.sleep(min(max(lock.remaining_ms(), 5), 20) / 1000)
        keeper = Keeper(LOCK_TTL_MS, lock.renew, "the dispatch lock")
        try:
            yield
        finally:
            keeper.stop()
            lock.release()
    finally:
        _local_lock.release()


def dispatch_pending(
    runtime: Runtime,
    batch: int = 500,
    limit: int = 100_000,
    targets: list[EventSink] | None = None,
) -> int:
    """Deliver undispatched events in order to the sinks; the number delivered."""
    delivered = 0
    targets = sinks(runtime) if targets is None else targets
    with dispatch_lock(runtime):
        while delivered < limit:
            items = runtime.store.outbox.pending(limit=batch)
            if not items:
                break
            for sink in targets:
                sink.deliver(items)
            runtime.store.outbox.mark_dispatched([i.seq for i in items])
            delivered += len(items)
    return delivered


INLINE_DELIVERY_S = 10.0
"""How long a job that dispatched spends delivering the webhooks itself; a delivery round job
takes over the rest."""


def dispatch_and_deliver(runtime: Runtime, budget_s: float = INLINE_DELIVERY_S) -> int:
    """Dispatch the pending events, then deliver their webhooks in this job for up to
    `budget_s`; the number of events dispatched.

    Every endpoint that got messages also gets a delivery round `budget_s` (plus a lease)
    later, the guarantee should this process die before delivering; a round that finds
    nothing due costs one query.
    """
    from hub.webhooks.delivery import drain
    from hub.webhooks.fanout import WebhookFanout

    lease_s = runtime.settings.webhook_timeout_seconds * 2 + 10
    targets = sinks(runtime, int((budget_s + lease_s) * 1000))
    dispatched = dispatch_pending(runtime, targets=targets)
    fanout = next(t for t in targets if isinstance(t, WebhookFanout))
    deadline = time.monotonic() + budget_s
    for endpoint_id in fanout.endpoints:
        drain(runtime, endpoint_id, deadline=deadline)
    return dispatched


def read_event_log(path: Path) -> list[dict[str, object]]:
    """The events of an event log (for tests and `hub events`)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
