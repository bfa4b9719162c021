"""`kill -9` of a worker mid-sync: a new worker resumes at the last committed page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.hub.checks import assert_invoices_complete
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
