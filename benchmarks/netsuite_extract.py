"""Reading a NetSuite account through the adapter: calls, translation speed, memory, concurrency.

    .venv/bin/python benchmarks/netsuite_extract.py --records 2000

Runs the NetSuite sandbox on loopback (a thread; for memory, the reader runs in a child process
so the sandbox's own data is not counted) and prints one table. Every ratio is against a baseline
measured in the same run. The method of each figure is in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from queue import Empty, Queue
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

from connectors.base import ConnectionConfig, Connector, FetchedPage, Resource
from connectors.ids import StableIds
from connectors.netsuite.client import NetSuiteConnector
from connectors.netsuite.resources import PAGE_SIZE, READS
from connectors.netsuite.sandbox import NetSuiteSandboxConfig, create_app
from connectors.pull import pull
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter
from connectors.sandbox import FaultConfig, run_in_thread

ACCOUNT, KEY, SECRET, TOKEN, TOKEN_SECRET = (
    "1234567_SB1",
    "bench-ck",
    "bench-cs",
    "bench-t",
    "bench-ts",
)
READ_RESOURCES = [r.name for r in NetSuiteConnector.RESOURCES if r.objects]
TYPES = {
    "vendors": "vendor",
    "customers": "customer",
    "vendor_bills": "vendorBill",
    "vendor_credits": "vendorCredit",
    "invoices": "invoice",
    "credit_memos": "creditMemo",
    "vendor_payments": "vendorPayment",
    "customer_payments": "customerPayment",
    "journal_entries": "journalEntry",
    "accounts": "account",
    "subsidiaries": "subsidiary",
    "departments": "department",
    "classes": "classification",
    "locations": "location",
}


class Sandbox:
    """A NetSuite sandbox in a thread, with its control endpoints."""

    def __init__(self, records: int, *, concurrency: int | None = None, slow: float = 0.0) -> None:
        config = NetSuiteSandboxConfig(
            seed=7,
            records=records,
            account_id=ACCOUNT,
            client_id=KEY,
            client_secret=SecretStr(SECRET),
            token_id=TOKEN,
            token_secret=SecretStr(TOKEN_SECRET),
            no_limits=concurrency is None,
            concurrency=concurrency or 5,
            faults=FaultConfig(slow_rate=1.0 if slow else 0.0, slow_seconds=slow or 1.0),
        )
        self.app = create_app(config)
        self.server = run_in_thread(self.app)
        self.url = self.server.url

    def control(self, path: str) -> dict[str, Any]:
        """GET /_sandbox/<path>."""
        return dict(httpx.get(f"{self.url}/_sandbox/{path}", timeout=60).json())

    def stop(self) -> None:
        """Stop the server."""
        self.server.stop()


def connector(
    url: str,
    *,
    cls: type[Connector] = NetSuiteConnector,
    limiter: RateLimiter | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Connector:
    """A NetSuite connector on the sandbox (TBA), configured as `hub extract` configures it."""
    config = ConnectionConfig(
        connection_id="bench:netsuite",
        base_url=url,
        auth_mode="token_based",
        credentials={
            "account_id": ACCOUNT,
            "consumer_key": KEY,
            "consumer_secret": SECRET,
            "token_id": TOKEN,
            "token_secret": TOKEN_SECRET,
        },
        options={"custom_fields": "custbody_project_code,custcol_cost_center"},
    )
    # As `hub extract`: hub ids derived, none remembered (memory stays flat).
    ids = StableIds(config.connection_id, remember=False)
    return cls(
        config,
        limiter=limiter or MemoryRateLimiter(Budget.unlimited()),
        transport=transport,
        ids=ids,
    )


class Recording(NetSuiteConnector):
    """Keeps every grouped item fetched, to time parsing and translation on the same payloads."""

    captured: ClassVar[dict[str, list[dict[str, Any]]]] = defaultdict(list)

    def fetch_page(self, resource: Resource, since: datetime | None, page: int) -> FetchedPage:
        fetched = super().fetch_page(resource, since, page)
        self.captured[resource.name].extend(fetched.items)
        return fetched


# -- 1. calls vs the theoretical minimum ------------------------------------------------------


def _rows(sandbox: Sandbox, name: str) -> int:
    """SuiteQL rows of a resource's query: what the read must transfer, 1,000 a page."""
    store = sandbox.app.state.sandbox
    from connectors.netsuite.sandbox.api import SuiteQLService

    result, start = SuiteQLService(store).results(READS[name].query.sql())
    return len(result) - start


