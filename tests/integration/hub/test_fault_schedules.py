"""A full sync under random fault schedules stores exactly what a clean sync stores.

Hypothesis draws the shares of 500s, 503s, 429s, dropped connections, bodies that are not JSON
and expired tokens, and the sandbox's seed for which request gets which; the sync is retried
as the job policy retries it (a retryable failure runs the job again, resuming at its cursor).
The store is then compared with a clean run's, record by record: the same remote ids, the same
raw payloads, the same canonical content. A second property adds database and broker blips at
drawn moments (its PostgreSQL database's connections terminated, its Redis clients killed).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hub.jobs.policy import classify
from hub.jobs.runtime import Runtime
from hub.jobs.scheduler import syncable_resources
from hub.jobs.sync import sync_resource
from tests.integration.hub.conftest import HubEnv, Sandbox, pg_admin_execute, postgres_database

pytestmark = pytest.mark.integration

RECORDS = 120
OBJECTS = ("account", "supplier", "customer", "invoice", "payment", "journal_entry")
ATTEMPTS = 40
STORE_FIELDS = {"id", "connection_id", "created_at", "updated_at"}
"""What differs between two stores of the same data: their own ids and times."""


def sync_everything(runtime: Runtime, connection_id: str) -> int:
    """Sync every resource, retrying retryable failures as the jobs do; the failures seen.

    What is retried is what the job policy retries (`classify`): a retryable ConnectorError,
    and anything not the connector's (a database or broker that went away)."""
    failures = 0
    connector = runtime.connector(connection_id)
    connector.http._sleep = lambda _s: None  # type: ignore[attr-defined] # tuned: no waits
    for resource in syncable_resources("xero"):
        for _attempt in range(ATTEMPTS):
            try:
                sync_resource(runtime, connection_id, resource, full=True)
                break
            except Exception as exc:
                if not classify(exc)[1]:
                    raise
                failures += 1
        else:
            pytest.fail(f"{resource} did not sync in {ATTEMPTS} attempts")
    return failures


def snapshot(runtime: Runtime, connection_id: str) -> dict[tuple[str, str], Any]:
    """(object, remote id) -> (raw payload, canonical content with hub ids as remote ids)."""
    rows = [
        r for obj in OBJECTS for r in runtime.store.records.list(connection_id, obj, limit=100_000)
    ]
    remote_of = {r.hub_id: f"{r.object}:{r.remote_id}" for r in rows}

    def neutral(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: neutral(v) for k, v in value.items() if k not in STORE_FIELDS}
        if isinstance(value, list):
            return [neutral(v) for v in value]
        if isinstance(value, str):
            return remote_of.get(value, value)
        return value

    return {(r.object, r.remote_id): (r.raw, neutral(r.data), r.remote_deleted) for r in rows}


