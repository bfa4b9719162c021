"""Backfills wait behind incremental syncs and writes: their own queue, a lower priority."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker

from hub.jobs.enqueue import sync_sender

BACKFILL_QUEUE, BACKFILL_PRIORITY = "backfill", 100  # as hub.jobs.actors declares them


def test_a_full_sync_is_sent_to_the_backfill_actor_and_an_incremental_one_to_sync() -> None:
    broker = StubBroker()
    runtime: Any = SimpleNamespace(broker=broker)
    sync_sender(runtime, full=True)("con_1", "invoices", "run_1", "corr_1")
    sync_sender(runtime)("con_1", "contacts", "run_2", "corr_2")
    full = broker.queues[BACKFILL_QUEUE].get_nowait()
    incremental = broker.queues["sync"].get_nowait()
    assert dramatiq.Message.decode(full).actor_name == "backfill"
    assert dramatiq.Message.decode(full).kwargs["resource"] == "invoices"
    assert dramatiq.Message.decode(incremental).actor_name == "sync"


def test_a_free_thread_takes_an_incremental_sync_before_waiting_backfills() -> None:
    broker = StubBroker()
    order: list[str] = []
    lock = threading.Lock()

    @dramatiq.actor(broker=broker, queue_name=BACKFILL_QUEUE, priority=BACKFILL_PRIORITY)
    def backfill(n: int) -> None:
        time.sleep(0.05)
        with lock:
            order.append(f"backfill {n}")

    @dramatiq.actor(broker=broker, queue_name="sync")
    def sync(n: int) -> None:
        with lock:
            order.append(f"sync {n}")

    for n in range(6):
        backfill.send(n)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=10)
    worker.start()
    try:
        time.sleep(0.02)  # the first backfill is running, the others wait in the worker
        sync.send(1)
        broker.join(BACKFILL_QUEUE, timeout=10_000)
        broker.join("sync", timeout=10_000)
        worker.join()
    finally:
        worker.stop()
    assert len(order) == 7
    assert order.index("sync 1") <= 2, order  # not behind the whole backlog of backfills
