"""`kill -9` of a worker mid-job: a sync resumes at its last committed page; a write lands once.

Each crash is staged with the tuned `FAST_JOBS` (the mechanism) and, for the sync, with the
shipped defaults too (the product: recovered within the heartbeat timeout plus a margin).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.jobs.writes import submit_write
from hub.settings import Settings
from tests.integration.hub.checks import assert_invoices_complete, bill_payload
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Killed:
    """A sync whose worker was killed after its first page: what the test checks after."""

    connection_id: str
    run_id: str
    expected: int
    pages: int
    pages_at_kill: int
    killed_at: float


def kill_mid_sync(hub: HubEnv, sandbox: Sandbox) -> Killed:
    """Start a worker and a full invoices sync; `kill -9` the worker after its first page."""
    connection_id = hub.connect(sandbox)
    expected = sandbox.counts()["invoices"]["total"]
    first = hub.start_worker(processes=1, threads=2)
    run_id = hub.enqueue_sync(connection_id, "invoices")
    hub.wait_until(lambda: pages_of(hub, run_id) >= 1, timeout=90, what="the first page")
    first.kill9()
    killed = Killed(
        connection_id,
        run_id,
        expected,
        -(-expected // 1000),
        pages_of(hub, run_id),
        time.monotonic(),
    )
    run = hub.runtime.store.runs.get(run_id)
    assert run is not None
    assert run.status == "running", run
    assert 1 <= killed.pages_at_kill < killed.pages, run
    return killed


def pages_of(hub: HubEnv, run_id: str) -> int:
    """Pages the run has committed."""
    run = hub.runtime.store.runs.get(run_id)
    return run.pages if run is not None else 0


def assert_resumed(hub: HubEnv, killed: Killed) -> None:
    """The run finished, every page committed exactly once, every invoice stored once."""
    (run,) = hub.wait_runs([killed.run_id], timeout=120)
    assert run.status == "succeeded", run
    # Resumed, not restarted: every page committed exactly once (a restart would commit the
    # first page again and count its documents as unchanged).
    assert run.pages == killed.pages, run
    assert (run.created + run.deleted, run.updated, run.unchanged) == (killed.expected, 0, 0), run
    assert_invoices_complete(hub.runtime, killed.connection_id, killed.expected)


def test_a_sync_killed_mid_run_completes_on_a_new_worker_without_duplicates(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    # 3,000 documents: three pages of invoices, a few seconds of work for one worker.
    sandbox = start_sandbox(records=3000)
    hub = make_hub(database[0], redis_url)
    killed = kill_mid_sync(hub, sandbox)
    hub.start_worker(processes=1, threads=2)
    assert_resumed(hub, killed)


def test_a_worker_killed_mid_sync_is_recovered_in_bounded_time_with_the_shipped_defaults(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=3000)
    hub = make_hub(f"sqlite:///{tmp_path / 'defaults.db'}", redis_url, defaults=True)
    shipped = Settings.model_validate({"data_dir": tmp_path})
    assert hub.settings.job_maintenance_chance == shipped.job_maintenance_chance
    killed = kill_mid_sync(hub, sandbox)
    hub.start_worker(processes=1, threads=2)
    # The dead worker's job must come back and continue within the heartbeat timeout, the
    # run lock's TTL and a margin (an idle fetch every 5 s, a worker start-up) - not minutes.
    bound = max(shipped.job_heartbeat_timeout_ms + 5_000, shipped.run_lock_ttl_ms) / 1000 + 20
    hub.wait_until(
        lambda: pages_of(hub, killed.run_id) > killed.pages_at_kill,
        timeout=bound,
        what="the resumed sync",
    )
    recovery = time.monotonic() - killed.killed_at
    print(f"crash recovery with the shipped defaults: {recovery:.1f} s (bound {bound:.0f} s)")
    assert_resumed(hub, killed)


def test_a_write_killed_in_flight_is_sent_again_and_the_erp_has_it_once(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=40)
    hub = make_hub(database[0], redis_url)
    connection_id = hub.connect(sandbox)
    store = hub.runtime.store
    first = hub.start_worker(processes=1, threads=2)
    hub.wait_runs([hub.enqueue_sync(connection_id, r) for r in ("contacts", "accounts")])
    before = sandbox.counts()["invoices"]["total"]

    # Xero takes two seconds to answer the write: the worker dies while it waits.
    sandbox.faults(slow_rate=1.0, slow_seconds=2.0, methods=["PUT", "POST"])
    payload = bill_payload(hub.runtime, connection_id, "IT-CRASH-1")
    request, _ = submit_write(hub.runtime, connection_id, "invoice", payload, "it-crash-1")
    hub.send("write", "write", request_id=request.id)
    hub.wait_until(lambda: store.writes.get(request.id).status == "sending", what="sending")
    time.sleep(1.0)  # the request is at the ERP now
    first.kill9()
    assert store.writes.get(request.id).status == "sending"

    sandbox.faults()
    hub.start_worker(processes=1, threads=2)
    hub.wait_until(
        lambda: store.writes.get(request.id).status == "succeeded",
        timeout=60,
        what="the redelivered write",
    )
    done = store.writes.get(request.id)
    assert done.attempts >= 2
    # Sent twice (before and after the crash), in the ERP once: its idempotency key held.
    routes = sandbox.control("GET", "stats")["by_route"]
    sent = sum(
        n for route, n in routes.items() if route.startswith(("PUT /api.xro", "POST /api.xro"))
    )
    assert sent >= 2, routes
    assert sandbox.counts()["invoices"]["total"] == before + 1
    assert done.remote_id is not None
    assert store.records.get_by_remote(connection_id, "invoice", done.remote_id) is not None
