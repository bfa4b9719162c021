"""Jobs of a connection removed while they waited are dropped quietly: nothing is owed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("defaults", [True, False], ids=["shipped-defaults", "fast-jobs"])
def test_jobs_of_a_removed_connection_leave_no_traceback_dead_letter_or_case(
    defaults: bool,
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=50)
    hub = make_hub(f"sqlite:///{tmp_path / 'gone.db'}", redis_url, defaults=defaults)
    connection_id = hub.connect(sandbox)
    for resource in ("accounts", "contacts", "invoices"):
        hub.enqueue_sync(connection_id, resource)
    hub.runtime.store.connections.remove(connection_id)
    worker = hub.start_worker(processes=1, threads=2)
    hub.wait_until(
        lambda: "dropped the sync" in worker.output(),
        timeout=60,
        what="the jobs to be dropped",
    )
    time.sleep(2.0)  # any retry would have failed again by now
    output = worker.output()
    assert output.count("dropped the sync") == 3, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert hub.runtime.store.dead_letters.list() == []
    assert hub.runtime.store.cases.list(status="open") == []
