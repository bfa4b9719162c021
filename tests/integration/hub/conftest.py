"""The hub end to end: real dramatiq worker subprocesses, Redis, PostgreSQL or SQLite, a sandbox.

Each test gets a `HubEnv`: its own data directory, database (a fresh PostgreSQL database, or a
SQLite file), secret key and broker, the environment its worker subprocesses run with, and an
in-process `Runtime` over the same resources for the test's own reads and for enqueueing.

Redis: the server `tests/services.py` chose (the real one on loopback, or an embedded one).
The session claims a database number of its own (a `SET NX` key in database 0), so parallel
sessions and other suites never share queues, run locks or the scheduler lease; it is flushed
per test.
PostgreSQL: the server holding `test` that `tests/services.py` chose; one database
per test, dropped after it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dramatiq
import httpx
import pytest
import redis
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from connectors.sandbox.faults import FaultConfig
from connectors.sandbox.runner import run_in_thread
from connectors.xero.sandbox.app import create_app
from connectors.xero.sandbox.config import XeroSandboxConfig
from hub.connect import authorize_client_credentials, create_connection
from hub.jobs.runtime import Runtime
from hub.jobs.scheduler import enqueue_sync
from hub.settings import Settings, generate_key
from hub.store import SyncRunView, upgrade
from tests import services

ROOT = Path(__file__).resolve().parents[3]
ADMIN_URL = services.postgres_url()
REDIS_SERVER = services.redis_server()
CLIENT_ID = "hub-it-client"
CLIENT_SECRET = "hub-it-secret-7c1f0e9a"

FAST_JOBS = {
    # A dead worker is noticed within two seconds, and its jobs are redelivered soon after.
    "LEDGERHUB_JOB_HEARTBEAT_TIMEOUT_MS": "2000",
    "LEDGERHUB_JOB_MAINTENANCE_CHANCE": "100000",
    # Comfortably longer than one page of 1,000 documents (2-3 s on a busy 2-core machine), so
    # a live worker keeps its lock between renewals; a dead one's expires soon.
    "LEDGERHUB_RUN_LOCK_TTL_MS": "8000",
    "LEDGERHUB_JOB_MIN_BACKOFF_MS": "200",
    "LEDGERHUB_JOB_MAX_BACKOFF_MS": "1500",
    "LEDGERHUB_LOG_LEVEL": "INFO",
}


# --------------------------------------------------------------------------- Redis database


def _claim_is_stale(admin: redis.Redis, key: str) -> bool:
    """True when the session that claimed `key` is a process of this machine that is gone."""
    owner = admin.get(key)
    try:
        pid = int(owner or 0)
    except ValueError:
        return False
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@pytest.fixture(scope="session")
def redis_db() -> Iterator[int]:
    """A Redis database number this session alone uses (claimed in database 0)."""
    admin = redis.Redis.from_url(f"{REDIS_SERVER}/0")
    claimed = None
    for number in range(15, 0, -1):
        key = f"ledgerhub-test:claim:{number}"
        if admin.set(key, os.getpid(), nx=True, ex=3600):
            claimed = number
            break
        if _claim_is_stale(admin, key):
            claimed = number  # a killed session's claim (its process is gone): taken over
            admin.set(key, os.getpid(), ex=3600)
            break
    if claimed is None:
        pytest.fail("every Redis database 1..15 is claimed by another test session")
    client = redis.Redis.from_url(f"{REDIS_SERVER}/{claimed}")
    client.flushdb()
    try:
        yield claimed
    finally:
        client.flushdb()
        admin.delete(f"ledgerhub-test:claim:{claimed}")


@pytest.fixture
def redis_url(redis_db: int) -> str:
    """This session's Redis database, empty at the start of the test."""
    url = f"{REDIS_SERVER}/{redis_db}"
    redis.Redis.from_url(url).flushdb()
    return url


# --------------------------------------------------------------------------- databases


