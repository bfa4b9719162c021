"""The demo's last step: a local webhook receiver gets every event, and verifies each one.

The receiver listens on 127.0.0.1 (let through the SSRF guard for the demo's workers only,
with `LEDGERHUB_WEBHOOK_ALLOWED_HOSTS`) and checks every delivery with the `standardwebhooks`
library, exactly as a platform would.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rich.console import Console
from rich.table import Table
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hub.jobs.dispatch import dispatch_pending
from hub.jobs.runtime import Runtime
from hub.store.webhooks import EndpointView

DEMO_HOST = "127.0.0.1"
DESCRIPTION = "hub demo receiver"


@dataclass
class Arrival:
    """One request as received, and when."""

    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class DemoReceiver:
    """What the receiver got."""

    url: str
    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def demo_receiver() -> Iterator[DemoReceiver]:
    """A receiver on 127.0.0.1 answering 204 to every POST."""
    state: DemoReceiver

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.arrivals.append(
                    Arrival({k.lower(): v for k, v in self.headers.items()}, body, time.time())
                )
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((DEMO_HOST, 0), Handler)
    state = DemoReceiver(f"http://{DEMO_HOST}:{server.server_address[1]}/webhooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def subscribe(runtime: Runtime, tenant_id: str, url: str) -> tuple[EndpointView, str]:
    """A fresh endpoint for every event type (a previous demo's endpoints are removed)."""
    store = runtime.store.webhooks
    for old in store.list_endpoints(tenant_id):
        if old.description == DESCRIPTION:
            store.delete_endpoint(tenant_id, old.id)
    return store.create_endpoint(tenant_id, url, ["*"], DESCRIPTION)


def deliver_and_verify(
    runtime: Runtime,
    endpoint: EndpointView,
    secret: str,
    receiver: DemoReceiver,
    console: Console,
    timeout: float,
) -> dict[str, int]:
    """Wait until every event reached the receiver, verify each signature, print a table."""
    dispatch_pending(runtime)
    store = runtime.store.webhooks
    deadline = time.monotonic() + timeout
    while True:
        messages = store.messages(endpoint.id)
        if messages and all(m.status == "delivered" for m in messages):
            break
        if time.monotonic() > deadline:
            waiting = Counter(m.status for m in messages)
            raise RuntimeError(f"webhooks not all delivered in {timeout:.0f} s: {dict(waiting)}")
        time.sleep(0.2)
    verifier = Webhook(secret)
    verified = 0
    types: Counter[str] = Counter()
    lags: list[float] = []
    for arrival in receiver.arrivals:
        try:
            event = verifier.verify(arrival.body, arrival.headers)
        except WebhookVerificationError as exc:
            raise RuntimeError(f"a delivery did not verify: {exc}") from None
        verified += 1
        types[event["type"]] += 1
        occurred = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
        lags.append(arrival.at - occurred.timestamp())
    ids = {json.loads(a.body)["id"] for a in receiver.arrivals}
    table = Table("event type", "delivered", title=f"Webhooks received at {receiver.url}")
    for name, count in sorted(types.items()):
        table.add_row(name, str(count))
    console.print(table)
    p50 = statistics.median(lags) if lags else 0.0
    console.print(
        f"{len(messages)} events, {len(receiver.arrivals)} deliveries ({len(ids)} distinct), "
        f"{verified} verified with standardwebhooks; change-to-arrival p50 {p50:.2f} s"
    )
    return dict(types)
