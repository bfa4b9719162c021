"""Waiting for a run lock is not a failed attempt: with tuned settings and the shipped defaults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hub.jobs.runlock import run_lock
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("defaults", [True, False], ids=["shipped-defaults", "fast-jobs"])
def test_waiting_for_a_held_run_lock_spends_no_attempt(
    defaults: bool,
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=100)
    # No retries at all: before, each RunBusy was an attempt and this job was dead-lettered.
    hub = make_hub(
        f"sqlite:///{tmp_path / 'busy.db'}",
        redis_url,
        defaults=defaults,
        LEDGERHUB_JOB_MAX_RETRIES="0",
    )
    connection_id = hub.connect(sandbox)
    assert hub.runtime.redis is not None
    # A lock left over from another run (a worker cut off from Redis, say): 3 s to live.
    other = run_lock(hub.runtime.redis, connection_id, "accounts", 3_000)
    assert other.acquire()
    hub.start_worker(processes=1, threads=2)
    run_id = hub.enqueue_sync(connection_id, "accounts")
    (run,) = hub.wait_runs([run_id], timeout=60)
    assert run.status == "succeeded", run
    assert hub.runtime.store.dead_letters.list() == []
    assert hub.runtime.store.cases.list(status="open", connection_id=connection_id) == []
    stored = hub.runtime.store.records.list(connection_id, "account", limit=1000)
    assert len(stored) == sandbox.counts()["accounts"]["total"]
