"""`hub demo`: the hub's main job, end to end, on embedded defaults.

It validates the sample documents, starts the embedded broker and store, starts each built-in
ERP sandbox, connects each through its OAuth flow (authorization code with PKCE), backfills
through real dramatiq worker processes, makes changes in the sandboxes and shows the incremental
sync pick up exactly those, writes a bill and shows that replaying the request changes nothing,
binds a tenant's custom fields to each ERP's own places and shows them written and read back,
delivers every event to a local webhook receiver that verifies each signature, and ends with a
summary. The data stays in the data directory for `hub records list`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.registry import AdapterSpec, adapters
from hub.broker import embedded_env
from hub.connect import (
    auth_mode_of,
    authorize_client_credentials,
    begin_authorization,
    complete_authorization,
    create_connection,
)
from hub.demo_webhooks import deliver_and_verify, demo_receiver, subscribe
from hub.jobs.runtime import Runtime
from hub.jobs.scheduler import enqueue_sync, syncable_resources
from hub.lifeline import alive, die_with_parent, process_start
from hub.store import ConnectionView, Store, SyncRunView

CLIENT_ID = "ledgerhub-demo"
CLIENT_SECRET = "demo-secret-not-for-production"  # noqa: S105 - the sandbox's own demo client
REDIRECT_URI = "http://127.0.0.1:8765/ledgerhub/callback"


@dataclass
class ErpDemo:
    """One ERP in the demo: its sandbox and its connection."""

    spec: AdapterSpec
    url: str
    stop: Callable[[], None]
    connection: ConnectionView | None = None
    backfill: dict[str, SyncRunView] = field(default_factory=dict)
    incremental: dict[str, SyncRunView] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    write: dict[str, Any] = field(default_factory=dict)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    """{field: (value written, value read back on the next sync)}."""


@dataclass
class DemoResult:
    """What the demo did, for its summary and for tests."""

    erps: list[ErpDemo]
    seconds: float
    records: dict[tuple[str, str], int]
    events: dict[str, int]
    open_cases: int
    webhooks: dict[str, int] = field(default_factory=dict)


def _section(console: Console, title: str) -> None:
    console.rule(f"[bold]{title}")


def _start_sandboxes(records: int, seed: int, console: Console) -> list[ErpDemo]:
    found = []
    for spec in adapters().values():
        if spec.sandbox is None:
            continue
        url, stop = spec.sandbox(
            seed=seed, records=records, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        console.print(f"{spec.title} sandbox at {url} ({records} documents, seed {seed})")
        found.append(ErpDemo(spec, url, stop))
    return found


def _connect(runtime: Runtime, erp: ErpDemo, console: Console) -> ConnectionView:
    interactive = auth_mode_of(erp.spec.name, None, "authorization_code").interactive
    view = create_connection(
        runtime,
        erp=erp.spec.name,
        base_url=erp.url,
        credentials=dict(erp.spec.extras.get("demo_credentials", {})),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        display_name=f"{erp.spec.title} demo",
        grant="authorization_code" if interactive else "client_credentials",
        redirect_uri=REDIRECT_URI if interactive else None,
        # Connection options an adapter's demo needs (NetSuite: the custom fields to read).
        # `demo` names this demo's process, so another demo leaves the connection alone.
        options={"demo": _demo_owner(), **erp.spec.extras.get("demo_options", {})},
    )
    if not interactive:
        # Machine-to-machine sign-in (an SAP communication arrangement): no person approves.
        view = authorize_client_credentials(runtime, view.id)
        console.print(
            f"{erp.spec.title}: authorized with OAuth client credentials, "
            f"connection [bold]{view.id}[/bold]"
        )
        return view
    pending = begin_authorization(runtime, view.id)
    # The sandbox approves at once and redirects to our callback with the code and state,
    # exactly as the ERP's consent page would after a person clicked "Allow".
    answer = httpx.get(pending.request.url, follow_redirects=False, timeout=10)
    callback = answer.headers.get("location", "")
    view = complete_authorization(runtime, pending, callback)
    console.print(
        f"{erp.spec.title}: authorized with PKCE, tenant {view.remote_tenant_id}, "
        f"connection [bold]{view.id}[/bold]"
    )
    return view


def _demo_owner() -> dict[str, Any]:
    """This demo process: its pid and start time (what `_owner_runs` checks)."""
    return {"pid": os.getpid(), "started": process_start(os.getpid())}


def _owner_runs(owner: Any) -> bool:
    """True when the demo that made a connection still runs (`True`: an older demo, gone)."""
    if not isinstance(owner, dict):
        return False
    try:
        return alive(int(owner.get("pid", 0)), str(owner.get("started") or ""))
    except (TypeError, ValueError):
        return False


def remove_finished_demos(store: Store) -> list[str]:
    """Remove the connections of demos that have ended (their sandboxes are gone with them);
    a demo still running elsewhere on this data directory keeps its own. The ids removed."""
    removed = []
    for old in store.connections.list():
        if old.options.get("demo") and not _owner_runs(old.options["demo"]):
            store.connections.remove(old.id)
            removed.append(old.id)
    return removed


@contextmanager
def _workers(runtime: Runtime, processes: int, threads: int) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.update(embedded_env(runtime.settings))
    env["LEDGERHUB_DATABASE_URL"] = runtime.settings.database_url
    env["LEDGERHUB_DATA_DIR"] = str(runtime.settings.data_dir)  # its secret key, its broker
    env.setdefault("LEDGERHUB_LOG_LEVEL", "WARNING")
    env["LEDGERHUB_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"  # the demo's own webhook receiver
    log = (runtime.settings.data_dir / "demo-workers.log").open("ab")
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            *(sys.executable, "-m", "hub", "worker", "-p", str(processes), "-t", str(threads)),
            "--exit-with-parent",  # where Linux's parent-death signal is not available
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Killed with the demo, even by `kill -9` (its worker processes follow their master).
        preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl runs before exec
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_runs(
    runtime: Runtime,
    runs: dict[tuple[str, str], str],
    console: Console,
    label: str,
    timeout: float,
) -> dict[tuple[str, str], SyncRunView]:
    done: dict[tuple[str, str], SyncRunView] = {}
    with Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        TextColumn("{task.fields[status]:<10} {task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks = {
            key: progress.add_task(
                f"{label} {key[0]}:{key[1]}", total=1, status="queued", counts=""
            )
            for key in runs
        }
        deadline = time.monotonic() + timeout
        while len(done) < len(runs) and time.monotonic() < deadline:
            for key, run_id in runs.items():
                if key in done:
                    continue
                run = runtime.store.runs.get(run_id)
                if run is None:
                    continue
                counts = f"{run.pages} pages  +{run.created} ~{run.updated} -{run.deleted}"
                progress.update(tasks[key], status=run.status, counts=counts)
                if run.status != "running":
                    progress.update(tasks[key], completed=1)
                    done[key] = run
            time.sleep(0.2)
    missing = set(runs) - set(done)
    if missing:
        raise TimeoutError(f"{label} did not finish in {timeout:.0f} s: {sorted(missing)}")
    return done


def _enqueue_all(runtime: Runtime, erps: list[ErpDemo], full: bool) -> dict[tuple[str, str], str]:
    from hub.jobs.sender import send_sync

    runs: dict[tuple[str, str], str] = {}
    for erp in erps:
        assert erp.connection is not None
        for resource in syncable_resources(erp.spec.name):
            run_id = enqueue_sync(
                runtime,
                erp.connection.id,
                resource,
                partial(send_sync, full=full),
                full=full,
            )
            if run_id:
                runs[(erp.spec.name, resource)] = run_id
    return runs


def _bill_payload(runtime: Runtime, connection_id: str) -> dict[str, Any]:
    supplier = next(
        r
        for r in runtime.store.records.list(
            connection_id, "supplier", limit=500, include_deleted=False
        )
        if r.data.get("status") == "active"
    )
    accounts = runtime.store.records.list(
        connection_id, "account", limit=500, include_deleted=False
    )
    expense = next((a for a in accounts if a.data.get("type") == "expense"), accounts[0])
    today = datetime.now(UTC).date()
    return {
        "direction": "payable",
        "number": f"DEMO-{today:%Y%m%d}",
        "reference": "Ledgerhub demo bill",
        "party_id": supplier.hub_id,
        "issue_date": today.isoformat(),
        "due_date": (today + timedelta(days=30)).isoformat(),
        "currency": supplier.data.get("currency") or "GBP",
        "status": "authorised",
        "tax_mode": "no_tax",
        "lines": [
            {
                "line_number": 1,
                "description": "Consulting, November",
                "quantity": "4",
                "unit_price": "150.00",
                "net_amount": "600.00",
                "account_code": expense.data["code"],
            }
        ],
    }


def _write_bill(runtime: Runtime, erp: ErpDemo, console: Console, seed: int) -> None:
    from hub.jobs.sender import enqueue_write
    from hub.jobs.writes import submit_write

    assert erp.connection is not None
    payload = _bill_payload(runtime, erp.connection.id)
    key = f"demo-bill-{erp.connection.id}-{seed}"
    before = _sandbox_counts(erp.url)
    request, created = submit_write(runtime, erp.connection.id, "invoice", payload, key)
    enqueue_write(request.id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        request = runtime.store.writes.get(request.id)
        if request.status in {"succeeded", "failed"}:
            break
        time.sleep(0.2)
    console.print(
        f"{erp.spec.title}: bill {payload['number']} → {request.status}, "
        f"remote id {request.remote_id}, hub id {request.hub_id}"
    )
    replay, replay_created = submit_write(runtime, erp.connection.id, "invoice", payload, key)
    enqueue_write(replay.id)  # even a resent job finds the request done and writes nothing
    time.sleep(1.0)
    after = _sandbox_counts(erp.url)
    grew = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k) != before.get(k)}
    console.print(
        f"{erp.spec.title}: replayed the same Idempotency-Key → same request {replay.id} "
        f"(new: {replay_created}); the ERP's documents changed by {grew or 'nothing'}"
    )
    erp.write = {
        "request": request.id,
        "status": request.status,
        "created": created,
        "replay_created": replay_created,
        "erp_delta": grew,
    }


def _custom_fields(runtime: Runtime, erp: ErpDemo, console: Console, timeout: float) -> None:
    from hub.demo_custom_fields import round_trip
    from hub.jobs.sender import send_sync

    assert erp.connection is not None

    def wait_sync(connection_id: str, resources: list[str]) -> None:
        runs = {
            (erp.spec.name, r): run_id
            for r in resources
            if (run_id := enqueue_sync(runtime, connection_id, r, send_sync, full=False))
        }
        _wait_runs(runtime, runs, console, "read back", timeout)

    payload = _bill_payload(runtime, erp.connection.id)
    erp.custom_fields = round_trip(
        runtime, erp.connection.id, erp.spec.title, payload, console, wait_sync
    )


def _sandbox_counts(url: str) -> dict[str, int]:
    answer = httpx.get(f"{url}/_sandbox/counts", timeout=10).json()
    return {str(k): int(v) for k, v in _flatten(answer).items()}


def _flatten(data: Any, prefix: str = "") -> dict[str, int]:
    out: dict[str, int] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    elif isinstance(data, int):
        out[prefix.rstrip(".")] = data
    return out


_DEFAULT_CHANGES: tuple[dict[str, Any], ...] = (
    {"object": "invoices", "update": 3, "delete": 1, "create": 2},
    {"object": "contacts", "update": 2, "create": 1},
)


def _make_changes(erp: ErpDemo, console: Console) -> None:
    """The changes an adapter lists in `extras["demo_changes"]` (Xero's by default)."""
    changes = {}
    for body in erp.spec.extras.get("demo_changes", _DEFAULT_CHANGES):
        answer = httpx.post(f"{erp.url}/_sandbox/changes", json=body, timeout=10)
        answer.raise_for_status()
        changes[str(body["object"])] = answer.json()
    erp.changes = changes
    done = "; ".join(
        f"{obj}: " + ", ".join(f"{len(ids)} {kind}" for kind, ids in answer_ids.items() if ids)
        for obj, answer_ids in changes.items()
    )
    console.print(f"{erp.spec.title}: changed in the sandbox: {done}")


def run_demo(
    runtime: Runtime,
    console: Console,
    *,
    records: int = 200,
    seed: int = 7,
    processes: int = 2,
    threads: int = 4,
    timeout: float = 300.0,
) -> DemoResult:
    """Run the whole demo; raises when a step fails."""
    from hub.cli.validate import EXAMPLES_DIR, print_results, validate_examples

    start = time.perf_counter()
    _section(console, "1. The canonical model: validating the sample documents")
    print_results(validate_examples(), console, root=EXAMPLES_DIR.parent)

    _section(console, "2. Embedded services")
    settings = runtime.settings
    store = runtime.store
    console.print(f"store:  {settings.database_url}")
    console.print(f"broker: {embedded_env(settings)['LEDGERHUB_BROKER_URL']} (embedded Valkey)")
    remove_finished_demos(store)

    _section(console, "3. ERP sandboxes and OAuth")
    erps = _start_sandboxes(records, seed, console)
    cleanup = ExitStack()
    receiver = cleanup.enter_context(demo_receiver())
    try:
        for erp in erps:
            erp.connection = _connect(runtime, erp, console)
        tenant_id = next(e.connection.tenant_id for e in erps if e.connection)
        endpoint, secret = subscribe(runtime, tenant_id, receiver.url)
        console.print(f"webhook endpoint {endpoint.id} -> {receiver.url} (every event type)")
        with _workers(runtime, processes, threads):
            _section(console, f"4. Backfill through dramatiq workers ({processes}×{threads})")
            done = _wait_runs(
                runtime, _enqueue_all(runtime, erps, True), console, "backfill", timeout
            )
            for (name, resource), run in done.items():
                next(e for e in erps if e.spec.name == name).backfill[resource] = run

            _section(console, "5. Changes in the ERPs, picked up incrementally")
            for erp in erps:
                _make_changes(erp, console)
            done = _wait_runs(
                runtime, _enqueue_all(runtime, erps, False), console, "incremental", timeout
            )
            for (name, resource), run in done.items():
                next(e for e in erps if e.spec.name == name).incremental[resource] = run
            _incremental_table(erps, console)

            _section(console, "6. Writing a bill, then replaying the request")
            for erp in erps:
                _write_bill(runtime, erp, console, seed)

            _section(console, "7. Tenant custom fields, written to each ERP and read back")
            for erp in erps:
                _custom_fields(runtime, erp, console, timeout)

            _section(console, "8. Webhooks: every event delivered, signed, verified")
            webhooks = deliver_and_verify(runtime, endpoint, secret, receiver, console, timeout)
    finally:
        cleanup.close()
        for erp in erps:
            erp.stop()
            if erp.connection is not None:
                # Its sandbox is gone: paused, so no scheduler keeps syncing it into cases.
                store.connections.update(erp.connection.id, status="disabled")
    result = DemoResult(
        erps=erps,
        seconds=time.perf_counter() - start,
        records=store.records.counts(),
        events=store.outbox.counts(),
        open_cases=len(store.cases.list(status="open")),
        webhooks=webhooks,
    )
    _section(console, "9. Summary")
    _summary(result, console)
    return result


def _incremental_table(erps: list[ErpDemo], console: Console) -> None:
    table = Table(
        "erp", "resource", "created", "updated", "deleted", "unchanged", title="Incremental"
    )
    for erp in erps:
        for resource, run in erp.incremental.items():
            if run.created or run.updated or run.deleted:
                table.add_row(
                    erp.spec.title, resource, str(run.created), str(run.updated), str(run.deleted),
                    str(run.unchanged),
                )  # fmt: skip
    console.print(table)


def _summary(result: DemoResult, console: Console) -> None:
    names = {e.connection.id: e.spec.title for e in result.erps if e.connection}
    table = Table("erp", "object", "records", title="Records in the hub")
    per_object: Counter[str] = Counter()
    for (connection_id, obj), count in sorted(result.records.items()):
        if connection_id in names:
            table.add_row(names[connection_id], obj, str(count))
            per_object[obj] += count
    console.print(table)
    events = sum(result.events.values())
    console.print(
        f"events: {events}  exception cases open: {result.open_cases}  time: {result.seconds:.1f} s"
    )
    console.print("The data stays in place: try `hub records list --object invoice`.")
    names_seen = ", ".join(sorted({e.spec.name for e in result.erps}))
    console.print(
        f"The demo's connections are paused (status disabled): their sandboxes ({names_seen}) "
        "stopped with the demo, so no scheduler syncs them. To try the hub against a live "
        "sandbox, start one in another terminal, e.g. `hub sandbox xero --port 8790 --seed 7 "
        "--client-id demo --client-secret demo-secret`, and connect it with "
        "`LEDGERHUB_ERP_ALLOWED_HOSTS=127.0.0.1 hub connections add xero --base-url "
        "http://127.0.0.1:8790 --client-id demo --client-secret demo-secret` (ERP base URLs "
        "on loopback or private networks must be allowed).",
        soft_wrap=True,  # commands stay on one line, to copy
    )
