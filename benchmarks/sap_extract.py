"""Reading an SAP S/4HANA system through the adapter: calls, translation speed, memory.

    .venv/bin/python benchmarks/sap_extract.py --records 1000

Runs the SAP sandbox on loopback (a thread; for memory, the reader runs in a child process so
the sandbox's own data is not counted) and prints one table. Every ratio is against a baseline
measured in the same run: calls against the theoretical minimum for the seeded data, translation
against a plain pydantic parse of the same payloads, memory at 10 N against N.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

from connectors.base import ConnectionConfig, FetchedPage, Resource
from connectors.ids import StableIds
from connectors.pull import pull
from connectors.ratelimit import Budget, MemoryRateLimiter
from connectors.sandbox import run_in_thread
from connectors.sap.client import SapConnector
from connectors.sap.models import JournalItem
from connectors.sap.resources import PAGE
from connectors.sap.sandbox import SapSandboxConfig, create_app

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"
READ_RESOURCES = [r.name for r in SapConnector.RESOURCES if r.objects]  # as `hub extract`


class Sandbox:
    """An SAP sandbox in a thread, with its control endpoints."""

    def __init__(self, records: int, *, seed: int = 7) -> None:
        config = SapSandboxConfig(
            seed=seed,
            records=records,
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            no_limits=True,
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
    url: str, cls: type[SapConnector] = SapConnector, page_size: int | None = None
) -> SapConnector:
    """A connector on the sandbox, configured as `hub extract` configures it."""
    config = ConnectionConfig(
        connection_id="bench:sap",
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        options={"page_size": str(page_size)} if page_size else {},
    )
    return cls(
        config,
        limiter=MemoryRateLimiter(Budget.unlimited()),
        ids=StableIds(config.connection_id, remember=False),
    )


class Recording(SapConnector):
    """Keeps every raw item read, to time parsing and translation on the same payloads."""

    captured: ClassVar[dict[str, list[dict[str, Any]]]] = defaultdict(list)

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        page = super().fetch_page(resource, since, token)
        self.captured[resource.name].extend(page.items)
        return page


# -- 1. calls vs the theoretical minimum ------------------------------------------------------


def minimum_calls(sets: dict[str, int]) -> tuple[int, dict[str, int]]:
    """Calls no client can avoid: ceil(rows / 5000) per entity set read (one when empty).

    Expanded navigations come in the same response, so only the top-level rows count; each
    page of supplier invoices needs the clearings of its supplier items from another service; the
    journal entry items are read twice (manual journals and payments are different filters),
    counted here at their full size, which over-states the minimum slightly in our favour only
    when a filter keeps fewer rows than a page.
    """
    parts: dict[str, int] = {}
    rows = {
        "accounts": sets["API_GLACCOUNTINCHARTOFACCOUNTS_SRV/A_GLAccountInChartOfAccounts"],
        "cost_centers": sets["API_COSTCENTER_SRV/A_CostCenter"],
        "profit_centers": sets["API_PROFITCENTER_SRV/A_ProfitCenter"],
        "business_partners": sets["API_BUSINESS_PARTNER/A_BusinessPartner"],
        "supplier_invoices": sets["API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice"],
        "billing_documents": sets["API_BILLING_DOCUMENT_SRV/A_BillingDocument"],
    }
    for name, count in rows.items():
        parts[name] = max(1, math.ceil(count / PAGE))
    # Whether a supplier invoice is paid is only in the journal entry items: one read of the
    # cleared supplier items per page of invoices (fewer than a page of them at these sizes).
    parts["supplier invoice clearings"] = parts["supplier_invoices"]
    parts["company code (currency, chart)"] = 1
    return sum(parts.values()), parts


def journal_minimum(captured_rows: dict[str, int]) -> dict[str, int]:
    """The journal reads' minimum from the rows their filters actually keep."""
    return {name: max(1, math.ceil(rows / PAGE)) for name, rows in captured_rows.items()}


