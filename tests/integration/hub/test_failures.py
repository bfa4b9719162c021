"""Failures the hub recovers from: a database that goes away, a poison job and its replay."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hub.jobs.writes import submit_write
from tests.integration.hub.checks import assert_invoices_complete, bill_payload
from tests.integration.hub.conftest import HubEnv, Sandbox, pg_admin_execute

pytestmark = pytest.mark.integration


def test_jobs_retry_while_the_database_is_away_and_then_complete(
    pg_database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    url, name = pg_database
    sandbox = start_sandbox(records=3000)
    hub = make_hub(url, redis_url)
    connection_id = hub.connect(sandbox)
    worker = hub.start_worker(processes=1, threads=2)
    runs = [hub.enqueue_sync(connection_id, r) for r in ("invoices", "contacts", "payments")]

    def started() -> bool:
        return any((r := hub.runtime.store.runs.get(i)) is not None and r.pages for i in runs)

    hub.wait_until(started, timeout=60, what="the first committed page")
    # Nobody may connect, and everyone connected is thrown out: the database is away.
    pg_admin_execute(
        f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
    )
    time.sleep(4.0)
    pg_admin_execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    finished = hub.wait_runs(runs, timeout=120)
    assert {r.status for r in finished} == {"succeeded"}, finished
    log = worker.output()
    assert "retrying sync" in log
    assert "OperationalError" in log
    counts = sandbox.counts()
    expected = counts["invoices"]["total"]
    assert_invoices_complete(hub.runtime, connection_id, expected)
    (invoices,) = (r for r in finished if r.object == "invoices")
    assert invoices.created + invoices.deleted == expected
    assert hub.runtime.store.dead_letters.list() == []


def test_a_poison_write_is_dead_lettered_with_a_case_and_replays_once_fixed(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=40)
    hub = make_hub(f"sqlite:///{tmp_path / 'poison.db'}", redis_url, LEDGERHUB_JOB_MAX_RETRIES="1")
    connection_id = hub.connect(sandbox)
    hub.start_worker(processes=1, threads=2)
    hub.wait_runs([hub.enqueue_sync(connection_id, r) for r in ("contacts", "accounts")])
    before = sandbox.counts()["invoices"]["total"]
    store = hub.runtime.store

    # Every write to Xero's invoices fails with a 500: the job can never succeed.
    sandbox.faults(error_rate=1.0, methods=["PUT", "POST"], paths=["/api.xro/2.0/Invoices"])
    payload = bill_payload(hub.runtime, connection_id, "IT-POISON-1")
    request, _ = submit_write(hub.runtime, connection_id, "invoice", payload, "it-poison-1")
    hub.send("write", "write", request_id=request.id)
    hub.wait_until(lambda: bool(store.dead_letters.list()), timeout=90, what="a dead letter")

    (dead,) = store.dead_letters.list()
    assert dead.actor == "write"
    assert dead.message_kwargs == {"request_id": request.id}
    assert dead.case_id is not None
    case, records = store.cases.get(dead.case_id)
    assert (case.category, case.status, case.source) == ("transient", "open", "write")
    assert case.attempts == 2
    assert [r.record_ref for r in records] == [request.id]
    assert store.writes.get(request.id).status == "failed"
    assert sandbox.counts()["invoices"]["total"] == before

    # The ERP is fixed; the dead letter is replayed with the CLI.
    sandbox.faults()
    replayed = hub.hub("dlq", "replay", "--all", "--yes")
    assert "replayed 1 job" in replayed.stderr
    hub.wait_until(
        lambda: store.writes.get(request.id).status == "succeeded", what="the replayed write"
    )
    hub.wait_until(lambda: store.cases.get(case.id)[0].status != "open", what="the case to close")
    assert store.dead_letters.list() == []
    (kept,) = store.dead_letters.list(include_replayed=True)
    assert kept.replayed_at is not None
    assert sandbox.counts()["invoices"]["total"] == before + 1


def test_a_dead_lettered_sync_fails_its_run_and_a_retried_case_syncs_and_resolves(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=40)
    hub = make_hub(f"sqlite:///{tmp_path / 'dead.db'}", redis_url, LEDGERHUB_JOB_MAX_RETRIES="0")
    connection_id = hub.connect(sandbox)
    store = hub.runtime.store
    # A broken body (200, not JSON) fails at once: no HTTP-level retries to wait out.
    sandbox.faults(malformed_rate=1.0, paths=["/api.xro/2.0/Contacts"])
    hub.start_worker(processes=1, threads=2)
    run_id = hub.enqueue_sync(connection_id, "contacts")
    hub.wait_until(lambda: bool(store.dead_letters.list()), timeout=60, what="a dead letter")

    # The run is over (failed), so nothing keeps the pair from being synced again.
    (run,) = hub.wait_runs([run_id], timeout=10)
    assert run.status == "failed"
    assert run.error
    (case,) = store.cases.list(status="open")
    assert (case.category, case.source, case.object) == ("transient", "sync", "contacts")

    sandbox.faults()
    retried = hub.hub("exceptions", "retry", case.id)
    assert "re-enqueued 1 job" in retried.stderr
    hub.wait_until(
        lambda: store.cases.get(case.id)[0].status != "open", timeout=60, what="the case to close"
    )
    (latest,) = store.runs.list(connection_id, "contacts", limit=1)
    assert latest.id != run_id
    assert latest.status == "succeeded"
    assert latest.created > 0

    # Replaying the dead letter runs the failed run again, to success.
    assert "replayed 1 job" in hub.hub("dlq", "replay", "--all", "--yes").stderr

    def replayed() -> bool:
        found = store.runs.get(run_id)
        return found is not None and found.status == "succeeded"

    hub.wait_until(replayed, timeout=30, what="the replayed run")
    again = store.runs.get(run_id)
    assert again is not None
    assert again.error is None


def test_a_job_about_a_missing_request_is_dead_lettered_with_a_case_not_lost(
    tmp_path: Path, redis_url: str, make_hub: Callable[..., HubEnv]
) -> None:
    hub = make_hub(f"sqlite:///{tmp_path / 'ghost.db'}", redis_url, LEDGERHUB_JOB_MAX_RETRIES="0")
    store = hub.runtime.store
    hub.start_worker(processes=1, threads=1)
    hub.send("write", "write", request_id="wrq_01M88AAAAAAAAAAAAAAAAAAAAA")
    hub.wait_until(lambda: bool(store.dead_letters.list()), timeout=30, what="a dead letter")
    (dead,) = store.dead_letters.list()
    assert dead.message_kwargs == {"request_id": "wrq_01M88AAAAAAAAAAAAAAAAAAAAA"}
    assert dead.case_id is not None
    case, _ = store.cases.get(dead.case_id)
    assert (case.category, case.status) == ("internal", "open")
    assert "NotFound" in case.cause
