"""Records as the REST record API shows them: references, sublists, dates, links."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from connectors.netsuite.sandbox.catalog import KINDS, RecordKind
from connectors.netsuite.sandbox.rows import document_total, status_name, status_of
from connectors.netsuite.sandbox.store import NetSuiteStore

__all__ = ["RECORD_PATH", "REFERENCE_FIELDS", "link", "render_record", "render_value"]

RECORD_PATH = "/services/rest/record/v1"

# Which record type each reference field points to (None: depends on the record).
REFERENCE_FIELDS: dict[str, str | None] = {
    "entity": None,
    "currency": "currency",
    "subsidiary": "subsidiary",
    "account": "account",
    "expenseAccount": "account",
    "department": "department",
    "class": "classification",
    "location": "location",
    "item": "inventoryItem",
    "doc": None,
}
_HIDDEN = {"bankDetails", "approved", "createdDate", "dateCreated"}


def link(base: str, *parts: object) -> list[dict[str, str]]:
    """`[{"rel": "self", "href": ...}]` for a record path."""
    path = "/".join(str(p) for p in parts)
    return [{"rel": "self", "href": f"{base}{RECORD_PATH}/{path}"}]


def render_value(value: Any) -> Any:
    """Dates as `YYYY-MM-DD`, datetimes as ISO 8601 UTC with `Z`, the rest as is."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _ref_name(store: NetSuiteStore, kind_name: str, record: dict[str, Any]) -> str:
    if kind_name == "account":
        return f"{record['acctNumber']} {record['acctName']}"
    if kind_name == "currency":
        return str(record["name"])
    if kind_name == "inventoryItem":
        return str(record["itemId"])
    return str(
        record.get("companyName") or record.get("tranId") or record.get("name") or record["id"]
    )


def _reference(
    store: NetSuiteStore, base: str, field: str, value: Any, owner: RecordKind | None
) -> Any:
    target = REFERENCE_FIELDS[field]
    if target is None:
        if field == "entity":
            candidates: tuple[str, ...] = (
                (owner.entity_kind,) if owner and owner.entity_kind else ("vendor", "customer")
            )
        else:
            candidates = ("vendorBill", "invoice", "vendorCredit", "creditMemo")
        kind = store.kind_of_id(int(value), candidates)
        target = kind.name if kind else candidates[0]
    record = store.records[target].get(int(value))
    ref: dict[str, Any] = {"id": str(value), "links": link(base, target, value)}
    if record is not None:
        ref["refName"] = _ref_name(store, target, record)
    return ref


def _fields(
    store: NetSuiteStore, base: str, data: dict[str, Any], owner: RecordKind | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _HIDDEN or key.startswith("_") or value is None:
            continue
        if key in REFERENCE_FIELDS and not isinstance(value, dict | list):
            out[key] = _reference(store, base, key, value, owner)
        elif key in {"id", "line"}:
            out[key] = str(value) if key == "id" else value
        else:
            out[key] = render_value(value)
    return out


def _sublist(
    store: NetSuiteStore,
    base: str,
    kind: RecordKind,
    record_id: int,
    name: str,
    lines: list[dict[str, Any]],
    expand: bool,
) -> dict[str, Any]:
    links = link(base, kind.name, record_id, name)
    if not expand:
        return {"links": links}
    items = [{"links": [], **_fields(store, base, line, kind)} for line in lines]
    return {
        "links": links,
        "items": items,
        "totalResults": len(items),
        "count": len(items),
        "hasMore": False,
        "offset": 0,
    }


def render_record(
    store: NetSuiteStore, base: str, kind: RecordKind, record: dict[str, Any], expand: bool
) -> dict[str, Any]:
    """The record's JSON as `GET /record/v1/<type>/<id>` answers."""
    rid = record["id"]
    sublists = {name: record.get(name) or [] for name in kind.sublists}
    body: dict[str, Any] = {"links": link(base, kind.name, rid)}
    body |= _fields(store, base, {k: v for k, v in record.items() if k not in sublists}, kind)
    if kind.is_transaction:
        total = document_total(record)
        body["total"] = total
        if kind.name in ("vendorBill", "invoice"):
            paid = store.paid(rid)
            body["amountPaid"] = paid
            body["amountRemaining"] = total - paid
            code = status_of(kind, record, total - paid)
        else:
            code = status_of(kind, record, Decimal(0))
        body["status"] = {"id": code, "refName": status_name(code)}
        approved = record.get("approved", True)
        body["approvalStatus"] = {
            "id": "2" if approved else "1",
            "refName": "Approved" if approved else "Pending Approval",
        }
        body["createdDate"] = render_value(record.get("createdDate"))
        body["type"] = kind.name
    elif kind.name in ("vendor", "customer"):
        body["dateCreated"] = render_value(record.get("dateCreated"))
        book = [
            {
                "defaultBilling": a.get("defaultBilling", False),
                "defaultShipping": a.get("defaultShipping", False),
                "addressBookAddress": {
                    k: ({"id": v, "refName": v} if k == "country" else v)
                    for k, v in a.items()
                    if k not in ("defaultBilling", "defaultShipping") and v is not None
                },
            }
            for a in record.get("addressBook") or ()
        ]
        sub = _sublist(store, base, kind, rid, "addressBook", [], expand)
        if expand:
            sub |= {"items": book, "totalResults": len(book), "count": len(book)}
        body["addressBook"] = sub
    for name, lines in sublists.items():
        body[name] = _sublist(store, base, kind, rid, name, lines, expand)
    return body


def kind_names() -> list[str]:
    """Every record type the sandbox serves."""
    return [k.name for k in KINDS.values()]
