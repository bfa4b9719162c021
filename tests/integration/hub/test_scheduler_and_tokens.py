"""Two schedulers elect one leader; many concurrent jobs needing a new token make one call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hub.connect import begin_authorization, complete_authorization, create_connection
from hub.jobs.runtime import Runtime
from hub.jobs.scheduler import Scheduler, syncable_resources
from tests.integration.hub.conftest import CLIENT_ID, CLIENT_SECRET, HubEnv, Sandbox

pytestmark = pytest.mark.integration

TOKEN_ROUTE = "POST /connect/token"
REDIRECT_URI = "http://127.0.0.1:8765/ledgerhub/callback"


def test_two_schedulers_ticking_together_elect_one_leader_that_enqueues_each_pair_once(
    tmp_path: Path, redis_url: str, make_hub: Callable[..., HubEnv]
) -> None:
    hub = make_hub(f"sqlite:///{tmp_path / 'sched.db'}", redis_url)
    tenant = hub.runtime.store.connections.create_tenant("Acme").id
    connection_id = hub.runtime.store.connections.create(
        tenant_id=tenant, erp="xero", display_name="Acme Xero"
    ).id
    hub.runtime.store.connections.update(connection_id, status="active")

    sent: dict[str, list[tuple[str, str]]] = {"a": [], "b": []}
    # Each scheduler has a runtime of its own (its own Redis and database connections), as two
    # `hub scheduler` processes would.
    runtimes = {name: Runtime(hub.settings) for name in sent}
    schedulers = {
        name: Scheduler(
            runtimes[name],
            lambda c, r, _run, _cid, name=name: sent[name].append((c, r)),  # type: ignore[misc]
            interval_seconds=3600,
            lease_ms=1500,
        )
        for name in sent
    }
    barrier = threading.Barrier(2)

    def tick_often(scheduler: Scheduler) -> None:
        barrier.wait()
        for _ in range(10):
            scheduler.tick()
            time.sleep(0.05)

    threads = [threading.Thread(target=tick_often, args=(s,)) for s in schedulers.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        leaders = [name for name, s in schedulers.items() if s.is_leader()]
        assert len(leaders) == 1
        leader, follower = leaders[0], next(n for n in sent if n != leaders[0])
        pairs = [(connection_id, r) for r in syncable_resources("xero")]
        assert sorted(sent[leader]) == sorted(pairs), "each pair enqueued once"
        assert sent[follower] == []

        # The leader dies without resigning: the other takes over once the lease lapses.
        time.sleep(1.7)
        assert schedulers[follower].is_leader()
        assert not schedulers[leader].is_leader()
        # Every pair still has its run in progress: the new leader enqueues nothing twice.
        assert schedulers[follower].tick() == []
    finally:
        for runtime in runtimes.values():
            runtime.close()


def _authorize(hub: HubEnv, sandbox: Sandbox) -> str:
    """A connection authorized by code with PKCE, as a person would (it has a refresh token)."""
    view = create_connection(
        hub.runtime,
        erp="xero",
        base_url=sandbox.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant="authorization_code",
        redirect_uri=REDIRECT_URI,
        options={"limits": {"none": True}},
    )
    pending = begin_authorization(hub.runtime, view.id)
    answer = httpx.get(pending.request.url, follow_redirects=False, timeout=10)
    return complete_authorization(hub.runtime, pending, answer.headers["location"]).id


def test_many_concurrent_jobs_needing_a_new_token_make_one_token_call(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=200)
    hub = make_hub(database[0], redis_url)
    connection_id = _authorize(hub, sandbox)
    tokens = hub.runtime.store.tokens
    old = tokens.load(connection_id)
    assert old is not None
    assert old.refresh_token is not None

    # The access token has expired, on both sides: every job's first call needs a new one.
    expired = datetime.now(UTC) - timedelta(seconds=1)
    tokens.save(connection_id, old.model_copy(update={"expires_at": expired}))
    sandbox.control("POST", "expire-tokens")
    calls_before = sandbox.route_calls(TOKEN_ROUTE)

    hub.start_worker(processes=2, threads=4)
    runs = [hub.enqueue_sync(connection_id, r) for r in syncable_resources("xero")]
    finished = hub.wait_runs(runs, timeout=90)

    assert {r.status for r in finished} == {"succeeded"}, finished
    assert sandbox.route_calls(TOKEN_ROUTE) - calls_before == 1
    new = tokens.load(connection_id)
    assert new is not None
    assert new.access_token.get_secret_value() != old.access_token.get_secret_value()
    assert not new.expires_within(60)
