"""What bounds the time from a change in an ERP to its webhook, besides delivery itself: the
scheduler polls each pair one interval after its last run *started*, waking for it rather than
at its coarse tick; a job sent to an idle worker is picked up within `LEDGERHUB_JOB_POLL_MS`."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import pytest

from hub.jobs.scheduler import Scheduler, syncable_resources
from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration


def test_the_scheduler_wakes_when_a_pair_falls_due_not_at_its_tick(api: Api) -> None:
    api.connection(api.tenant())
    store = api.runtime.store
    sent: list[tuple[str, float]] = []

    def enqueue(connection_id: str, resource: str, run_id: str, _corr: str) -> None:
        sent.append((resource, time.monotonic()))
        store.runs.finish(run_id)  # the sync ran at once

    scheduler = Scheduler(api.runtime, enqueue, interval_seconds=1.0)
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop,), kwargs={"tick_seconds": 30})
    started = time.monotonic()
    thread.start()
    try:
        while sum(1 for r, _ in sent if r == "invoices") < 3:
            assert time.monotonic() - started < 15, "the scheduler waited for its 30 s tick"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=10)
    times = [t for r, t in sent if r == "invoices"]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # One interval from one start to the next: not sooner, and not a tick later.
    assert all(0.9 <= gap <= 2.5 for gap in gaps), gaps
    assert {r for r, _ in sent} == set(syncable_resources("xero"))  # every pair is polled


def test_an_idle_worker_looks_at_its_queue_within_the_poll_setting(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(job_poll_ms=50)
    consumer = api.runtime.broker.consume("i18-poll-probe", prefetch=1, timeout=1000)
    try:
        assert consumer.timeout == 50  # dramatiq's own idle back-off would reach 1,000 ms
    finally:
        consumer.close()
