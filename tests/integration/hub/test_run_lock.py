"""The run lock of one (connection, resource): a worker that lost it commits nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.base import FetchedPage, ReadState, Resource
from hub.jobs.runlock import run_lock
from hub.jobs.sync import RunBusy, sync_resource
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


def test_a_worker_whose_lock_was_taken_over_does_not_commit_its_page(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=2500)
    hub = make_hub(f"sqlite:///{tmp_path / 'lock.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    runtime = hub.runtime
    connector = runtime.connector(connection_id)
    fetch = connector.fetch_page  # type: ignore[attr-defined]

    fetches: list[str | None] = []

    def fetch_then_lose_the_lock(
        resource: Resource, since: datetime | None, token: str | None
    ) -> Any:
        fetched: FetchedPage = fetch(resource, since, token)
        fetches.append(token)
        if len(fetches) == 2:
            # The lock expired while this page was read and another worker took it over.
            assert runtime.redis is not None
            thief = run_lock(runtime.redis, connection_id, "invoices", 60_000)
            runtime.redis.set(thief.key, thief.token, px=60_000)
        return fetched

    connector.fetch_page = fetch_then_lose_the_lock  # type: ignore[attr-defined]
    with pytest.raises(RunBusy, match="lost the lock"):
        sync_resource(runtime, connection_id, "invoices", full=True)

    (run,) = runtime.store.runs.list(connection_id, "invoices", limit=1)
    assert run.pages == 1
    state = ReadState.load(runtime.store.records.get_cursor(connection_id, "invoices"))
    assert state is not None
    assert state.page == 1
    assert len(runtime.store.records.list(connection_id, "invoice", limit=5000)) == 1000


def test_a_sync_job_delivered_again_after_its_run_succeeded_reads_nothing(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=100)
    hub = make_hub(f"sqlite:///{tmp_path / 'again.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    run_id = hub.runtime.store.runs.start(connection_id, "invoices", "full").id
    first = sync_resource(hub.runtime, connection_id, "invoices", full=True, run_id=run_id)
    assert first.run is not None
    assert first.run.status == "succeeded"
    calls = sandbox.route_calls("GET /api.xro/2.0/Invoices")

    # At-least-once delivery: the worker died after finishing, before acknowledging.
    again = sync_resource(hub.runtime, connection_id, "invoices", full=True, run_id=run_id)

    assert again.skipped
    assert sandbox.route_calls("GET /api.xro/2.0/Invoices") == calls
    assert hub.runtime.store.runs.get(run_id) == first.run
