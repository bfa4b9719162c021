"""Webhook delivery: throughput against a plain POST loop, and change-to-arrival latency.

    .venv/bin/python benchmarks/webhooks.py --events 2000 --samples 20
    .venv/bin/python benchmarks/webhooks.py --events 500 --repeat 3 --throughput-only

1. Throughput. N events for one endpoint are delivered by `hub.webhooks.delivery.drain` (what
   the `deliver_webhooks` job runs: claims with leases, signing, the SSRF-guarded client,
   attempt records) to a local keep-alive receiver answering 204; the baseline is a plain
   `httpx.Client` POST loop of the same N bodies to the same receiver, in the same run; best of
   `--repeat` runs of each (the machine is shared), and each run's own ratio. Ratio = hub /
   baseline (target >= 0.5). The receiver runs in a process of its own, as a receiver does
   (`--receiver-in-process`: in this one, where its threads compete with the hub's parallel
   senders for the interpreter lock). `--throughput-only` skips part 2.
2. Latency from a change in a Xero sandbox to the webhook's arrival at the receiver, through real
   `hub worker` processes: (a) with Xero's inbound webhook (the notice is sent right after the
   change; target p99 <= 2 s), (b) without it, by `hub scheduler` polling every `--poll` seconds
   (target p99 <= poll + 1 s), timed from the end of the scheduler's first round (not its
   process start). Each change is made right after the previous webhook arrived, i.e. just
   after a poll: close to the worst case of a whole interval.

Everything runs on embedded defaults in a temporary data directory (SQLite, Valkey).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from canonical import OBJECTS  # noqa: E402
from connectors.sandbox import run_in_thread  # noqa: E402
from connectors.xero.sandbox import XeroSandboxConfig, create_app  # noqa: E402
from connectors.xero.webhooks import signature  # noqa: E402
from hub.broker import embedded_env, embedded_server  # noqa: E402
from hub.connect import authorize_client_credentials, create_connection  # noqa: E402
from hub.jobs.dispatch import dispatch_pending  # noqa: E402
from hub.jobs.enqueue import sync_sender  # noqa: E402
from hub.jobs.runtime import Runtime  # noqa: E402
from hub.jobs.scheduler import enqueue_sync, syncable_resources  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.webhooks.delivery import drain  # noqa: E402

CLIENT_ID, CLIENT_SECRET, XERO_KEY = "bench-client", "bench-secret", "bench-xero-webhook-key"


class Receiver:
    """A keep-alive HTTP/1.1 receiver on 127.0.0.1 answering 204; arrivals with their times."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        lock = threading.Lock()
        arrivals = self.arrivals

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    arrivals.append((time.monotonic(), body))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        """Requests received so far."""
        return len(self.arrivals)

    def reset(self) -> None:
        """Forget the requests received so far."""
        self.arrivals.clear()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def _serve_counting(count: Any, ports: Any) -> None:
    """The body of `ProcessReceiver`'s process: the same handler, counting into `count`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with count.get_lock():
                count.value += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ports.put(server.server_address[1])
    server.serve_forever()


class ProcessReceiver:
    """The same keep-alive receiver answering 204, in a process of its own, as a receiver is
    in real life: its work does not share the sender's interpreter lock (in-process, the
    receiver's threads compete with the hub's parallel senders, which the one-connection
    baseline does not have to)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._count = context.Value("q", 0)
        ports = context.Queue()
        self._process = context.Process(
            target=_serve_counting, args=(self._count, ports), daemon=True
        )
        self._process.start()
        self.url = f"http://127.0.0.1:{ports.get(timeout=60)}/hooks"

    def count(self) -> int:
        """Requests received so far."""
        return int(self._count.value)

    def reset(self) -> None:
        """Forget the requests received so far."""
        with self._count.get_lock():
            self._count.value = 0

    def close(self) -> None:
        """Stop the process."""
        self._process.terminate()
        self._process.join(timeout=10)


@contextmanager
def hub(tmp: Path, **settings: Any) -> Iterator[Runtime]:
    """A runtime on embedded defaults in `tmp` (its broker stops with it)."""
    runtime = Runtime(
        Settings.model_validate(
            {
                "data_dir": tmp,
                "webhook_allowed_hosts": ["127.0.0.1"],
                "erp_allowed_hosts": ["127.0.0.1"],  # the loopback sandbox ERP
                **settings,
            }
        )
    )
    try:
        yield runtime
    finally:
        runtime.close()
        if runtime.settings.uses_embedded_broker:  # not left to be revived by its watcher
            embedded_server(runtime.settings).stop(force=True)


