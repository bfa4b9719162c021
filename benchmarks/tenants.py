"""Many tenants on shared workers: throughput, each tenant's budget share, 429s, and priorities.

    .venv/bin/python benchmarks/tenants.py                       # 20 tenants; 1, 2, 4 processes
    .venv/bin/python benchmarks/tenants.py --workers 1 --seconds 20 --window-seconds 20

Users outgrow one machine by running more `hub worker` processes against one database and one
broker (dramatiq's model). For each number of worker processes this script builds a fresh hub
(a PostgreSQL database on the loopback server, or a SQLite file; its own Valkey broker) and 20
Xero sandboxes in threads of this process, each its own organisation (tenant) with Xero's
per-tenant budget scaled down: 60 calls per `--window-seconds` (Xero: per 60 s), 5 in flight.
Each connection carries the same budget (`options.limits`), which the hub keeps in Redis for
every worker process to share.

1. Budget share and 429s. Every tenant asks for more than its budget: the script keeps an
   incremental sync of every resource of every tenant queued (a new one as soon as the last has
   finished; each costs at least one call). After a warm-up of a quarter window, it counts the
   calls each sandbox served over `--seconds`: share = calls / the calls the budget allows in
   that time (60 per window, sliding: no interval of one window can hold more). 429s = the
   sandboxes' `rate_limited` counters over the whole run.
2. Priority. A large tenant's backfill (`--backfill-records` documents, every resource, no
   budget) is sent as `hub sync --full` sends it (the `backfill` queue, dramatiq priority 100);
   half a second later a small tenant's incremental sync of every resource (the `sync` queue,
   priority 0). Its time from send to finish is compared with the same sync on idle workers.

The method of each figure is in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import RESOURCES, Hub, hub
from xero_extract import CLIENT_ID, CLIENT_SECRET, Sandbox

from connectors.xero.sandbox import XeroLimits

BUDGET = 60
"""Xero's calls per tenant per window (per minute there)."""
IN_FLIGHT = 5


class Tenant(Sandbox):
    """One Xero organisation: a sandbox in a thread, with Xero's budget scaled to `window`
    seconds, or (None) without limits."""

    def __init__(self, seed: int, records: int, window: float | None) -> None:
        limits = None
        if window is not None:
            limits = XeroLimits(
                per_window=BUDGET,
                window_seconds=window,
                concurrent=IN_FLIGHT,
                per_day=None,
                app_per_window=None,
            )
        super().__init__(records, seed=seed, limits=limits)
        self.window = window
        self.connection_id = ""

    def stats(self) -> dict[str, Any]:
        """The sandbox's counters."""
        return self.control("stats")

    def calls(self) -> int:
        """API calls served (every route but the token endpoint)."""
        by_route = self.stats()["by_route"]
        return sum(n for route, n in by_route.items() if "token" not in route)

    def refused(self) -> int:
        """Calls answered 429 (the sandbox's count per budget that ran out, and by status)."""
        stats = self.stats()
        limited = sum(int(n) for n in stats.get("rate_limited", {}).values())
        return max(limited, int(stats.get("by_status", {}).get("429", 0)))

    def connect(self, h: Hub) -> None:
        """The hub's connection to this organisation, with the same budget as the sandbox."""
        from hub.connect import authorize_client_credentials, create_connection

        limits: dict[str, Any] = {"none": True}
        if self.window is not None:
            limits = {"per_minute": BUDGET, "window_seconds": self.window, "concurrency": 5}
        view = create_connection(
            h.runtime,
            erp="xero",
            base_url=self.url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            options={"limits": limits},
        )
        self.connection_id = authorize_client_credentials(h.runtime, view.id).id


@contextmanager
def tenants(count: int, records: int, window: float | None, seed: int) -> Iterator[list[Tenant]]:
    """`count` organisations, seeds `seed`, `seed + 1`, ... (each its own tenant id)."""
    made: list[Tenant] = []
    try:
        for i in range(count):
            made.append(Tenant(seed + i, records, window))
        yield made
    finally:
        for tenant in made:
            tenant.stop()


def send_round(h: Hub, connection_id: str, *, full: bool) -> list[str]:
    """A sync of every resource, sent as the hub sends it; the runs that were started."""
    from hub.jobs.enqueue import sync_sender
    from hub.jobs.scheduler import enqueue_sync

    send = sync_sender(h.runtime, full=full)
    runs = [enqueue_sync(h.runtime, connection_id, r, send, full=full) for r in RESOURCES]
    return [r for r in runs if r]


def wait_runs(h: Hub, runs: list[str], timeout: float = 600) -> float:
    """Wait until every run has finished; the time it took."""
    start = time.perf_counter()
    store = h.runtime.store
    while True:
        views = [store.runs.get(r) for r in runs]
        if all(v is not None and v.status != "running" for v in views):
            failed = [v for v in views if v is not None and v.status != "succeeded"]
            if failed:
                raise RuntimeError(f"runs failed: {failed[:3]}")
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            raise RuntimeError("runs did not finish in time")
        time.sleep(0.05)


def succeeded_between(h: Hub, start: datetime, end: datetime) -> int:
    """Sync runs that finished successfully in [start, end)."""
    from sqlalchemy import func, select

    from hub.store.models import SyncRun

    stmt = select(func.count()).where(
        SyncRun.status == "succeeded", SyncRun.finished_at >= start, SyncRun.finished_at < end
    )
    with h.runtime.store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


@dataclass
class Shares:
    """Budget figures of one configuration."""

    calls: int
    seconds: float
    allowed: float
    shares: list[float]
    rate_limited: int
    runs: int
    own_cpu: float
    """CPU seconds of this process (the 20 sandboxes and the sending loop) while measuring."""


