"""`kill -9` of a worker mid-job: a sync resumes at its last committed page; a write lands once."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from hub.jobs.writes import submit_write
from tests.integration.hub.checks import assert_invoices_complete, bill_payload
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


def test_a_sync_killed_mid_run_completes_on_a_new_worker_without_duplicates(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    # 3,000 documents: three pages of invoices, a few seconds of work for one worker.
    sandbox = start_sandbox(records=3000)
    hub = make_hub(database[0], redis_url)
    connection_id = hub.connect(sandbox)
    expected = sandbox.counts()["invoices"]["total"]
    pages = -(-expected // 1000)

    first = hub.start_worker(processes=1, threads=2)
    run_id = hub.enqueue_sync(connection_id, "invoices")

    def one_page_committed() -> bool:
        run = hub.runtime.store.runs.get(run_id)
        return run is not None and run.pages >= 1

    hub.wait_until(one_page_committed, timeout=60, what="the first page")
    first.kill9()
    killed_at = hub.runtime.store.runs.get(run_id)
    assert killed_at is not None
    assert killed_at.status == "running", killed_at
    assert 1 <= killed_at.pages < pages, killed_at

    hub.start_worker(processes=1, threads=2)
    (run,) = hub.wait_runs([run_id], timeout=90)

    assert run.status == "succeeded", run
    # Resumed, not restarted: every page committed exactly once (a restart would commit the
    # first page again and count its documents as unchanged).
    assert run.pages == pages, run
    assert (run.created + run.deleted, run.updated, run.unchanged) == (expected, 0, 0), run
    assert_invoices_complete(hub.runtime, connection_id, expected)


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
