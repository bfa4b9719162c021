"""List-endpoint latency of the HTTP API at 100,000 records, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/api.py --records 100000 --requests 200

A tenant's connection holds N suppliers (stored as a sync stores them). Through the ASGI app in
process (every layer of a request but the socket: authentication, rate limit, query, JSON),
each figure is the p50 and p99 of `--requests` calls of: the first page (`limit=100`), a page
deep in the list (by cursor), a `modified_after` query matching the 100 newest changes, and one
record by id. The baseline, measured in the same run, is `GET /healthz` (the framework alone).
The records are loaded in one transaction (COPY on PostgreSQL, executemany on SQLite) with the
rows the store itself writes (checked against a record stored by `apply_records`); on
PostgreSQL the table is analysed after the load, as autovacuum would have done.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from canonical import OBJECTS  # noqa: E402
from hub.api.app import create_app  # noqa: E402
from hub.broker import embedded_server  # noqa: E402
from hub.jobs.runtime import Runtime  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.store.changes import PageWriter, content_hash  # noqa: E402

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


def _supplier(i: int, connection_id: str) -> Any:
    return OBJECTS["supplier"].parse(
        {"name": f"Supplier {i}", "remote_id": f"r{i}", "connection_id": connection_id}
    )


def _rows(connection_id: str, numbers: Iterable[int]) -> Iterator[dict[str, Any]]:
    """The rows the store writes for new suppliers (its own documents and content hashes)."""
    writer = PageWriter(None, connection_id, "supplier", "cor_bench")  # type: ignore[arg-type]
    for i in numbers:
        record = _supplier(i, connection_id)
        doc = writer._doc(record, record.id, 1, writer.now)
        yield {
            "hub_id": record.id, "connection_id": connection_id, "object": "supplier",
            "remote_id": record.remote_id, "version": 1, "content_hash": content_hash(doc),
            "data": doc, "raw": record.remote_data, "remote_updated_at": None,
            "remote_deleted": False, "mapping_version": None, "resource": None,
            "created_at": writer.now, "updated_at": writer.now,
        }  # fmt: skip


def bulk_load(store: Any, connection_id: str, numbers: range) -> None:
    """Write the suppliers' rows in one transaction: COPY on PostgreSQL, executemany on SQLite.

    Set-up only: no events (nobody listens in this benchmark), nothing upserted (the rows are
    new). The store's path (`apply_records`, page by page, with events) is what syncs use.
    """
    from hub.store.models import StoredRecord

    columns = [c.name for c in StoredRecord.__table__.columns]
    if store.engine.dialect.name != "postgresql":
        with store.engine.begin() as conn:
            batch: list[dict[str, Any]] = []
            for row in _rows(connection_id, numbers):
                batch.append(row)
                if len(batch) == 5000:
                    conn.execute(StoredRecord.__table__.insert(), batch)
                    batch = []
            if batch:
                conn.execute(StoredRecord.__table__.insert(), batch)
        return
    raw = store.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            names = ", ".join(columns)
            with cursor.copy(f"COPY records ({names}) FROM STDIN") as copy:
                for row in _rows(connection_id, numbers):
                    row["data"] = json.dumps(row["data"])
                    row["raw"] = None if row["raw"] is None else json.dumps(row["raw"])
                    copy.write_row([row[c] for c in columns])
        raw.commit()
    finally:
        raw.close()


def _same_rows(store: Any, connection_id: str) -> None:
    """A bulk-written row is what the store itself writes for the same record."""
    from sqlalchemy import select

    from hub.store.models import StoredRecord

    stored = store.records.get_by_remote(connection_id, "supplier", "r0")
    built = next(_rows(connection_id, [0]))
    with store.sessions() as session:
        row = session.scalar(select(StoredRecord).where(StoredRecord.hub_id == stored.hub_id))
        assert row is not None
        skip = {"hub_id", "created_at", "updated_at", "data"}
        for column, value in built.items():
            if column not in skip:
                assert getattr(row, column) == value, (column, getattr(row, column), value)
        mine = {
            k: v for k, v in built["data"].items() if k not in ("id", "created_at", "updated_at")
        }
        theirs = {k: v for k, v in row.data.items() if k not in ("id", "created_at", "updated_at")}
        assert mine == theirs, (mine, theirs)


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
        # The store's own path for the first records (and the parity check below), then the
        # bulk path for the rest: the same rows, written in one transaction.
        head = min(records, 1000)
        store.records.apply_records(
            connection.id, [_supplier(i, connection.id) for i in range(head)], "cor_bench"
        )
        bulk_load(store, connection.id, range(head, records))
        _same_rows(store, connection.id)
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
        if settings.uses_embedded_broker:  # its watcher would revive it after tmp is gone
            embedded_server(settings).stop(force=True)
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
