"""SAP <-> canonical translation: the registry the connector uses.

    ctx = SapContext(connection_id="con_1", ids=StableIds("con_1"), base_currency="GBP")
    records = to_canonical("supplier_invoices", item, ctx)   # item: an OData entity as a dict
    body = FROM_CANONICAL["invoice"]                          # see translate_documents

The rules of each direction are in `translate_parties`, `translate_documents` and
`translate_ledger`. Every function is pure: the same payload and context give the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canonical import Record
from connectors.sap import models as m
from connectors.sap.translate_common import SapContext
from connectors.sap.translate_documents import (
    billing_document_to_canonical,
    supplier_invoice_to_canonical,
)
from connectors.sap.translate_ledger import (
    account_to_canonical,
    cost_center_to_canonical,
    journal_to_canonical,
    payment_to_canonical,
    profit_center_to_canonical,
)
from connectors.sap.translate_parties import partner_to_canonical
from connectors.sap.wire import SapModel

__all__ = ["TO_CANONICAL", "to_canonical"]

Reader = Callable[[dict[str, Any], SapContext], list[Record]]


def _entity(model: type[SapModel], translate: Callable[..., list[Record]]) -> Reader:
    def read(item: dict[str, Any], ctx: SapContext) -> list[Record]:
        return translate(model.model_validate(item), ctx, item)

    return read


def _document(translate: Callable[..., list[Record]]) -> Reader:
    def read(group: dict[str, Any], ctx: SapContext) -> list[Record]:
        raw = group["items"]
        return translate([m.JournalItem.model_validate(i) for i in raw], ctx, raw)

    return read


TO_CANONICAL: dict[str, Reader] = {
    "accounts": _entity(m.GLAccount, account_to_canonical),
    "cost_centers": _entity(m.CostCenter, cost_center_to_canonical),
    "profit_centers": _entity(m.ProfitCenter, profit_center_to_canonical),
    "business_partners": _entity(m.BusinessPartner, partner_to_canonical),
    "supplier_invoices": _entity(m.SupplierInvoice, supplier_invoice_to_canonical),
    "billing_documents": _entity(m.BillingDocument, billing_document_to_canonical),
    "journal_entries": _document(journal_to_canonical),
    "payments": _document(payment_to_canonical),
}
"""Resource name -> translation of one entity (or one document's items) to canonical records."""


def to_canonical(resource: str, item: dict[str, Any], ctx: SapContext) -> list[Record]:
    """Translate one item of a resource."""
    return TO_CANONICAL[resource](item, ctx)
