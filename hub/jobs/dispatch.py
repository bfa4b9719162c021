"""The outbox dispatcher: hands stored events, in order, to every event sink.

The outbox is written in the same transaction as the change it describes, so an event exists
exactly when its change does. The dispatcher delivers each event at least once, in order, and
marks it dispatched only after every sink took it. Sinks today: the event log (a JSON-lines
file in the data directory that a platform can tail) and the webhooks (`hub.webhooks.fanout`).
"""

from __future__ import annotations

import json
import os
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


def sinks(runtime: Runtime) -> list[EventSink]:
    """The event sinks of this installation: the event log, then the webhooks."""
    from hub.webhooks.fanout import WebhookFanout

    return [EventLog(runtime.settings.data_dir / "events.jsonl"), WebhookFanout(runtime)]


def dispatch_pending(runtime: Runtime, batch: int = 500, limit: int = 100_000) -> int:
    """Deliver undispatched events in order; the number delivered."""
    delivered = 0
    targets = sinks(runtime)
    while delivered < limit:
        items = runtime.store.outbox.pending(limit=batch)
        if not items:
            break
        for sink in targets:
            sink.deliver(items)
        runtime.store.outbox.mark_dispatched([i.seq for i in items])
        delivered += len(items)
    return delivered


def read_event_log(path: Path) -> list[dict[str, object]]:
    """The events of an event log (for tests and `hub events`)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