@contextlib.contextmanager
def postgres_database() -> Iterator[tuple[str, str]]:
    """A fresh, migrated PostgreSQL database: (url, name); dropped on exit."""
    name = f"lh_hub_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url, name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_admin_execute(*statements: str) -> None:
    """Run statements on the PostgreSQL server (connected through the admin database)."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(url, name) of an empty migrated database of each kind (name: the file for SQLite)."""
    if request.param == "postgresql":
        with postgres_database() as found:
            yield found
        return
    path = tmp_path / "hub.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    yield url, str(path)


@pytest.fixture
def pg_database() -> Iterator[tuple[str, str]]:
    """(url, name) of an empty migrated PostgreSQL database."""
    with postgres_database() as found:
        yield found


# --------------------------------------------------------------------------- the sandbox


@dataclass
class Sandbox:
    """A Xero sandbox served on loopback, and its control endpoints."""

    url: str
    stop: Callable[[], None]

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call `/_sandbox/<path>` and return its JSON."""
        answer = httpx.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def faults(self, **config: Any) -> None:
        """Replace the fault configuration (no arguments: no faults)."""
        if config:
            self.control("POST", "faults", FaultConfig(**config).model_dump(mode="json"))
        else:
            self.control("DELETE", "faults")

    def counts(self) -> dict[str, Any]:
        """What the sandbox holds, per collection."""
        return dict(self.control("GET", "counts"))

    def route_calls(self, route: str) -> int:
        """Requests served on one route, e.g. `POST /connect/token`."""
        return int(self.control("GET", "stats")["by_route"].get(route, 0))


@pytest.fixture
def start_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Start Xero sandboxes (keyword arguments: XeroSandboxConfig fields); stopped after."""
    started: list[Sandbox] = []

    def start(**config: Any) -> Sandbox:
        settings = XeroSandboxConfig(
            **{
                "seed": 11,
                "records": 200,
                "client_id": CLIENT_ID,
                "client_secret": SecretStr(CLIENT_SECRET),
                "no_limits": True,
                **config,
            }
        )
        handle = run_in_thread(create_app(settings))
        sandbox = Sandbox(handle.url, handle.stop)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


# --------------------------------------------------------------------------- the hub