def budget_share(h: Hub, orgs: list[Tenant], window: float, seconds: float) -> Shares:
    """Keep every tenant's syncs queued; count calls over `seconds` after a warm-up."""
    warm_up = window / 4
    began = time.perf_counter()
    marks: dict[str, list[int]] = {}
    started_at = ended_at = datetime.now(UTC)
    measuring = False
    measure_start = elapsed = cpu_start = own_cpu = 0.0
    while True:
        now = time.perf_counter() - began
        if not measuring and now >= warm_up:
            marks = {t.connection_id: [t.calls()] for t in orgs}
            started_at, measuring = datetime.now(UTC), True
            measure_start, cpu_start = time.perf_counter(), time.process_time()
        if measuring and time.perf_counter() - measure_start >= seconds:
            for t in orgs:
                marks[t.connection_id].append(t.calls())
            ended_at = datetime.now(UTC)
            elapsed = time.perf_counter() - measure_start
            own_cpu = time.process_time() - cpu_start
            break
        for t in orgs:
            # A new incremental sync of each resource whose last one has finished.
            send_round(h, t.connection_id, full=False)
        time.sleep(0.1)
    allowed = BUDGET * elapsed / window
    calls = [end - start for start, end in marks.values()]
    # Let the last jobs finish before the next phase (their runs end; nothing more is sent).
    running = [r.id for t in orgs for r in _running(h, t.connection_id)]
    wait_runs(h, running)
    return Shares(
        calls=sum(calls),
        seconds=elapsed,
        allowed=allowed,
        shares=[c / allowed for c in calls],
        rate_limited=sum(t.refused() for t in orgs),
        runs=succeeded_between(h, started_at, ended_at),
        own_cpu=own_cpu,
    )


def _running(h: Hub, connection_id: str) -> list[Any]:
    store = h.runtime.store
    found = [store.runs.running(connection_id, r) for r in RESOURCES]
    return [r for r in found if r is not None]


def priority(h: Hub, small: Tenant, large: Tenant) -> dict[str, float]:
    """A small tenant's incremental sync alone, then behind a large tenant's backfill."""
    wait_runs(h, send_round(h, small.connection_id, full=False))  # its first pass: cursors set
    alone = [wait_runs(h, send_round(h, small.connection_id, full=False)) for _ in range(3)]
    backfill = send_round(h, large.connection_id, full=True)
    sent = time.perf_counter()
    time.sleep(0.5)  # the backfill's jobs are running
    behind = wait_runs(h, send_round(h, small.connection_id, full=False))
    still = sum(1 for r in backfill if (v := h.runtime.store.runs.get(r)) and v.status == "running")
    wait_runs(h, backfill)
    backfill_seconds = time.perf_counter() - sent
    return {
        "alone": statistics.median(alone),
        "behind": behind,
        "backfill": backfill_seconds,
        "backfill_running": float(still),
        "records": float(h.stored()),
    }


def run_config(args: argparse.Namespace, processes: int) -> dict[str, Any]:
    """One configuration: a fresh hub and fresh organisations, `processes` workers."""
    with ExitStack() as stack:
        orgs = stack.enter_context(
            tenants(args.tenants, args.records, args.window_seconds, seed=100)
        )
        extra = stack.enter_context(tenants(1, args.records, None, seed=500))
        large = stack.enter_context(tenants(1, args.backfill_records, None, seed=600))
        h = stack.enter_context(hub(args.database))
        for t in [*orgs, *extra, *large]:
            t.connect(h)
        h.start_worker(processes, args.threads)
        shares = budget_share(h, orgs, args.window_seconds, args.seconds)
        order = priority(h, extra[0], large[0])
        return {"shares": shares, "priority": order, "rss": h.worker_peak_rss()}


def main() -> None:
    """Measure each configuration and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--records", type=int, default=50, help="documents per tenant")
    parser.add_argument("--window-seconds", type=float, default=30.0, help="Xero's minute, scaled")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per run")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to run")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process")
    parser.add_argument("--backfill-records", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    print(
        f"tenants benchmark: {args.tenants} tenants x {args.records} documents, budget "
        f"{BUDGET} calls / {args.window_seconds:g} s and {IN_FLIGHT} in flight each; "
        f"{args.threads} threads per worker process; store {args.database}"
    )
    rows = []
    for processes in counts:
        found = run_config(args, processes)
        s: Shares = found["shares"]
        p = found["priority"]
        rows.append((processes, s, p, found["rss"]))
        low, mid = min(s.shares), statistics.median(s.shares)
        print(
            f"\n{processes} worker process(es):\n"
            f"  throughput      {s.calls / s.seconds:6.1f} API calls/s, {s.runs / s.seconds:5.1f} "
            f"sync runs/s ({s.calls} calls in {s.seconds:.1f} s, all tenants; the "
            f"benchmark's own process, sandboxes and sender, used {s.own_cpu / s.seconds:.0%} "
            f"of a core)\n"
            f"  budget share    min {low:.1%}, median {mid:.1%}, max {max(s.shares):.1%} "
            f"of {s.allowed:.0f} calls allowed per tenant (target >= 95 %)\n"
            f"  429s            {s.rate_limited} (all sandboxes, whole run; target 0)\n"
            f"  priority        small incremental sync (every resource): {p['alone']:.2f} s "
            f"alone, {p['behind']:.2f} s behind a {args.backfill_records}-document backfill "
            f"({p['backfill_running']:.0f} backfill runs still running when it finished; "
            f"backfill {p['backfill']:.1f} s)\n"
            f"  worker peak RSS {found['rss'] / 2**20:.0f} MiB (largest worker process)",
            flush=True,
        )


if __name__ == "__main__":
    main()