def measure_calls(records: int) -> dict[str, Any]:
    """A full read as `hub extract` does it; the minimum is one call per 1,000 SuiteQL rows."""
    sandbox = Sandbox(records)
    try:
        with connector(sandbox.url) as reader:
            started = time.perf_counter()
            stats = pull(reader, READ_RESOURCES, lambda page: None)
            seconds = time.perf_counter() - started
        served = sandbox.control("stats")["by_route"]
        calls = sum(n for route, n in served.items() if "/services/rest/" in route)
        parts = {n: max(1, math.ceil(_rows(sandbox, n) / PAGE_SIZE)) for n in READ_RESOURCES}
        return {
            "calls": calls,
            "minimum": sum(parts.values()),
            "parts": parts,
            "records": sum(stats.records.values()),
            "failures": sum(stats.failures.values()),
            "seconds": seconds,
        }
    finally:
        sandbox.stop()


# -- 2. translation vs a raw pydantic parse ---------------------------------------------------


def _best(repeat: int, run: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure_translation(records: int, repeat: int = 5) -> dict[str, tuple[int, float, float]]:
    """Items per second: the row model's `model_validate` alone vs parse + translate."""
    sandbox = Sandbox(records)
    try:
        Recording.captured.clear()
        with connector(sandbox.url, cls=Recording) as reader:
            pull(reader, READ_RESOURCES, lambda page: None)
            rows: dict[str, tuple[int, float, float]] = {}
            for r in reader.RESOURCES:
                items = Recording.captured.get(r.name) or []
                if not r.objects or not items:
                    continue

                def parse(r: Resource = r, items: list[dict[str, Any]] = items) -> None:
                    for item in items:
                        r.model.model_validate(item)

                def translate(r: Resource = r, items: list[dict[str, Any]] = items) -> None:
                    for item in items:
                        reader.translate_item(r, item)

                rows[r.name] = (len(items), _best(repeat, parse), _best(repeat, translate))
        return rows
    finally:
        sandbox.stop()


# -- 3. peak memory at N and 10 N -------------------------------------------------------------


def peak_rss() -> int:
    """This process's peak RSS in bytes (VmHWM)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_read(url: str, trace: bool) -> None:
    """In a child process: read everything as `hub extract` does, print peak memory as JSON."""
    with connector(url) as reader:
        reader.read("subsidiaries").__next__()  # imports and the first call are not measured
        out = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115
        rss_before = peak_rss()
        if trace:
            tracemalloc.start()

        def sink(page: Any) -> None:
            for record in page.records:
                out.write(record.model_dump_json() + "\n")

        stats = pull(reader, READ_RESOURCES, sink)
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        out.close()
    print(
        json.dumps(
            {
                "traced_peak": peak,
                "max_rss": peak_rss(),
                "rss_before": rss_before,
                "records": sum(stats.records.values()),
            }
        )
    )


def measure_memory(records: int) -> dict[str, Any]:
    """Peak traced memory and peak RSS of reader processes (the sandbox lives in this one)."""
    sandbox = Sandbox(records)
    try:
        figures: dict[str, Any] = {}
        for trace in (True, False):
            command = [sys.executable, __file__, "--child-read", sandbox.url]
            done = subprocess.run(
                [*command, *(["--trace"] if trace else [])],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            if trace:
                figures["traced_peak"] = result["traced_peak"]
            else:
                figures.update(max_rss=result["max_rss"], rss_before=result["rss_before"])
            figures["records"] = result["records"]
        return figures
    finally:
        sandbox.stop()


# -- 4. the account's concurrency with several readers ----------------------------------------


class _InFlight(httpx.BaseTransport):
    """Integrates the number of requests in flight over time, and counts 429s."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport(limits=httpx.Limits(max_connections=32))
        self._lock = threading.Lock()
        self.current = 0
        self.area = 0.0
        self.last = time.monotonic()
        self.first: float | None = None
        self.statuses: dict[int, int] = defaultdict(int)

    def _tick(self, delta: int) -> None:
        with self._lock:
            now = time.monotonic()
            if self.first is None:
                self.first, self.last = now, now
            self.area += self.current * (now - self.last)
            self.last = now
            self.current += delta

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._tick(+1)
        try:
            response = self._inner.handle_request(request)
            response.read()
        finally:
            self._tick(-1)
        with self._lock:
            self.statuses[response.status_code] += 1
        return response

    def close(self) -> None:
        self._inner.close()


def measure_concurrency(
    records: int, concurrency: int, readers: int, slow: float
) -> dict[str, Any]:
    """Readers share one limiter with the account's concurrency; the sandbox enforces the same
    limit and answers every call `slow` seconds late. Used share = time-averaged requests in
    flight / the limit, while at least `concurrency` readers are still reading."""
    sandbox = Sandbox(records, concurrency=concurrency, slow=slow)
    limiter = MemoryRateLimiter(Budget(windows=(), concurrency=concurrency))
    transport = _InFlight()
    small = tuple(replace(r, page_size=10) for r in NetSuiteConnector.RESOURCES)
    cls = type("NetSuitePages10", (NetSuiteConnector,), {"RESOURCES": small})
    work: Queue[str] = Queue()
    for name in (
        "vendor_bills",
        "invoices",
        "journal_entries",
        "vendor_payments",
        "customer_payments",
        "vendors",
        "customers",
        "accounts",
    ):
        work.put(name)

    def reader() -> None:
        with connector(sandbox.url, cls=cls, limiter=limiter, transport=transport) as c:
            while True:
                try:
                    name = work.get_nowait()
                except Empty:
                    return
                for _ in c.read(name):
                    pass

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    try:
        for thread in threads:
            thread.start()
        # The share is measured while demand exceeds the limit: as long as at least as many
        # readers as the account has slots are still reading.
        time.sleep(0.05)
        while sum(t.is_alive() for t in threads) >= concurrency:
            time.sleep(0.02)
        transport._tick(0)
        elapsed = transport.last - (transport.first or transport.last)
        share = transport.area / (concurrency * elapsed) if elapsed else 0.0
        for thread in threads:
            thread.join()
        return {
            "share": share,
            "seconds": elapsed,
            "calls": sum(transport.statuses.values()),
            "429": transport.statuses.get(429, 0),
            "sandbox_429": sandbox.control("stats")["rate_limited"],
        }
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--skip", default="", help="comma list: calls,translate,memory,budget")
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--slow", type=float, default=0.05, help="seconds each call is held")
    parser.add_argument("--child-read", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_read:
        child_read(args.child_read, args.trace)
        return
    skip = set(args.skip.split(","))
    n = args.records
    lines: list[tuple[str, str, str]] = []
    if "calls" not in skip:
        c = measure_calls(n)
        lines.append(
            (
                f"SuiteQL calls, full read, N={n}",
                (
                    f"{c['calls']} made / {c['minimum']} minimum ({c['records']} records, "
                    f"{c['seconds']:.1f} s)"
                ),
                f"ratio {c['calls'] / c['minimum']:.2f} (target 1.00)",
            )
        )
    if "translate" not in skip:
        rows = measure_translation(n)
        items = sum(r[0] for r in rows.values())
        parse = sum(r[1] for r in rows.values())
        both = sum(r[2] for r in rows.values())
        lines.append(
            (
                f"translation, {items} records",
                f"{items / both:,.0f}/s parse+translate vs {items / parse:,.0f}/s parse",
                f"ratio {both / parse:.2f} (target <= 2)",
            )
        )
        for name, (count, p, t) in rows.items():
            lines.append(
                (f"  {name}", f"{count} items: {p * 1000:.1f} vs {t * 1000:.1f} ms", f"{t / p:.2f}")
            )
    if "memory" not in skip:
        small, large = measure_memory(n), measure_memory(10 * n)
        lines.append(
            (
                f"peak memory (traced), N={n} vs 10N",
                f"{small['traced_peak'] / 1e6:.1f} MB vs {large['traced_peak'] / 1e6:.1f} MB",
                f"ratio {large['traced_peak'] / small['traced_peak']:.2f} (target ~1, flat)",
            )
        )
        lines.append(
            (
                "peak RSS of the reader (no tracing)",
                f"{small['max_rss'] / 1e6:.1f} MB vs {large['max_rss'] / 1e6:.1f} MB",
                (
                    f"ratio {large['max_rss'] / small['max_rss']:.2f}; "
                    f"{small['records']} vs {large['records']} records"
                ),
            )
        )
    if "budget" not in skip:
        b = measure_concurrency(n, args.concurrency, args.readers, args.slow)
        lines.append(
            (
                f"concurrency, {args.concurrency} in flight, {args.readers} readers",
                f"{b['calls']} calls, {b['seconds']:.1f} s measured",
                f"used {b['share'] * 100:.1f}% (target >= 95%)",
            )
        )
        lines.append(("429s received", f"{b['429']} (sandbox: {b['sandbox_429']})", "target 0"))
    width = max(len(a) for a, _, _ in lines) + 2
    for a, b_, c_ in lines:
        print(f"{a:<{width}}{b_:<52}{c_}")


if __name__ == "__main__":
    main()
