"""The embedded broker killed mid-sync, with the shipped defaults: started again, nothing lost.

No broker is configured, so `hub worker` and `hub sync` use the data directory's embedded Valkey.
It is killed (`kill -9`) while the workers sync every resource; the running worker starts it
again on its port and data, its processes reconnect, and every run completes with the store
holding exactly what the sandbox holds.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from hub.broker import embedded_server
from hub.jobs.scheduler import syncable_resources
from hub.store import SyncRunView
from tests.integration.hub.checks import stored
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


def test_the_embedded_broker_killed_mid_sync_is_restarted_and_nothing_is_lost(
    tmp_path: Path,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=3000)
    hub = make_hub(f"sqlite:///{tmp_path / 'embedded.db'}", "", defaults=True)
    assert hub.settings.uses_embedded_broker
    connection_id = hub.connect(sandbox)
    worker = hub.start_worker(processes=1, threads=2)
    state_file = hub.settings.data_dir / "broker" / "embedded.json"
    hub.wait_until(state_file.exists, timeout=60, what="the worker's embedded broker")
    url = json.loads(state_file.read_text())["url"]
    queued = hub.hub("sync", connection_id, "--full", "--json")
    assert '"queued": true' in queued.stdout, queued.stdout
    store = hub.runtime.store
    resources = syncable_resources("xero")

    def runs() -> list[SyncRunView]:
        return [r for res in resources for r in store.runs.list(connection_id, res)]

    hub.wait_until(
        lambda: any(r.pages >= 1 for r in store.runs.list(connection_id, "invoices")),
        timeout=90,
        what="the first page of invoices",
    )
    assert any(r.status == "running" for r in store.runs.list(connection_id, "invoices"))
    # This test process uses the broker too (its locks): it stops watching, so that the running
    # worker is the one that starts the broker again.
    embedded_server(hub.settings)._closing.set()
    first = int(redis.Redis.from_url(url).info("server")["process_id"])
    os.kill(first, signal.SIGKILL)
    killed_at = time.monotonic()

    def back() -> bool:
        try:
            return int(redis.Redis.from_url(url).info("server")["process_id"]) != first
        except redis.RedisError:
            return False

    hub.wait_until(back, timeout=30, what="the embedded broker to be started again")
    print(f"embedded broker back after {time.monotonic() - killed_at:.1f} s")
    assert "the embedded broker had stopped: started it again" in worker.output()
    run_ids = [r.id for r in runs()]
    assert len(run_ids) == len(resources)
    finished = hub.wait_runs(run_ids, timeout=240)
    assert [r.status for r in finished] == ["succeeded"] * len(finished), finished
    counts = sandbox.counts()
    by_resource = {run.object: run for run in finished}
    invoices_run = by_resource["invoices"]
    # Every invoice arrived once: none lost, none read twice.
    assert invoices_run.created + invoices_run.deleted == counts["invoices"]["total"]
    assert [r.object for r in finished if r.updated] == []
    invoices = stored(hub.runtime, connection_id, "invoice")
    assert len(invoices) == counts["invoices"]["total"] + counts["credit_notes"]["total"]
    assert len({remote for _, remote, _ in invoices}) == len(invoices)
    assert store.cases.list(status="open", connection_id=connection_id) == []