@dataclass
class Worker:
    """A `hub worker` subprocess (its own process group, so kill -9 reaches every process)."""

    proc: subprocess.Popen[bytes]
    log: Path

    def kill9(self) -> None:
        """SIGKILL the dramatiq master and its worker processes at once, like a lost machine."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), forcefully when that takes too long."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill9()

    def output(self) -> str:
        """What the worker logged so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class HubEnv:
    """One test's hub: resources, the workers' environment, and an in-process runtime."""

    tmp: Path
    database_url: str
    broker_url: str
    secret_key: str
    extra_env: dict[str, str] = field(default_factory=dict)
    fast: bool = True
    """Tuned job settings (`FAST_JOBS`); False: the shipped defaults, as users run them."""
    workers: list[Worker] = field(default_factory=list)
    _runtime: Runtime | None = None

    @property
    def env(self) -> dict[str, str]:
        """The environment of the hub's subprocesses."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
        env.update(
            {
                "LEDGERHUB_DATA_DIR": str(self.tmp / "data"),
                "LEDGERHUB_DATABASE_URL": self.database_url,
                # An empty broker URL: the embedded broker of the data directory.
                **({"LEDGERHUB_BROKER_URL": self.broker_url} if self.broker_url else {}),
                "LEDGERHUB_SECRET_KEY": self.secret_key,
                "LEDGERHUB_ERP_ALLOWED_HOSTS": "127.0.0.1",  # the sandboxes
                **(FAST_JOBS if self.fast else {}),
                **self.extra_env,
            }
        )
        return env

    @property
    def settings(self) -> Settings:
        """The same settings as the subprocesses', for this process."""
        return Settings.model_validate(
            {
                "data_dir": self.tmp / "data",
                "database_url": self.database_url,
                "broker_url": self.broker_url or None,
                "secret_key": self.secret_key,
                "erp_allowed_hosts": ["127.0.0.1"],
                **{
                    k.removeprefix("LEDGERHUB_").lower(): v
                    for k, v in {**(FAST_JOBS if self.fast else {}), **self.extra_env}.items()
                },
            }
        )

    @property
    def runtime(self) -> Runtime:
        """This process's runtime over the test's store and broker."""
        if self._runtime is None:
            self._runtime = Runtime(self.settings)
        return self._runtime

    def start_worker(self, processes: int = 1, threads: int = 2) -> Worker:
        """Start `python -m hub worker -p P -t T` against this hub."""
        log = self.tmp / f"worker-{len(self.workers)}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "hub", "worker", "-p", str(processes), "-t", str(threads)],
            env=self.env,
            cwd=ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = Worker(proc, log)
        self.workers.append(worker)
        return worker

    def hub(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a `hub` command in a subprocess with this hub's environment."""
        result = subprocess.run(
            [sys.executable, "-m", "hub", *args],
            env={**self.env, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"hub {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n"
                f"{result.stderr}"
            )
        return result

    def send(self, actor: str, queue: str, **kwargs: Any) -> None:
        """Enqueue a message for an actor of `hub.jobs.actors`, by name (no global broker)."""
        broker = self.runtime.broker
        broker.declare_queue(queue)
        broker.enqueue(dramatiq.Message(queue, actor, (), kwargs, {}))

    def enqueue_sync(self, connection_id: str, resource: str, *, full: bool = True) -> str:
        """Create a run and send its sync job, as `hub sync` does; the run id."""

        def send(conn: str, res: str, run_id: str, correlation_id: str) -> None:
            self.send(
                "sync",
                "sync",
                connection_id=conn,
                resource=res,
                full=full,
                run_id=run_id,
                correlation_id=correlation_id,
            )

        run_id = enqueue_sync(self.runtime, connection_id, resource, send, full=full)
        assert run_id is not None
        return run_id

    def connect(self, sandbox: Sandbox) -> str:
        """A client-credentials connection to the sandbox, authorized; its id."""
        view = create_connection(
            self.runtime,
            erp="xero",
            base_url=sandbox.url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            display_name="IT Xero",
            options={"limits": {"none": True}},
        )
        return authorize_client_credentials(self.runtime, view.id).id

    def wait_runs(self, run_ids: list[str], timeout: float = 60) -> list[SyncRunView]:
        """Wait until every run is finished; tolerates a database that is briefly away."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                runs = [self.runtime.store.runs.get(r) for r in run_ids]
            except Exception:  # the database may be the thing a test takes away
                runs = []
            if runs and all(r is not None and r.status != "running" for r in runs):
                return [r for r in runs if r is not None]
            if time.monotonic() > deadline:
                logs = "\n".join(w.output()[-4000:] for w in self.workers)
                raise AssertionError(f"runs not finished in {timeout} s: {runs}\n{logs}")
            time.sleep(0.2)

    def wait_until(self, probe: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
        """Poll `probe` until it is true."""
        deadline = time.monotonic() + timeout
        while not probe():
            if time.monotonic() > deadline:
                logs = "\n".join(w.output()[-4000:] for w in self.workers)
                raise AssertionError(f"timed out waiting for {what}\n{logs}")
            time.sleep(0.1)

    def close(self) -> None:
        """Kill the workers (nothing of theirs outlives the test), close the runtime."""
        for worker in self.workers:
            if worker.proc.poll() is None:
                worker.kill9()
        if self._runtime is not None:
            self._runtime.close()
            self._runtime = None


@pytest.fixture
def make_hub(tmp_path: Path) -> Iterator[Callable[..., HubEnv]]:
    """Build `HubEnv`s (database_url, broker_url, `defaults=True` for the shipped job settings,
    extra env); workers stopped after the test."""
    made: list[HubEnv] = []

    def make(
        database_url: str, broker_url: str, *, defaults: bool = False, **extra_env: str
    ) -> HubEnv:
        tmp = tmp_path / f"hub{len(made)}"
        tmp.mkdir()
        env = HubEnv(tmp, database_url, broker_url, generate_key(), dict(extra_env), not defaults)
        made.append(env)
        return env

    yield make
    for env in made:
        env.close()
