"""NetSuite-only control endpoints: `POST /_sandbox/changes`, `GET /_sandbox/counts`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.routing import Route

from connectors.netsuite.sandbox.catalog import KINDS, kind_of
from connectors.netsuite.sandbox.rows import document_total
from connectors.netsuite.sandbox.store import NetSuiteStore
from connectors.sandbox.control import change_routes
from connectors.sandbox.seeding import Fake

__all__ = ["control_routes", "make_changes"]


def make_changes(
    store: NetSuiteStore,
    record_type: str,
    *,
    update: int = 0,
    delete: int = 0,
    create: int = 0,
    at: datetime | None = None,
) -> dict[str, list[str]]:
    """Change seeded records: `update` touch memo/amounts, `delete` remove, `create` copy one.

    Deterministic for the seed and the number of earlier calls; `at` sets the changed records'
    `lastModifiedDate` (default: now).
    """
    kind = kind_of(record_type)
    if kind is None or not kind.writable:
        raise ValueError(f"unknown or read-only record type {record_type!r}")
    with store.lock:
        store.changes_made += 1
        fake = Fake(store.config.seed, f"changes-{kind.name}-{store.changes_made}")
        ids = sorted(store.records[kind.name])
        if update + delete > len(ids):
            raise ValueError(f"only {len(ids)} {kind.name} records exist")
        # NetSuite refuses to delete a record others depend on: delete only free ones.
        free = [i for i in ids if not store.dependents(kind, i)]
        if delete > len(free):
            raise ValueError(f"only {len(free)} {kind.name} records can be deleted")
        doomed = fake.rng.sample(free, delete)
        chosen = fake.rng.sample([i for i in ids if i not in doomed], update) + doomed
        updated, deleted, created = [], [], []
        for rid in chosen[:update]:
            record = store.copy(store.records[kind.name][rid])
            suffix = f" (changed {store.changes_made})"
            if "memo" in record or kind.is_transaction:
                record["memo"] = (record.get("memo") or "") + suffix
            elif "companyName" in record:
                record["email"] = f"changed{store.changes_made}.{record.get('email') or ''}"
            else:
                record["name"] = (record.get("name") or "") + suffix
            store.put(kind, record, at)
            updated.append(str(rid))
        for rid in chosen[update:]:
            store.delete(kind, rid, at)
            deleted.append(str(rid))
        template_ids = sorted(store.records[kind.name])
        for _ in range(create):
            if not template_ids:
                break
            record = store.copy(store.records[kind.name][fake.choice(template_ids)])
            if kind.name in ("vendorPayment", "customerPayment"):
                record["apply"] = _open_document(store, kind.name, fake)
                if not record["apply"]:
                    break
                doc_kind = "vendorBill" if kind.name == "vendorPayment" else "invoice"
                record["entity"] = store.records[doc_kind][record["apply"][0]["doc"]]["entity"]
            record["id"] = store.next_id(kind)
            record["externalId"] = None
            if "tranId" in record:
                record["tranId"] = f"{record['tranId']}-N{record['id']}"
            if "companyName" in record:
                record["companyName"] = f"{record['companyName']} {record['id']}"
            record.pop("createdDate", None)
            record.pop("dateCreated", None)
            store.put(kind, record, at)
            created.append(str(record["id"]))
    return {"updated": updated, "deleted": deleted, "created": created}


def _open_document(store: NetSuiteStore, payment: str, fake: Fake) -> list[dict[str, Any]]:
    """An application of a new payment: half of what one open document still owes."""
    doc_kind = "vendorBill" if payment == "vendorPayment" else "invoice"
    candidates = []
    for doc in store.records[doc_kind].values():
        due = document_total(doc) - store.paid(doc["id"])
        if due > 1 and doc.get("approved", True):
            candidates.append((doc["id"], due))
    if not candidates:
        return []
    doc_id, due = fake.choice(candidates)
    amount = (due / 2).quantize(Decimal("0.01"))
    return [{"doc": doc_id, "apply": True, "amount": amount, "line": 0}]


def counts(store: NetSuiteStore) -> dict[str, Any]:
    """Per record type: `total`, `inactive`, and for transactions `by_status` (status codes);
    `deletedrecord`: `total` and `by_type`."""
    with store.lock:
        out: dict[str, Any] = {}
        statuses = {row["id"]: row["status"] for row in store.table("transaction")}
        for name, records in store.records.items():
            kind = KINDS[name.lower()]
            entry: dict[str, Any] = {
                "total": len(records),
                "inactive": sum(1 for r in records.values() if r.get("isInactive")),
            }
            if kind.is_transaction:
                entry["by_status"] = dict(Counter(statuses[i] for i in records))
            out[name] = entry
        out["deletedrecord"] = {
            "total": len(store.deleted),
            "by_type": dict(Counter(row["type"] for row in store.deleted)),
        }
        return out


def control_routes(store: NetSuiteStore) -> list[Route]:
    """`/_sandbox/changes` and `/_sandbox/counts` (the kit's handlers over this store)."""
    return change_routes(
        lambda kind, **amounts: make_changes(store, kind, **amounts), lambda: counts(store)
    )