def measure_calls(records: int) -> dict[str, Any]:
    """A full read as `hub extract` does it; calls counted by the sandbox."""
    sandbox = Sandbox(records)
    try:
        Recording.captured.clear()
        with connector(sandbox.url, cls=Recording) as reader:
            started = time.perf_counter()
            stats = pull(reader, READ_RESOURCES, lambda page: None)
            seconds = time.perf_counter() - started
        served = sandbox.control("stats")["by_route"]
        api = {k: n for k, n in served.items() if "/sap/opu/odata/" in k}
        minimum, parts = minimum_calls(sandbox.control("counts")["sets"])
        kept = {
            name: sum(len(group["items"]) for group in Recording.captured[name])
            for name in ("journal_entries", "payments")
        }
        journal = journal_minimum(kept)
        parts.update({f"{k} ({kept[k]} items)": v for k, v in journal.items()})
        minimum += sum(journal.values())
        return {
            "calls": sum(api.values()),
            "token_calls": served.get("POST /oauth/token", 0),
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
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure_translation(records: int, repeat: int = 5) -> dict[str, tuple[int, float, float]]:
    """Items per second: the payload model's `model_validate` alone vs parse + translate."""
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
                grouped = "items" in items[0]

                def parse(
                    r: Resource = r, items: list[dict[str, Any]] = items, grouped: bool = grouped
                ) -> None:
                    for item in items:
                        if grouped:
                            for line in item["items"]:
                                JournalItem.model_validate(line)
                        else:
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


def child_read(url: str, trace: bool, page_size: int | None) -> None:
    """In a child process: read everything as `hub extract` does, print peak memory as JSON."""
    with connector(url, page_size=page_size) as reader:
        reader.context()  # imports and the first token are not what we measure
        out = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115
        rss_before = peak_rss()
        if trace:
            tracemalloc.start()

        def sink(page: Any) -> None:
            for record in page.records:
                line = {"object": type(record).OBJECT, "resource": page.resource}
                line["record"] = record.to_json_dict()
                out.write(json.dumps(line, separators=(",", ":")) + "\n")

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


def measure_memory(records: int, page_size: int | None) -> dict[str, Any]:
    """Peak traced memory and peak RSS of reader processes (the sandbox lives in this one)."""
    sandbox = Sandbox(records)
    try:
        figures: dict[str, Any] = {}
        for trace in (True, False):
            command = [sys.executable, __file__, "--child-read", sandbox.url]
            if page_size:
                command += ["--page-size", str(page_size)]
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


def _mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB"


def main() -> None:
    """Parse arguments, run the measurements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000, help="documents to seed (N)")
    parser.add_argument("--skip", default="", help="comma list of: calls,translate,memory")
    parser.add_argument(
        "--page-size",
        type=int,
        default=500,
        help="rows per request for the memory runs (a read holds one page; default 500 so "
        "that N and 10 N both span several pages)",
    )
    parser.add_argument("--child-read", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_read:
        child_read(args.child_read, args.trace, args.page_size)
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
                f"ratio {both / parse:.2f}",
            )
        )
    if "memory" not in skip:
        small, large = measure_memory(n, args.page_size), measure_memory(10 * n, args.page_size)
        table.append(
            (
                f"peak memory (traced, pages of {args.page_size}), N={n} vs 10N",
                f"{_mb(small['traced_peak'])} vs {_mb(large['traced_peak'])}",
                f"ratio {large['traced_peak'] / small['traced_peak']:.2f} (target ~1, flat)",
            )
        )
        table.append(
            (
                f"peak RSS of the reader, N={n} vs 10N",
                f"{_mb(small['max_rss'])} vs {_mb(large['max_rss'])}",
                f"ratio {large['max_rss'] / small['max_rss']:.2f}",
            )
        )
    width = max(len(row[0]) for row in table) if table else 0
    for what, figure, ratio in table:
        print(f"{what:<{width}}  {figure}  {ratio}")


if __name__ == "__main__":
    main()
