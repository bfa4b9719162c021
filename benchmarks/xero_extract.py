"""Reading a Xero organisation through the adapter: calls, translation speed, memory, rate budget.

    .venv/bin/python benchmarks/xero_extract.py --records 1000

Runs the Xero sandbox on loopback (a thread; for memory, the reader runs in a child process so
the sandbox's own data is not counted) and prints one table. Every ratio is against a baseline
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
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

from connectors.base import ConnectionConfig, Connector, FetchedPage, Resource
from connectors.ids import StableIds
from connectors.pull import pull
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter
from connectors.sandbox import RateLimits, run_in_thread
from connectors.xero.auth import xero_budget
from connectors.xero.client import XeroConnector
from connectors.xero.sandbox import XeroSandboxConfig, create_app

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"
XERO_PAGE = 1000
READ_RESOURCES = [r.name for r in XeroConnector.RESOURCES if r.objects]  # as `hub extract`


class Sandbox:
    """A Xero sandbox in a thread, with its control endpoints."""

    def __init__(self, records: int, *, seed: int = 7, limits: RateLimits | None = None) -> None:
        config = XeroSandboxConfig(
            seed=seed,
            records=records,
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            no_limits=limits is None,
            limits=limits or RateLimits(),
        )
        self.app = create_app(config)
        self.server = run_in_thread(self.app)
        self.url = self.server.url

    def control(self, path: str) -> dict[str, Any]:
        """GET /_sandbox/<path>."""
        return dict(httpx.get(f"{self.url}/_sandbox/{path}", timeout=30).json())

    def stop(self) -> None:
        """Stop the server."""
        self.server.stop()


def connector(
    url: str,
    *,
    cls: type[Connector] = XeroConnector,
    limiter: RateLimiter | None = None,
    tenant_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Connector:
    """A Xero connector on the sandbox, configured as `hub extract` configures it."""
    config = ConnectionConfig(
        connection_id="bench:xero",
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        tenant_id=tenant_id,
    )
    return cls(
        config,
        limiter=limiter or MemoryRateLimiter(Budget.unlimited()),
        transport=transport,
        ids=StableIds(config.connection_id, remember=False),  # a read-only run, as hub extract
    )


def with_page_size(size: int) -> type[XeroConnector]:
    """XeroConnector with `size` items per page on its paged resources."""
    resources = tuple(
        replace(r, page_size=size) if r.page_size else r for r in XeroConnector.RESOURCES
    )
    return type(f"XeroPages{size}", (XeroConnector,), {"RESOURCES": resources})


class Recording(XeroConnector):
    """Keeps every raw item fetched, to time parsing and translation on the same payloads."""

    captured: ClassVar[dict[str, list[dict[str, Any]]]] = defaultdict(list)

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        fetched = super().fetch_page(resource, since, token)
        self.captured[resource.name].extend(fetched.items)
        return fetched


# -- 1. calls vs the theoretical minimum ------------------------------------------------------


def minimum_calls(counts: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """Calls no client can avoid for this read, per what they are for."""
    parts: dict[str, int] = {}
    for r in XeroConnector.RESOURCES:
        if r.name not in READ_RESOURCES:
            continue
        total = int(counts[r.name]["total"])
        # A paged list needs ceil(total / page size) pages, and one call even when empty.
        parts[r.name] = max(1, math.ceil(total / XERO_PAGE)) if r.page_size else 1
    parts["connections (tenant id)"] = 1  # `hub extract` without --tenant must look it up
    parts["organisation (base currency)"] = 1  # translation needs it; not a read resource
    return sum(parts.values()), parts


def measure_calls(records: int) -> dict[str, Any]:
    """A full read as `hub extract` does it; calls counted by the sandbox and by the client."""
    sandbox = Sandbox(records)
    try:
        Recording.captured.clear()
        with connector(sandbox.url, cls=Recording) as reader:
            started = time.perf_counter()
            stats = pull(reader, READ_RESOURCES, lambda page: None)
            seconds = time.perf_counter() - started
            client = reader.http.stats  # type: ignore[attr-defined]
        served = sandbox.control("stats")["by_route"]
        api = {k: n for k, n in served.items() if not k.startswith("POST /connect/token")}
        minimum, parts = minimum_calls(sandbox.control("counts"))
        return {
            "calls": sum(api.values()),
            "client_calls": client.calls,
            "token_calls": served.get("POST /connect/token", 0),
            "minimum": minimum,
            "parts": parts,
            "by_route": api,
            "records": sum(stats.records.values()),
            "items": sum(stats.fetched.values()),
            "failures": sum(stats.failures.values()),
            "seconds": seconds,
        }
    finally:
        sandbox.stop()


# -- 2. translation vs a raw pydantic parse ---------------------------------------------------


def _best(repeat: int, run: Callable[[], None]) -> float:
    # CPU seconds of this thread: on a shared machine, wall time also counts the other
    # processes that had the core meanwhile, and moved this ratio by +-1 between runs.
    times = []
    for _ in range(repeat):
        started = time.thread_time()
        run()
        times.append(time.thread_time() - started)
    return min(times)


def measure_translation(records: int, repeat: int = 5) -> dict[str, tuple[int, float, float]]:
    """Items per second: `Model.model_validate` alone vs the adapter's parse + translate."""
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
                reader.prepare_read(r)  # what translation needs is read before, not timed

                def parse(r: Resource = r, items: list[dict[str, Any]] = items) -> None:
                    for item in items:
                        r.model.model_validate(item)

                def translate(r: Resource = r, items: list[dict[str, Any]] = items) -> None:
                    for item in items:
                        try:
                            reader.translate_item(r, item)
                        except Exception:  # counted as failures by the read itself
                            continue

                rows[r.name] = (len(items), _best(repeat, parse), _best(repeat, translate))
        return rows
    finally:
        sandbox.stop()


