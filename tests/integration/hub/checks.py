"""What the hub tests assert about a store after a sync: counts, duplicates, events per record."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hub.jobs.runtime import Runtime
from hub.store.models import OutboxEvent, StoredRecord


def stored(runtime: Runtime, connection_id: str, obj: str) -> list[tuple[str, str, int]]:
    """(hub id, remote id, version) of every stored record of one object, deleted ones too."""
    with runtime.store.sessions() as session:
        rows = session.execute(
            select(StoredRecord.hub_id, StoredRecord.remote_id, StoredRecord.version).where(
                StoredRecord.connection_id == connection_id, StoredRecord.object == obj
            )
        )
        return [(r[0], r[1], int(r[2])) for r in rows]


def events_per_record(runtime: Runtime, connection_id: str, prefix: str) -> Counter[str]:
    """How many outbox events of types `<prefix>.*` name each hub id."""
    found: Counter[str] = Counter()
    with runtime.store.sessions() as session:
        rows = session.scalars(
            select(OutboxEvent.data).where(
                OutboxEvent.connection_id == connection_id,
                OutboxEvent.type.like(f"{prefix}.%"),
            )
        )
        for data in rows:
            found[str(data.get("id"))] += 1
    return found


def outbox_pending(runtime: Runtime) -> int:
    """Events not dispatched yet."""
    with runtime.store.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxEvent)
                .where(OutboxEvent.dispatched_at.is_(None))
            )
            or 0
        )


def assert_invoices_complete(runtime: Runtime, connection_id: str, expected: int) -> None:
    """Every sandbox invoice stored exactly once, with one event per version of it."""
    rows = stored(runtime, connection_id, "invoice")
    remote_ids = Counter(remote for _, remote, _ in rows)
    assert len(rows) == expected, f"{len(rows)} invoices stored, the sandbox has {expected}"
    assert max(remote_ids.values()) == 1, "a remote invoice is stored twice"
    events = events_per_record(runtime, connection_id, "invoice")
    versions = {hub_id: version for hub_id, _, version in rows}
    assert set(events) == set(versions), "records and events differ"
    doubled = {k: v for k, v in events.items() if v != versions[k]}
    assert not doubled, f"{len(doubled)} invoices have more events than versions: {doubled}"


def bill_payload(runtime: Runtime, connection_id: str, number: str) -> dict[str, Any]:
    """A valid canonical bill against a stored supplier and expense account."""
    suppliers = runtime.store.records.list(
        connection_id, "supplier", limit=500, include_deleted=False
    )
    supplier = next(r for r in suppliers if r.data.get("status") == "active")
    accounts = runtime.store.records.list(
        connection_id, "account", limit=500, include_deleted=False
    )
    expense = next((a for a in accounts if a.data.get("type") == "expense"), accounts[0])
    today = datetime.now(UTC).date()
    return {
        "direction": "payable",
        "number": number,
        "party_id": supplier.hub_id,
        "issue_date": today.isoformat(),
        "due_date": (today + timedelta(days=30)).isoformat(),
        "currency": supplier.data.get("currency") or "GBP",
        "status": "authorised",
        "tax_mode": "no_tax",
        "lines": [
            {
                "line_number": 1,
                "description": "Integration test",
                "quantity": "2",
                "unit_price": "125.50",
                "net_amount": "251.00",
                "account_code": expense.data["code"],
            }
        ],
    }


def wait_for(probe: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `probe` until it is true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
