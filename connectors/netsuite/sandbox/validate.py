"""Turn a record API request body into a sandbox record, checking it as NetSuite does.

Bodies use the record API's shapes: references `{"id": "7"}` (or `{"externalId": "x"}`),
sublists `{"items": [...]}`, dates `YYYY-MM-DD`, amounts as JSON numbers. A bad reference is
`400 INVALID_CONTENT` with `o:errorPath` naming the field; under
`X-NetSuite-PropertyNameValidation: Error` an unknown property is refused too.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.netsuite.sandbox.catalog import KINDS, RecordKind
from connectors.netsuite.sandbox.errors import SandboxError
from connectors.netsuite.sandbox.rows import document_total
from connectors.netsuite.sandbox.store import NetSuiteStore

__all__ = ["build_record"]

_TEXT = "text"
_DATE = "date"
_MONEY = "money"
_BOOL = "bool"
_INT = "int"

_ENTITY_FIELDS = {
    "companyName": _TEXT,
    "entityId": _TEXT,
    "email": _TEXT,
    "phone": _TEXT,
    "currency": "currency",
    "subsidiary": "subsidiary",
    "isInactive": _BOOL,
    "terms": _INT,
    "externalId": _TEXT,
}
_DOC_FIELDS = {
    "tranId": _TEXT,
    "tranDate": _DATE,
    "dueDate": _DATE,
    "memo": _TEXT,
    "currency": "currency",
    "exchangeRate": _MONEY,
    "otherRefNum": _TEXT,
    "subsidiary": "subsidiary",
    "externalId": _TEXT,
    "approvalStatus": "approval",
}
_DIMENSIONS = {"department": "department", "class": "classification", "location": "location"}
_LINE_FIELDS: dict[str, dict[str, str]] = {
    "expense": {"account": "account", "amount": _MONEY, "memo": _TEXT, **_DIMENSIONS},
    "item": {
        "item": "inventoryItem",
        "quantity": _MONEY,
        "rate": _MONEY,
        "amount": _MONEY,
        "description": _TEXT,
        "memo": _TEXT,
        **_DIMENSIONS,
    },
    "apply": {"doc": "doc", "apply": _BOOL, "amount": _MONEY, "line": _INT},
    "line": {
        "account": "account",
        "debit": _MONEY,
        "credit": _MONEY,
        "memo": _TEXT,
        "entity": "entity",
        **_DIMENSIONS,
    },
}
_FIELDS: dict[str, dict[str, str]] = {
    "vendor": {**_ENTITY_FIELDS, "taxIdNum": _TEXT, "expenseAccount": "account"},
    "customer": dict(_ENTITY_FIELDS),
    "vendorBill": {**_DOC_FIELDS, "entity": "vendor"},
    "vendorCredit": {**_DOC_FIELDS, "entity": "vendor"},
    "invoice": {**_DOC_FIELDS, "entity": "customer"},
    "creditMemo": {**_DOC_FIELDS, "entity": "customer"},
    "vendorPayment": {**_DOC_FIELDS, "entity": "vendor", "account": "account"},
    "customerPayment": {**_DOC_FIELDS, "entity": "customer", "account": "account"},
    "journalEntry": dict(_DOC_FIELDS),
    "account": {
        "acctNumber": _TEXT,
        "acctName": _TEXT,
        "acctType": _TEXT,
        "currency": "currency",
        "isInactive": _BOOL,
        "externalId": _TEXT,
    },
    "department": {"name": _TEXT, "isInactive": _BOOL, "externalId": _TEXT},
    "classification": {"name": _TEXT, "isInactive": _BOOL, "externalId": _TEXT},
    "location": {"name": _TEXT, "isInactive": _BOOL, "externalId": _TEXT},
    "inventoryItem": {
        "itemId": _TEXT,
        "displayName": _TEXT,
        "basePrice": _MONEY,
        "externalId": _TEXT,
    },
}
_REQUIRED = {
    "vendor": ("companyName",),
    "customer": ("companyName",),
    "vendorBill": ("entity",),
    "vendorCredit": ("entity",),
    "invoice": ("entity",),
    "creditMemo": ("entity",),
    "vendorPayment": ("entity",),
    "customerPayment": ("entity",),
    "account": ("acctName", "acctType"),
    "department": ("name",),
    "classification": ("name",),
    "location": ("name",),
    "inventoryItem": ("itemId",),
}
_IGNORED = {
    "links",
    "id",
    "refName",
    "lastModifiedDate",
    "createdDate",
    "dateCreated",
    "total",
    "status",
    "amountPaid",
    "amountRemaining",
    "type",
}


def _bad(field: str, detail: str | None = None) -> SandboxError:
    return SandboxError(
        400,
        "INVALID_CONTENT",
        detail
        or f"Invalid value for the resource or sub-resource field '{field}'. "
        "Provide a valid value.",
        field,
    )


def _reference(store: NetSuiteStore, target: str, value: Any, path: str) -> int:
    if isinstance(value, dict):
        if "id" in value and value["id"] not in (None, ""):
            raw = value["id"]
        elif value.get("externalId"):
            kinds = _targets(target)
            for name in kinds:
                found = store.by_external_id(KINDS[name.lower()], str(value["externalId"]))
                if found is not None:
                    return int(found["id"])
            raise _bad(path)
        else:
            raise _bad(path)
    else:
        raw = value
    try:
        ident = int(str(raw))
    except ValueError as exc:
        raise _bad(path) from exc
    if not any(ident in store.records[name] for name in _targets(target)):
        raise _bad(path)
    return ident


def _targets(target: str) -> tuple[str, ...]:
    if target == "entity":
        return ("vendor", "customer")
    if target == "doc":
        return ("vendorBill", "invoice", "vendorCredit", "creditMemo")
    return (target,)


def _value(store: NetSuiteStore, kind: str, value: Any, path: str) -> Any:
    if value is None:
        return None
    if kind == _TEXT:
        if not isinstance(value, str | int | Decimal):
            raise _bad(path)
        return str(value)
    if kind == _DATE:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError as exc:
            raise _bad(path, f"Invalid date '{value}' for field '{path}': use YYYY-MM-DD.") from exc
    if kind == _MONEY:
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation as exc:
            raise _bad(path) from exc
        if not number.is_finite():
            raise _bad(path)
        return number
    if kind == _BOOL:
        if not isinstance(value, bool):
            raise _bad(path)
        return value
    if kind == "approval":
        ident = value.get("id") if isinstance(value, dict) else value
        if str(ident) not in {"1", "2", "3"}:
            raise _bad(path)
        return str(ident)
    if kind == _INT:
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise _bad(path) from exc
    return _reference(store, kind, value, path)


def _check_unknown(body: dict[str, Any], known: dict[str, str], path: str, strict: bool) -> None:
    if not strict:
        return
    for key in body:
        if key in known or key in _IGNORED or key.startswith(("cust", "addressBook")):
            continue
        where = f"{path}.{key}" if path else key
        raise SandboxError(
            400, "INVALID_CONTENT", f"Invalid field name '{key}'. The field does not exist.", where
        )


def _custom(target: dict[str, Any], body: dict[str, Any], prefixes: tuple[str, ...]) -> None:
    for key, value in body.items():
        if key.startswith(prefixes):
            target[key] = value


def _lines(store: NetSuiteStore, sublist: str, value: Any, strict: bool) -> list[dict[str, Any]]:
    items = value.get("items") if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise _bad(sublist, f"The sublist '{sublist}' must be {{\"items\": [...]}}.")
    spec = _LINE_FIELDS[sublist]
    lines: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        path = f"{sublist}.items[{n}]"
        if not isinstance(item, dict):
            raise _bad(path)
        _check_unknown(item, spec, path, strict)
        line: dict[str, Any] = {"line": n + 1}
        for key, kind in spec.items():
            if key in item:
                line[key] = _value(store, kind, item[key], f"{path}.{key}")
        _custom(line, item, ("custcol_",))
        if sublist == "item":
            if line.get("item") is None:
                raise _bad(f"{path}.item")
            if line.get("amount") is None:
                line["amount"] = (line.get("quantity") or Decimal(1)) * (
                    line.get("rate") or Decimal(0)
                )
        if sublist == "expense" and (line.get("account") is None or line.get("amount") is None):
            raise _bad(f"{path}.{'account' if line.get('account') is None else 'amount'}")
        if sublist == "apply":
            line.setdefault("apply", True)
            line.setdefault("line", 0)
            if line.get("doc") is None or line.get("amount") is None:
                raise _bad(f"{path}.{'doc' if line.get('doc') is None else 'amount'}")
        if sublist == "line":
            if line.get("account") is None:
                raise _bad(f"{path}.account")
            debit, credit = line.get("debit"), line.get("credit")
            if (debit is None) == (credit is None) or (debit or credit or 0) < 0:
                raise _bad(f"{path}.debit", "Each journal line has either a debit or a credit.")
        for key in ("amount", "quantity"):
            if line.get(key) is not None and line[key] < 0:
                raise _bad(f"{path}.{key}")
        lines.append(line)
    return lines


def _check_document(store: NetSuiteStore, kind: RecordKind, record: dict[str, Any]) -> None:
    if kind.name in ("vendorBill", "vendorCredit", "invoice", "creditMemo") and not (
        record.get("expense") or record.get("item")
    ):
        raise SandboxError(
            400, "USER_ERROR", "You must enter at least one line item for this transaction."
        )
    if kind.name == "journalEntry":
        lines = record.get("line") or []
        debits = sum((x.get("debit") or 0 for x in lines), Decimal(0))
        credits = sum((x.get("credit") or 0 for x in lines), Decimal(0))
        if len(lines) < 2 or debits != credits:
            raise SandboxError(
                400,
                "USER_ERROR",
                f"The transaction is out of balance: debits {debits}, credits {credits}.",
                "line",
            )
    if kind.name in ("vendorPayment", "customerPayment"):
        target = "vendorBill" if kind.name == "vendorPayment" else "invoice"
        own = {
            a["doc"]: a["amount"]
            for a in (store.get(kind, record.get("id", -1)) or {}).get("apply") or ()
        }
        for n, applied in enumerate(record.get("apply") or ()):
            doc = store.records[target].get(applied["doc"])
            if doc is None or doc.get("entity") != record.get("entity"):
                raise _bad(f"apply.items[{n}].doc")
            due = document_total(doc) - store.paid(doc["id"]) + own.get(doc["id"], 0)
            if applied.get("apply", True) and applied["amount"] > due:
                raise SandboxError(
                    400,
                    "USER_ERROR",
                    f"The payment amount {applied['amount']} exceeds the amount due {due}.",
                    f"apply.items[{n}].amount",
                )


def build_record(
    store: NetSuiteStore,
    kind: RecordKind,
    body: dict[str, Any],
    existing: dict[str, Any] | None,
    *,
    strict: bool,
) -> dict[str, Any]:
    """The record a create (existing None), update or upsert leaves behind."""
    spec = _FIELDS.get(kind.name, {})
    _check_unknown({k: v for k, v in body.items() if k not in kind.sublists}, spec, "", strict)
    record = store.copy(existing) if existing is not None else {}
    for key, field_kind in spec.items():
        if key in body:
            record[key] = _value(store, field_kind, body[key], key)
    for sublist in kind.sublists:
        if sublist in body:
            record[sublist] = _lines(store, sublist, body[sublist], strict)
    _custom(record, body, ("custbody_", "custentity_"))
    if "approvalStatus" in record:
        record["approved"] = record.pop("approvalStatus") == "2"
    if kind.name in ("vendor", "customer") and "addressBook" in body:
        record["addressBook"] = _addresses(body["addressBook"])
    if existing is None:
        missing = [f for f in _REQUIRED.get(kind.name, ()) if record.get(f) in (None, "")]
        if missing:
            raise SandboxError(
                400, "USER_ERROR", f"Please enter value(s) for: {', '.join(missing)}.", missing[0]
            )
        _defaults(store, kind, record)
    _check_document(store, kind, record)
    return record


def _addresses(value: Any) -> list[dict[str, Any]]:
    items = value.get("items") if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise _bad("addressBook")
    out = []
    for n, item in enumerate(items):
        address = item.get("addressBookAddress") if isinstance(item, dict) else None
        if not isinstance(address, dict):
            raise _bad(f"addressBook.items[{n}].addressBookAddress")
        country = address.get("country")
        if isinstance(country, dict):
            country = country.get("id")
        out.append(
            {
                "defaultBilling": bool(item.get("defaultBilling", n == 0)),
                "defaultShipping": bool(item.get("defaultShipping", False)),
                "addr1": address.get("addr1"),
                "addr2": address.get("addr2"),
                "city": address.get("city"),
                "state": address.get("state"),
                "zip": address.get("zip"),
                "country": country,
            }
        )
    return out


def _defaults(store: NetSuiteStore, kind: RecordKind, record: dict[str, Any]) -> None:
    today = store.now().astimezone(store.zone).date()
    if kind.name in ("vendor", "customer"):
        record.setdefault("currency", 1)
        record.setdefault("subsidiary", 1)
        record.setdefault("isInactive", False)
        record.setdefault("entityId", record["companyName"])
        record.setdefault("addressBook", [])
    elif kind.is_transaction:
        entity = record.get("entity")
        party = None
        if entity is not None:
            party = store.records["vendor"].get(entity) or store.records["customer"].get(entity)
        record.setdefault("tranDate", today)
        record.setdefault("currency", (party or {}).get("currency", 1))
        record.setdefault("exchangeRate", Decimal(1))
        record.setdefault("subsidiary", 1)
        record.setdefault("voided", False)
        record.setdefault("approved", True)
        if kind.name in ("vendorBill", "invoice", "vendorCredit", "creditMemo"):
            record.setdefault("dueDate", record["tranDate"])
        if not record.get("tranId"):
            record["tranId"] = f"{kind.tran_type}-{store.version + 1}"
        if kind.name in ("vendorPayment", "customerPayment"):
            record.setdefault("account", 1)
    else:
        record.setdefault("isInactive", False)