@pytest.fixture
def clean(
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> tuple[Sandbox, dict[tuple[str, str], Any]]:
    """The sandbox, and what a sync without faults stores from it."""
    sandbox = start_sandbox(records=RECORDS)
    hub = make_hub(f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    assert sync_everything(hub.runtime, connection_id) == 0
    return sandbox, snapshot(hub.runtime, connection_id)


rates = st.floats(min_value=0.0, max_value=0.15)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    error=rates,
    unavailable=rates,
    throttle=rates,
    drop=rates,
    malformed=rates,
    expired=rates,
    seed=st.integers(min_value=0, max_value=2**31),
)
# The schedule CI found: the resend after a refresh is itself answered 401 (seed 43 gives the
# first two API requests an expired-token fault).
@example(error=0.0, unavailable=0.0, throttle=0.0, drop=0.0, malformed=0.0, expired=0.15, seed=43)
def test_a_sync_under_random_faults_stores_exactly_what_a_clean_sync_stores(
    clean: tuple[Sandbox, dict[tuple[str, str], Any]],
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    error: float,
    unavailable: float,
    throttle: float,
    drop: float,
    malformed: float,
    expired: float,
    seed: int,
) -> None:
    sandbox, expected = clean
    hub = make_hub(f"sqlite:///{tmp_path_factory.mktemp('faulty') / 'faulty.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    sandbox.faults(
        error_rate=error,
        unavailable_rate=unavailable,
        throttle_rate=throttle,
        drop_rate=drop,
        malformed_rate=malformed,
        expired_token_rate=expired,
        retry_after=0,
        seed=seed,
        paths=["/api.xro/"],
    )
    before = sum(sandbox.control("GET", "stats")["faults"].values())
    try:
        retried = sync_everything(hub.runtime, connection_id)
    finally:
        sandbox.faults()
    injected = sum(sandbox.control("GET", "stats")["faults"].values()) - before
    print(f"faults injected {injected}, job-level retries {retried}: store equal to the clean run")
    got = snapshot(hub.runtime, connection_id)
    missing, extra = set(expected) - set(got), set(got) - set(expected)
    assert not missing, f"{len(missing)} records missing, e.g. {sorted(missing)[:5]}"
    assert not extra, f"{len(extra)} records extra, e.g. {sorted(extra)[:5]}"
    differing = [key for key in expected if got[key] != expected[key]]
    if differing:
        key = differing[0]
        a, b = expected[key], got[key]
        diff = {k: (a[1].get(k), b[1].get(k)) for k in a[1] if a[1].get(k) != b[1].get(k)}
        same_raw = a[0] == b[0]
        raise AssertionError(f"{len(differing)} differ; {key}: raw equal {same_raw}, {diff}")
    assert hub.runtime.store.cases.list(status="open", connection_id=connection_id) == []


class Blips:
    """At the given moments, cut this test's database and broker connections (its PostgreSQL
    database's backends, and the Redis clients of its own Redis database), as a database or
    broker restart or a network blip does; counts what it cut."""

    def __init__(self, database: str, redis_url: str, moments: list[float]) -> None:
        self.database, self.redis_url, self.moments = database, redis_url, sorted(moments)
        self.cut = {"database": 0, "broker": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Blips:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        started = time.monotonic()
        for moment in self.moments:
            if self._stop.wait(max(0.0, started + moment - time.monotonic())):
                return
            pg_admin_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.database}' AND pid <> pg_backend_pid()"
            )
            self.cut["database"] += 1
            admin = redis.Redis.from_url(self.redis_url)
            mine = int(self.redis_url.rsplit("/", 1)[1])
            me = admin.client_id()
            for client in admin.client_list():
                if int(client.get("db", -1)) == mine and int(client["id"]) != me:
                    with contextlib.suppress(redis.RedisError):
                        admin.client_kill_filter(_id=client["id"])
            admin.close()
            self.cut["broker"] += 1


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    error=rates,
    drop=rates,
    expired=rates,
    moments=st.lists(st.floats(min_value=0.05, max_value=3.0), min_size=1, max_size=4),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_a_sync_under_faults_and_database_and_broker_blips_stores_what_a_clean_sync_stores(
    clean: tuple[Sandbox, dict[tuple[str, str], Any]],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    error: float,
    drop: float,
    expired: float,
    moments: list[float],
    seed: int,
) -> None:
    sandbox, expected = clean
    with postgres_database() as (url, name):
        hub = make_hub(url, redis_url)
        connection_id = hub.connect(sandbox)
        sandbox.faults(
            error_rate=error,
            drop_rate=drop,
            expired_token_rate=expired,
            retry_after=0,
            seed=seed,
            paths=["/api.xro/"],
        )
        try:
            with Blips(name, redis_url, moments) as blips:
                retried = sync_everything(hub.runtime, connection_id)
        finally:
            sandbox.faults()
        print(f"blips {blips.cut}, job-level retries {retried}: store equal to the clean run")
        got = snapshot(hub.runtime, connection_id)
        assert set(got) == set(expected)
        assert [key for key in expected if got[key] != expected[key]] == []
        assert hub.runtime.store.cases.list(status="open", connection_id=connection_id) == []
        hub.close()
