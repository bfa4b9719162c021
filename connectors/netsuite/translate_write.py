"""Canonical records into NetSuite record API bodies (`PUT /record/v1/<type>/eid:<id>`).

References go out as internal ids: parties and documents through the id resolver (a record the
hub has not yet written to NetSuite is a MappingError naming the canonical path), accounts by
number, departments, classes and locations by name, currencies by ISO code, items by item id,
all through `Lookups` (read once per connection with SuiteQL). Custom fields go out under their
script ids. Amounts stay `Decimal`; the client writes them as exact JSON numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from canonical import (
    Customer,
    DocumentType,
    Invoice,
    InvoiceDirection,
    InvoiceStatus,
    JournalEntry,
    JournalStatus,
    PartyStatus,
    Payment,
    PaymentDirection,
    Record,
    Supplier,
)
from connectors.errors import MappingError
from connectors.netsuite.translate_common import TranslateContext

__all__ = ["Lookups", "WriteBody", "to_netsuite"]

Body = dict[str, Any]


@dataclass(frozen=True)
class Lookups:
    """Names NetSuite refers to by internal id: account numbers, segment names, codes."""

    accounts: Mapping[str, str] = field(default_factory=dict)
    currencies: Mapping[str, str] = field(default_factory=dict)
    items: Mapping[str, str] = field(default_factory=dict)
    segments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    segment_of_kind: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteBody:
    """A record API write: the record type, the body, and the external id that makes it
    idempotent (the hub id of the record)."""

    record_type: str
    body: Body
    external_id: str


def _error(path: str, reason: str) -> MappingError:
    detail = f"{path}: {reason}"
    return MappingError(f"cannot write to NetSuite: {detail}", details=[detail])


def _ref(value: str | None) -> dict[str, str] | None:
    return {"id": value} if value else None


def _require(mapping: Mapping[str, str], key: str | None, path: str, what: str) -> str | None:
    if key is None:
        return None
    found = mapping.get(key) or mapping.get(key.casefold())
    if found is None:
        raise _error(path, f"NetSuite has no {what} {key!r}")
    return found


def _remote(ctx: TranslateContext, obj: str, hub_id: str | None, path: str) -> str | None:
    if hub_id is None:
        return None
    remote = ctx.ids.remote_id(obj, hub_id)
    if remote is None:
        raise _error(path, f"{hub_id} is not in NetSuite yet: write it first")
    return remote


def _custom(fields: Mapping[str, Any], prefixes: tuple[str, ...]) -> Body:
    return {k: v for k, v in fields.items() if k.startswith(prefixes)}


def _dimensions(dimensions: Mapping[str, str], look: Lookups, path: str) -> Body:
    out: Body = {}
    for kind, value in dimensions.items():
        segment = look.segment_of_kind.get(kind, kind)
        field_name = "class" if segment == "classification" else segment
        table = look.segments.get(segment)
        if table is None:
            raise _error(f"{path}.dimensions.{kind}", "no NetSuite segment takes this kind")
        out[field_name] = _ref(_require(table, value, f"{path}.dimensions.{kind}", segment))
    return out


def party_body(record: Supplier | Customer, ctx: TranslateContext, look: Lookups) -> WriteBody:
    """A vendor or customer."""
    kind = record.OBJECT
    body: Body = {
        "companyName": record.name,
        "email": record.email,
        "phone": record.phone,
        "isInactive": record.status == PartyStatus.ARCHIVED,
        **_custom(record.custom_fields, ("custentity_",)),
    }
    if record.currency:
        body["currency"] = _ref(
            _require(look.currencies, record.currency, f"{kind}.currency", "currency")
        )
    if isinstance(record, Supplier) and record.tax_number:
        body["taxIdNum"] = record.tax_number
    if record.addresses:
        body["addressBook"] = {
            "items": [
                {
                    "defaultBilling": i == 0,
                    "defaultShipping": a.kind == "shipping",
                    "addressBookAddress": {
                        "addr1": a.line1,
                        "addr2": a.line2,
                        "city": a.city,
                        "state": a.region,
                        "zip": a.postal_code,
                        "country": a.country,
                    },
                }
                for i, a in enumerate(record.addresses)
            ]
        }
    record_type = "vendor" if kind == "supplier" else "customer"
    return WriteBody(record_type, _clean(body), record.id)


_DOCUMENT_TYPES = {
    (InvoiceDirection.PAYABLE, DocumentType.INVOICE): "vendorBill",
    (InvoiceDirection.PAYABLE, DocumentType.CREDIT_NOTE): "vendorCredit",
    (InvoiceDirection.RECEIVABLE, DocumentType.INVOICE): "invoice",
    (InvoiceDirection.RECEIVABLE, DocumentType.CREDIT_NOTE): "creditMemo",
}


def invoice_body(record: Invoice, ctx: TranslateContext, look: Lookups) -> WriteBody:
    """A vendor bill or credit (expense lines, item lines when an item code is given), or a
    customer invoice or credit memo (item lines)."""
    record_type = _DOCUMENT_TYPES[(record.direction, record.document_type)]
    payable = record.direction == InvoiceDirection.PAYABLE
    party = "supplier" if payable else "customer"
    expense: list[Body] = []
    items: list[Body] = []
    for i, line in enumerate(record.lines):
        path = f"invoice.lines[{i}]"
        common: Body = {
            **_dimensions(line.dimensions, look, path),
            **_custom(line.custom_fields, ("custcol_",)),
        }
        if line.item_code:
            items.append(
                {
                    "item": _ref(_require(look.items, line.item_code, f"{path}.item_code", "item")),
                    "quantity": line.quantity,
                    "rate": line.unit_price,
                    "amount": line.net_amount,
                    "description": line.description,
                    **common,
                }
            )
        elif payable:
            if not line.account_code:
                raise _error(f"{path}.account_code", "an expense line needs an account")
            expense.append(
                {
                    "account": _ref(
                        _require(
                            look.accounts, line.account_code, f"{path}.account_code", "account"
                        )
                    ),
                    "amount": line.net_amount,
                    "memo": line.description,
                    **common,
                }
            )
        else:
            raise _error(f"{path}.item_code", "a NetSuite invoice line needs an item")
    body: Body = {
        "entity": _ref(_remote(ctx, party, record.party_id, "invoice.party_id")),
        "tranId": record.number,
        "tranDate": record.issue_date.isoformat() if record.issue_date else None,
        "dueDate": record.due_date.isoformat() if record.due_date else None,
        "memo": record.memo,
        "currency": _ref(
            _require(look.currencies, record.currency, "invoice.currency", "currency")
        ),
        "exchangeRate": record.exchange_rate,
        "otherRefNum": record.reference if payable else record.purchase_order_number,
        "approvalStatus": _approval(
            record.status not in (InvoiceStatus.DRAFT, InvoiceStatus.SUBMITTED)
        ),
        **_custom(record.custom_fields, ("custbody_",)),
    }
    if expense:
        body["expense"] = {"items": [_clean(x) for x in expense]}
    if items:
        body["item"] = {"items": [_clean(x) for x in items]}
    return WriteBody(record_type, _clean(body), record.id)


def payment_body(record: Payment, ctx: TranslateContext, look: Lookups) -> WriteBody:
    """A vendor payment applied to bills, or a customer payment applied to invoices."""
    outbound = record.direction == PaymentDirection.OUTBOUND
    party = "supplier" if outbound else "customer"
    applies = [
        {
            "doc": _ref(
                _remote(ctx, "invoice", a.invoice_id, f"payment.allocations[{i}].invoice_id")
            ),
            "apply": True,
            "amount": a.amount,
        }
        for i, a in enumerate(record.allocations)
    ]
    body: Body = {
        "entity": _ref(_remote(ctx, party, record.party_id, "payment.party_id")),
        "tranDate": record.payment_date.isoformat(),
        "tranId": record.bank_reference,
        "currency": _ref(
            _require(look.currencies, record.currency, "payment.currency", "currency")
        ),
        "account": _ref(
            _require(
                look.accounts, record.bank_account_code, "payment.bank_account_code", "account"
            )
        ),
        "apply": {"items": applies},
        **_custom(record.custom_fields, ("custbody_",)),
    }
    return WriteBody("vendorPayment" if outbound else "customerPayment", _clean(body), record.id)


def journal_body(record: JournalEntry, ctx: TranslateContext, look: Lookups) -> WriteBody:
    """A journal entry: one line per debit or credit."""
    lines = []
    for i, line in enumerate(record.lines):
        path = f"journal_entry.lines[{i}]"
        entry: Body = {
            "account": _ref(
                _require(look.accounts, line.account_code, f"{path}.account_code", "account")
            ),
            "memo": line.description,
            **_dimensions(line.dimensions, look, path),
        }
        if line.debit > 0:
            entry["debit"] = line.debit
        else:
            entry["credit"] = line.credit
        lines.append(_clean(entry))
    body: Body = {
        "tranId": record.number,
        "tranDate": record.posting_date.isoformat(),
        "memo": record.memo,
        "currency": _ref(
            _require(look.currencies, record.currency, "journal_entry.currency", "currency")
        ),
        "approvalStatus": _approval(record.status != JournalStatus.DRAFT),
        "line": {"items": lines},
        **_custom(record.custom_fields, ("custbody_",)),
    }
    return WriteBody("journalEntry", _clean(body), record.id)


def _approval(approved: bool) -> dict[str, str]:
    # NetSuite's approval status list: 1 pending approval, 2 approved.
    return {"id": "2" if approved else "1"}


def _clean(body: Body) -> Body:
    return {k: v for k, v in body.items() if v is not None}


_WRITERS: dict[str, Callable[[Any, TranslateContext, Lookups], WriteBody]] = {
    "supplier": party_body,
    "customer": party_body,
    "invoice": invoice_body,
    "payment": payment_body,
    "journal_entry": journal_body,
}


def to_netsuite(
    object_name: str, record: Record, ctx: TranslateContext, look: Lookups
) -> WriteBody:
    """The record API write for one canonical record."""
    writer = _WRITERS.get(object_name)
    if writer is None:
        raise _error(object_name, "NetSuite does not take this object")
    return writer(record, ctx, look)
