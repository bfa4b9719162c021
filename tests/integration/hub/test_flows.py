"""Pull and push end to end through real `hub worker` subprocesses, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from hub.jobs.dispatch import read_event_log
from hub.jobs.scheduler import syncable_resources
from hub.jobs.writes import submit_write
from tests.integration.hub.checks import (
    assert_invoices_complete,
    bill_payload,
    outbox_pending,
    stored,
)
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


def test_backfill_and_incremental_through_workers_store_exactly_the_sandbox(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=300)
    hub = make_hub(database[0], redis_url)
    connection_id = hub.connect(sandbox)
    hub.start_worker(processes=1, threads=2)

    runs = [hub.enqueue_sync(connection_id, r) for r in syncable_resources("xero")]
    finished = hub.wait_runs(runs, timeout=90)
    assert {r.status for r in finished} == {"succeeded"}, finished

    counts = sandbox.counts()
    invoices = counts["invoices"]["total"] + counts["credit_notes"]["total"]
    assert_invoices_complete(hub.runtime, connection_id, invoices)
    assert (
        len(stored(hub.runtime, connection_id, "journal_entry"))
        == (counts["manual_journals"]["total"])
    )
    contacts = stored(hub.runtime, connection_id, "supplier") + stored(
        hub.runtime, connection_id, "customer"
    )
    assert len({remote for _, remote, _ in contacts}) == counts["contacts"]["total"]

    # The dispatcher delivered every event, once, to the event log.
    hub.wait_until(lambda: outbox_pending(hub.runtime) == 0, what="the outbox to drain")
    total_events = sum(hub.runtime.store.outbox.counts(connection_id).values())
    log = read_event_log(hub.settings.data_dir / "events.jsonl")
    assert len({e["id"] for e in log}) == total_events

    # Incremental: exactly the changes come through.
    sandbox.control("POST", "changes", {"object": "invoices", "update": 3, "create": 2})
    run = hub.wait_runs([hub.enqueue_sync(connection_id, "invoices", full=False)])[0]
    assert (run.status, run.created, run.updated, run.deleted) == ("succeeded", 2, 3, 0)
    assert_invoices_complete(hub.runtime, connection_id, invoices + 2)


def test_a_write_through_a_worker_succeeds_once_and_a_resent_job_writes_nothing(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=40)
    hub = make_hub(database[0], redis_url)
    connection_id = hub.connect(sandbox)
    hub.start_worker(processes=1, threads=2)
    runs = [hub.enqueue_sync(connection_id, r) for r in ("contacts", "accounts")]
    hub.wait_runs(runs)
    before = sandbox.counts()["invoices"]["total"]

    payload = bill_payload(hub.runtime, connection_id, "IT-PUSH-1")
    request, created = submit_write(hub.runtime, connection_id, "invoice", payload, "it-push-1")
    assert created
    hub.send("write", "write", request_id=request.id)
    hub.wait_until(
        lambda: hub.runtime.store.writes.get(request.id).status == "succeeded",
        what="the write to succeed",
    )
    done = hub.runtime.store.writes.get(request.id)
    assert done.remote_id
    assert done.hub_id
    assert hub.runtime.store.records.get(done.hub_id) is not None
    assert sandbox.counts()["invoices"]["total"] == before + 1

    # The same request again (same key), and its job sent twice more: nothing new anywhere.
    again, created_again = submit_write(hub.runtime, connection_id, "invoice", payload, "it-push-1")
    assert (again.id, created_again) == (request.id, False)
    hub.send("write", "write", request_id=request.id)
    hub.send("write", "write", request_id=request.id)
    time.sleep(2.0)
    assert sandbox.counts()["invoices"]["total"] == before + 1
    assert hub.runtime.store.writes.get(request.id).remote_id == done.remote_id
    assert hub.runtime.store.cases.list(status="open") == []
