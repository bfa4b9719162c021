"""List-endpoint latency of the HTTP API at 100,000 records, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/api.py --records 100000 --requests 200

A tenant's connection holds N suppliers (stored as a sync stores them). Through the ASGI app in
process (every layer of a request but the socket: authentication, rate limit, query, JSON),
each figure is the p50 and p99 of `--requests` calls of: the first page (`limit=100`), a page
deep in the list (by cursor), a `modified_after` query matching the 100 newest changes, and one
record by id. The baseline, measured in the same run, is `GET /healthz` (the framework alone).
On PostgreSQL the table is analysed after the load, as autovacuum would have done.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from canonical import OBJECTS  # noqa: E402
from hub.api.app import create_app  # noqa: E402
from hub.jobs.runtime import Runtime  # noqa: E402
from hub.settings import Settings  # noqa: E402

PG_ADMIN = os.environ.get(
    "LEDGERHUB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    """A fresh SQLite file, or a new PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'api.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"lh_bench_api_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(call: Callable[[], object], count: int) -> dict[str, float]:
    """p50 and p99 in milliseconds of `count` calls."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p99": ordered[round(0.99 * (count - 1))]}


def measure(kind: str, records: int, requests: int) -> dict[str, dict[str, float]]:
    """The figures for one database."""
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as url:
        settings = Settings.model_validate(
            {"data_dir": tmp, "database_url": url, "api_rate_limit_per_minute": 10_000_000}
        )
        runtime = Runtime(settings)
        store = runtime.store
        tenant = store.connections.create_tenant("bench")
        connection = store.connections.create(
            tenant_id=tenant.id, erp="xero", display_name="bench", status="active"
        )
        _view, key = store.api_keys.create(tenant.id, "read")
        started = time.perf_counter()
        for start in range(0, records, 2000):
            page = [
                OBJECTS["supplier"].parse(
                    {"name": f"Supplier {i}", "remote_id": f"r{i}", "connection_id": connection.id}
                )
                for i in range(start, min(records, start + 2000))
            ]
            store.records.apply_records(connection.id, page, "cor_bench")
        loaded = time.perf_counter() - started
        time.sleep(0.01)
        since = time.time()
        changed = [
            OBJECTS["supplier"].parse(
                {"name": f"Changed {i}", "remote_id": f"r{i}", "connection_id": connection.id}
            )
            for i in range(100)
        ]
        store.records.apply_records(connection.id, changed, "cor_change")
        if kind == "postgresql":  # statistics, as autovacuum gathers them on a live database
            from sqlalchemy import text

            with store.engine.begin() as conn:
                conn.execute(text("ANALYZE records"))
        client = TestClient(create_app(runtime))
        auth = {"Authorization": f"Bearer {key}"}
        first = client.get("/v1/suppliers", params={"limit": 100}, headers=auth).json()
        cursor = first["next_cursor"]
        for _ in range(min(20, records // 1000)):  # walk well into the list, keep that cursor
            cursor = client.get(
                "/v1/suppliers", params={"limit": 500, "cursor": cursor}, headers=auth
            ).json()["next_cursor"]
        one = first["data"][50]["id"]
        after = datetime.fromtimestamp(since, UTC).isoformat()
        figures = {
            "healthz (baseline)": timed(lambda: client.get("/healthz"), requests),
            "first page": timed(
                lambda: client.get("/v1/suppliers", params={"limit": 100}, headers=auth), requests
            ),
            "deep page (cursor)": timed(
                lambda: client.get(
                    "/v1/suppliers", params={"limit": 100, "cursor": cursor}, headers=auth
                ),
                requests,
            ),
            "modified_after (100 changed)": timed(
                lambda: client.get(
                    "/v1/suppliers", params={"limit": 100, "modified_after": after}, headers=auth
                ),
                requests,
            ),
            "one record": timed(lambda: client.get(f"/v1/suppliers/{one}", headers=auth), requests),
        }
        check = client.get(
            "/v1/suppliers", params={"limit": 500, "modified_after": after}, headers=auth
        ).json()
        assert len(check["data"]) == 100, len(check["data"])
        figures["load"] = {"p50": loaded, "p99": loaded}
        client.close()
        runtime.close()
        return figures


def main() -> None:
    """Print the figures per database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        figures = measure(kind, args.records, args.requests)
        load = figures.pop("load")["p50"]
        base = figures["healthz (baseline)"]["p50"]
        print(f"{kind}: {args.records} suppliers (stored in {load:.0f} s)")
        for name, f in figures.items():
            print(
                f"  {name:30s} p50 {f['p50']:7.2f} ms  p99 {f['p99']:7.2f} ms  "
                f"(p50 {f['p50'] / base:5.1f}x healthz)"
            )


if __name__ == "__main__":
    main()