def throughput(events: int, in_process: bool = False) -> dict[str, float]:
    """Deliveries per second: the hub's drain vs a plain POST loop, to one receiver (in a
    process of its own, or in this one with `in_process`)."""
    receiver: Receiver | ProcessReceiver = Receiver() if in_process else ProcessReceiver()
    with tempfile.TemporaryDirectory() as tmp, hub(Path(tmp)) as runtime:
        store = runtime.store
        tenant = store.connections.create_tenant("bench")
        connection = store.connections.create(
            tenant_id=tenant.id, erp="xero", display_name="bench", status="active"
        )
        endpoint, _secret = store.webhooks.create_endpoint(tenant.id, receiver.url, ["*"])
        records = [
            OBJECTS["supplier"].parse(
                {"name": f"Supplier {i}", "remote_id": f"r{i}", "connection_id": connection.id}
            )
            for i in range(events)
        ]
        store.records.apply_records(connection.id, records, "cor_bench")
        started = time.perf_counter()
        dispatch_pending(runtime)
        fanout = time.perf_counter() - started
        bodies = [m.body.encode() for m in store.webhooks.messages(endpoint.id)]

        started = time.perf_counter()
        while receiver.count() < events:
            drain(runtime, endpoint.id)
        hub_s = time.perf_counter() - started

        receiver.reset()
        started = time.perf_counter()
        with httpx.Client(timeout=10) as client:
            for body in bodies:
                client.post(
                    receiver.url, content=body, headers={"content-type": "application/json"}
                )
        plain_s = time.perf_counter() - started
        receiver.close()
    return {
        "events": events,
        "fanout_per_s": events / fanout,
        "hub_per_s": events / hub_s,
        "plain_per_s": events / plain_s,
        "ratio": plain_s / hub_s,
    }


