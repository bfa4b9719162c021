"""Xero <-> canonical translation: the registries the connector framework uses.

    ctx = TranslateContext(connection_id="con_1", ids=StableIds("con_1"), base_currency="NZD",
                           tracking_kinds={"Region": "location"})
    model = MODELS["Invoices"].model_validate(item)          # item: a dict, numbers as Decimal
    records = TO_CANONICAL["Invoices"](model, ctx, item)      # -> [Invoice]
    body = FROM_CANONICAL["invoice"](record, ctx)             # -> XeroInvoice | XeroCreditNote
    payload = {"Invoices": [body.to_xero()]}                  # send with dumps_xero(payload)

Each object family's module holds both directions, reads first and writes after, with the rules
of each in its docstring: `translate_contacts` (suppliers, customers), `translate_documents`
(invoices, credit notes), `translate_payments` and `translate_ledger` (journals, reference
data).
Every function is pure: the same payload and context give the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from canonical import Record
from connectors.xero.models import (
    XeroAccount,
    XeroBatchPayment,
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroManualJournal,
    XeroModel,
    XeroOverpayment,
    XeroPayment,
    XeroPrepayment,
    XeroTaxRate,
    XeroTrackingCategory,
)
from connectors.xero.translate_common import TranslateContext, snake_case
from connectors.xero.translate_contacts import contact_to_canonical, party_to_xero
from connectors.xero.translate_documents import (
    credit_note_to_canonical,
    invoice_to_canonical,
    invoice_to_xero,
)
from connectors.xero.translate_ledger import (
    account_to_canonical,
    journal_to_xero,
    manual_journal_to_canonical,
    tax_rate_to_canonical,
    tracking_category_to_canonical,
)
from connectors.xero.translate_payments import (
    batch_payment_to_canonical,
    overpayment_to_canonical,
    payment_to_canonical,
    payment_to_xero,
    payment_to_xero_payments,
    prepayment_to_canonical,
)

__all__ = [
    "FROM_CANONICAL",
    "MODELS",
    "TO_CANONICAL",
    "FromCanonical",
    "ToCanonical",
    "TranslateContext",
    "account_to_canonical",
    "batch_payment_to_canonical",
    "contact_to_canonical",
    "credit_note_to_canonical",
    "invoice_to_canonical",
    "invoice_to_xero",
    "journal_to_xero",
    "manual_journal_to_canonical",
    "overpayment_to_canonical",
    "party_to_xero",
    "payment_to_canonical",
    "payment_to_xero",
    "payment_to_xero_payments",
    "prepayment_to_canonical",
    "snake_case",
    "tax_rate_to_canonical",
    "tracking_category_to_canonical",
]

ToCanonical = Callable[[BaseModel, TranslateContext, dict[str, Any] | None], list[Record]]
"""(Xero model, context, raw payload or None) -> canonical records (possibly none)."""

FromCanonical = Callable[[Record, TranslateContext], XeroModel]
"""(canonical record, context) -> the Xero body to send (dump it with `to_xero()`)."""

M = TypeVar("M", bound=BaseModel)


def _reader(
    model: type[M], translate: Callable[[M, TranslateContext, dict[str, Any] | None], list[Record]]
) -> ToCanonical:
    def read(
        obj: BaseModel, ctx: TranslateContext, raw: dict[str, Any] | None = None
    ) -> list[Record]:
        if not isinstance(obj, model):
            raise TypeError(f"expected a {model.__name__}, got {type(obj).__name__}")
        return translate(obj, ctx, raw)

    read.__name__ = read.__qualname__ = translate.__name__
    read.__doc__ = translate.__doc__
    return read


MODELS: dict[str, type[XeroModel]] = {
    "Contacts": XeroContact,
    "Invoices": XeroInvoice,
    "CreditNotes": XeroCreditNote,
    "Payments": XeroPayment,
    "BatchPayments": XeroBatchPayment,
    "Overpayments": XeroOverpayment,
    "Prepayments": XeroPrepayment,
    "ManualJournals": XeroManualJournal,
    "Accounts": XeroAccount,
    "TaxRates": XeroTaxRate,
    "TrackingCategories": XeroTrackingCategory,
}
"""The payload model of each Xero collection (the key of its list in a response)."""

TO_CANONICAL: dict[str, ToCanonical] = {
    "Contacts": _reader(XeroContact, contact_to_canonical),
    "Invoices": _reader(XeroInvoice, invoice_to_canonical),
    "CreditNotes": _reader(XeroCreditNote, credit_note_to_canonical),
    "Payments": _reader(XeroPayment, payment_to_canonical),
    "BatchPayments": _reader(XeroBatchPayment, batch_payment_to_canonical),
    "Overpayments": _reader(XeroOverpayment, overpayment_to_canonical),
    "Prepayments": _reader(XeroPrepayment, prepayment_to_canonical),
    "ManualJournals": _reader(XeroManualJournal, manual_journal_to_canonical),
    "Accounts": _reader(XeroAccount, account_to_canonical),
    "TaxRates": _reader(XeroTaxRate, tax_rate_to_canonical),
    "TrackingCategories": _reader(XeroTrackingCategory, tracking_category_to_canonical),
}
"""Xero collection name -> translation of one item to canonical records."""

FROM_CANONICAL: dict[str, FromCanonical] = {
    "supplier": party_to_xero,
    "customer": party_to_xero,
    "invoice": invoice_to_xero,
    "payment": payment_to_xero,
    "journal_entry": journal_to_xero,
}
"""Canonical object name -> the Xero write body for a record of it."""