# -- 3. peak memory at N and 10 N -------------------------------------------------------------


def peak_rss() -> int:
    """This process's peak RSS in bytes (VmHWM: ru_maxrss would include the parent's at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_read(url: str, tenant: str, trace: bool) -> None:
    """In a child process: read everything as `hub extract` does, print peak memory as JSON.

    Traced (tracemalloc: Python objects alive at the peak) or not (RSS high-water mark, which
    tracemalloc's own bookkeeping would inflate).
    """
    with connector(url, tenant_id=tenant) as reader:
        assert isinstance(reader, XeroConnector)
        reader.context()  # imports and the first token are not what we measure
        out = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115
        rss_before = peak_rss()
        if trace:
            tracemalloc.start()

        def sink(page: Any) -> None:
            resource = json.dumps(page.resource)
            for record in page.records:  # as hub extract writes them
                body = record.model_dump_json(exclude={"remote_data"})
                head = f'{{"object":"{type(record).OBJECT}","resource":{resource},"record":'
                out.write(f"{head}{body}}}\n")

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
        tenant = sandbox.app.state.sandbox.tenant_id
        figures: dict[str, Any] = {}
        for trace in (True, False):
            command = [sys.executable, __file__, "--child-read", sandbox.url, "--tenant", tenant]
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


# -- 4. the rate budget with limits on --------------------------------------------------------


class _Clock(httpx.BaseTransport):
    """Notes when each request was sent and what it got back."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport(limits=httpx.Limits(max_connections=20))
        self._lock = threading.Lock()
        self.sent: list[tuple[float, str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        at = time.monotonic()
        response = self._inner.handle_request(request)
        with self._lock:
            self.sent.append((at, request.url.path, response.status_code))
        return response

    def close(self) -> None:
        self._inner.close()


def measure_budget(
    records: int, per_window: int, window: float, concurrency: int, seconds: float, readers: int
) -> dict[str, Any]:
    """Calls sent in `seconds` of steady reading vs what the budget allows in that time."""
    limits = RateLimits(per_window=per_window, window_seconds=window, concurrent=concurrency)
    sandbox = Sandbox(records, limits=limits)
    budget = xero_budget(per_minute=per_window, concurrent=concurrency, window_seconds=window)
    limiter = MemoryRateLimiter(budget)  # one per tenant: every reader thread shares it
    clock = _Clock()
    tenant = sandbox.app.state.sandbox.tenant_id
    small = with_page_size(10)  # many pages, so the budget, not the data, runs out
    queue = [name for name in READ_RESOURCES for _ in range(50)]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds + window
    errors: list[str] = []

    def work() -> None:
        with connector(
            sandbox.url, cls=small, limiter=limiter, tenant_id=tenant, transport=clock
        ) as reader:
            while time.monotonic() < deadline:
                with lock:
                    if not queue:
                        return
                    name = queue.pop(0)
                try:
                    for _ in reader.read(name, full=True):
                        if time.monotonic() >= deadline:
                            return
                except Exception as exc:  # reported with the figures
                    errors.append(f"{name}: {exc}")

    threads = [threading.Thread(target=work) for _ in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        api = sorted(at for at, path, _ in clock.sent if "/api.xro/" in path)
        statuses = Counter(status for _, path, status in clock.sent if "/api.xro/" in path)
        start = api[0]
        used = sum(1 for at in api if start <= at < start + seconds)
        allowed = per_window * seconds / window
        served = sandbox.control("stats")
        return {
            "used": used,
            "allowed": allowed,
            "share": used / allowed,
            "429": statuses.get(429, 0),
            "sandbox_429": served.get("rate_limited", {}),
            "errors": errors,
            "waited": limiter.waited,
        }
    finally:
        sandbox.stop()


# -- output -----------------------------------------------------------------------------------


def _mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB"


def main() -> None:
    """Parse arguments, run the measurements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000, help="invoices + bills to seed (N)")
    parser.add_argument("--budget-seconds", type=float, default=20.0)
    parser.add_argument("--budget-records", type=int, default=1000)
    parser.add_argument("--per-window", type=int, default=60)
    parser.add_argument("--window-seconds", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--readers", type=int, default=5)
    parser.add_argument("--skip", default="", help="comma list of: calls,translate,memory,budget")
    parser.add_argument("--child-read", help=argparse.SUPPRESS)
    parser.add_argument("--tenant", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_read:
        child_read(args.child_read, args.tenant, args.trace)
        return
    skip = set(args.skip.split(","))
    n = args.records
    table: list[tuple[str, str, str]] = []
    if "calls" not in skip:
        calls = measure_calls(n)
        table.append(
            (
                f"API calls, full read, N={n}",
                f"{calls['calls']} made / {calls['minimum']} minimum",
                f"ratio {calls['calls'] / calls['minimum']:.2f} (target 1.00)",
            )
        )
        print(f"calls by route: {json.dumps(calls['by_route'])}")
        print(f"minimum: {json.dumps(calls['parts'])}; plus {calls['token_calls']} token call(s)")
        print(
            f"read {calls['items']} items -> {calls['records']} records, "
            f"{calls['failures']} failures, {calls['seconds']:.2f}s"
        )
    if "translate" not in skip:
        rows = measure_translation(n)
        items = sum(c for c, _, _ in rows.values())
        parse = sum(p for _, p, _ in rows.values())
        both = sum(t for _, _, t in rows.values())
        for name, (count, p, t) in rows.items():
            print(
                f"  {name:<20} {count:>7} items  parse {p * 1e3:8.1f} ms  "
                f"parse+translate {t * 1e3:8.1f} ms  ratio {t / p:5.2f}"
            )
        table.append(
            (
                f"translation, {items} items",
                f"{items / both:,.0f}/s parse+translate vs {items / parse:,.0f}/s parse",
                f"ratio {both / parse:.2f} (target <= 2)",
            )
        )
    if "memory" not in skip:
        small, large = measure_memory(n), measure_memory(10 * n)
        table.append(
            (
                f"peak memory (traced), N={n} vs 10N",
                f"{_mb(small['traced_peak'])} vs {_mb(large['traced_peak'])}",
                f"ratio {large['traced_peak'] / small['traced_peak']:.2f} (target ~1, flat)",
            )
        )
        grew = [f["max_rss"] - f["rss_before"] for f in (small, large)]
        table.append(
            (
                "peak RSS of the reader (no tracing)",
                f"{_mb(small['max_rss'])} vs {_mb(large['max_rss'])}",
                (
                    f"ratio {large['max_rss'] / small['max_rss']:.2f}; "
                    f"{small['records']} vs {large['records']} records"
                ),
            )
        )
        table.append(
            (
                "RSS growth during the read",
                f"{_mb(grew[0])} vs {_mb(grew[1])}",
                "above the RSS after imports and the first token",
            )
        )
    if "budget" not in skip:
        b = measure_budget(
            args.budget_records,
            args.per_window,
            args.window_seconds,
            args.concurrency,
            args.budget_seconds,
            args.readers,
        )
        table.append(
            (
                (
                    f"rate budget, {args.per_window}/{args.window_seconds:g}s, "
                    f"{args.concurrency} in flight, {args.readers} readers"
                ),
                f"{b['used']} calls in {args.budget_seconds:g}s of {b['allowed']:.0f} allowed",
                f"share {b['share']:.1%} (target >= 95%)",
            )
        )
        table.append(("429s received", f"{b['429']} (sandbox: {b['sandbox_429']})", "target 0"))
        if b["errors"]:
            print("budget run errors:", b["errors"][:5])
    width = [max(len(row[i]) for row in table) for i in range(3)]
    print()
    for row in table:
        print("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)))


if __name__ == "__main__":
    main()