def _workers(runtime: Runtime, *command: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **embedded_env(runtime.settings)}
    env["LEDGERHUB_DATABASE_URL"] = runtime.settings.database_url
    env["LEDGERHUB_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
    env["LEDGERHUB_ERP_ALLOWED_HOSTS"] = "127.0.0.1"
    env["LEDGERHUB_LOG_LEVEL"] = "WARNING"
    env["LEDGERHUB_SYNC_INTERVAL_SECONDS"] = str(runtime.settings.sync_interval_seconds)
    log = (runtime.settings.data_dir / "bench-workers.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "hub", *command], env=env, cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p99": p99, "max": ordered[-1], "n": len(ordered)}


def latency(samples: int, poll: float, poll_samples: int) -> dict[str, Any]:
    """Change in the sandbox -> webhook at the receiver, with and without Xero's notice."""
    from fastapi.testclient import TestClient

    from hub.api.app import create_app as create_api

    config = XeroSandboxConfig(
        seed=3, records=100, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        no_limits=True,
    )  # fmt: skip
    sandbox = run_in_thread(create_app(config))
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, hub(Path(tmp), sync_interval_seconds=poll) as rt:
        store = rt.store
        tenant = store.connections.create_tenant("bench")
        view = create_connection(
            rt, erp="xero", base_url=sandbox.url, client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET, tenant_id=tenant.id,
            options={"limits": {"none": True}},
        )  # fmt: skip
        view = authorize_client_credentials(rt, view.id)
        sealed = store.box.seal(XERO_KEY, context=f"erp-webhook:{view.id}")
        view = store.connections.update(
            view.id, options={**view.options, "erp_webhook_key": sealed}
        )
        workers = _workers(rt, "worker", "-p", "1", "-t", "4")
        try:
            runs = [
                enqueue_sync(rt, view.id, r, sync_sender(rt, full=True))
                for r in syncable_resources("xero")
            ]
            while any(store.runs.get(r).status == "running" for r in runs if r):  # type: ignore[union-attr]
                time.sleep(0.2)
            receiver = Receiver()
            store.webhooks.create_endpoint(tenant.id, receiver.url, ["invoice.updated"])
            api = TestClient(create_api(rt))
            inbound: list[float] = []
            for i in range(samples):
                before = len(receiver.arrivals)
                changed = time.monotonic()
                sandbox_control(sandbox.url, {"object": "invoices", "update": 1})
                notice = json.dumps({"events": [{"eventCategory": "INVOICE",
                                                 "tenantId": view.remote_tenant_id,
                                                 "eventType": "UPDATE", "resourceId": str(i)}],
                                     "entropy": str(i)}).encode()  # fmt: skip
                api.post(f"/v1/inbound/xero/{view.id}", content=notice,
                         headers={"x-xero-signature": signature(XERO_KEY, notice)})  # fmt: skip
                inbound.append(_arrival(receiver, before, changed, 30) - changed)
            results["inbound"] = _percentiles(inbound)
            launched = datetime.now(UTC)
            scheduler = _workers(rt, "scheduler")
            polled: list[float] = []
            try:
                _first_round(rt, view.id, launched)
                for _ in range(poll_samples):
                    before = len(receiver.arrivals)
                    changed = time.monotonic()
                    sandbox_control(sandbox.url, {"object": "invoices", "update": 1})
                    polled.append(_arrival(receiver, before, changed, poll * 4 + 30) - changed)
            finally:
                scheduler.terminate()
                scheduler.wait(timeout=30)
            results["poll"] = {**_percentiles(polled), "interval": poll}
            print("poll samples:", " ".join(f"{x:.2f}" for x in polled), file=sys.stderr)
            receiver.close()
        finally:
            workers.terminate()
            workers.wait(timeout=30)
    sandbox.stop()
    return results


def _first_round(
    runtime: Runtime, connection_id: str, launched: datetime, timeout: float = 120
) -> None:
    """Wait until the scheduler process is up and its first round of invoice syncs is done:
    the samples time polling, not the start of a process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = runtime.store.runs.list(connection_id, "invoices", limit=1)
        last = runs[0] if runs else None
        if last and last.started_at.replace(tzinfo=UTC) > launched and last.status != "running":
            return
        time.sleep(0.05)
    raise RuntimeError("the scheduler enqueued no sync")


def sandbox_control(url: str, change: dict[str, Any]) -> None:
    """Make a change in the sandbox."""
    httpx.post(f"{url}/_sandbox/changes", json=change, timeout=10).raise_for_status()


def _arrival(receiver: Receiver, before: int, since: float, timeout: float) -> float:
    deadline = since + timeout
    while len(receiver.arrivals) <= before:
        if time.monotonic() > deadline:
            raise RuntimeError("no webhook arrived")
        time.sleep(0.005)
    return receiver.arrivals[before][0]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="Throughput runs (best of).")
    parser.add_argument("--poll", type=float, default=5.0, help="Scheduler interval (s).")
    parser.add_argument("--poll-samples", type=int, default=6)
    parser.add_argument(
        "--receiver-in-process",
        action="store_true",
        help="Throughput: run the receiver in this process (as before 2026-12-07) instead of "
        "a process of its own.",
    )
    parser.add_argument(
        "--throughput-only", action="store_true", help="Skip the latency measurements."
    )
    args = parser.parse_args()
    runs = [throughput(args.events, args.receiver_in_process) for _ in range(args.repeat)]
    ratios = ", ".join(f"{r['ratio']:.2f}" for r in runs)
    hub_best = max(r["hub_per_s"] for r in runs)
    plain_best = max(r["plain_per_s"] for r in runs)
    print(
        f"throughput: {args.events} events, best of {args.repeat}: hub {hub_best:.0f}/s, plain "
        f"POST loop {plain_best:.0f}/s, ratio {hub_best / plain_best:.2f} (target >= 0.5); "
        f"fan-out {max(r['fanout_per_s'] for r in runs):.0f} events/s; "
        f"ratios per run: {ratios}; receiver "
        f"{'in this process' if args.receiver_in_process else 'in a process of its own'}"
    )
    if args.throughput_only:
        return
    lat = latency(args.samples, args.poll, args.poll_samples)
    i, p = lat["inbound"], lat["poll"]
    print(
        f"change -> webhook with Xero's notice: p50 {i['p50']:.2f} s, p99 {i['p99']:.2f} s "
        f"(n={i['n']}, target p99 <= 2 s)"
    )
    print(
        f"change -> webhook by polling every {p['interval']:.0f} s: p50 {p['p50']:.2f} s, "
        f"p99 {p['p99']:.2f} s (n={p['n']}, target p99 <= {p['interval'] + 1:.0f} s)"
    )


if __name__ == "__main__":
    main()
