"""SAP supplier invoices and billing documents into canonical invoices, and invoices back.

Supplier invoices (payable, `API_SUPPLIERINVOICE_PROCESS_SRV`):
- remote id `SupplierInvoice/FiscalYear`; the number is the supplier's own
  (`SupplierInvoiceIDByInvcgParty`), the reference the header text; `SupplierInvoiceIsCreditMemo`
  `X` is a credit note.
- status: parked (`A`) is `draft`, posted (`5`) `authorised`, reversed `voided` and
  `remote_deleted`; the reversal document itself is not an invoice of its own (nothing). A
  posted invoice whose supplier item is cleared (`to_Clearing`: the journal entry item of its
  `RMRP` document has a `ClearingJournalEntry`, the payment) is `paid`, its total paid.
- lines are the G/L account lines (credit lines, `H`, negative); tax comes from the tax lines;
  the total is `InvoiceGrossAmount` and must equal lines + tax. Due date: base date + net days.
- there is no change stamp: the creation date stands in for `remote_updated_at`.

Billing documents (receivable, `API_BILLING_DOCUMENT_SRV`, read only):
- `F2` invoices, `G2` credit memos; `S1` cancellation documents become nothing and the document
  they cancel is `voided` and `remote_deleted`. Cleared (`InvoiceClearingStatus` `C`) is `paid`.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from canonical import Invoice, Record
from connectors.mapping import build_record, field_error, text
from connectors.sap.models import BillingDocument, SupplierInvoice
from connectors.sap.translate_common import (
    SapContext,
    dimensions,
    record_base,
    remote_id,
    subject,
)
from connectors.sap.wire import format_ms_date

__all__ = [
    "BILLING_FIELDS",
    "SUPPLIER_INVOICE_FIELDS",
    "billing_document_to_canonical",
    "invoice_to_sap",
    "supplier_invoice_to_canonical",
]

SUPPLIER_INVOICE_FIELDS = {
    "invoice.number": "SupplierInvoiceIDByInvcgParty",
    "invoice.reference": "DocumentHeaderText",
    "invoice.party_id": "InvoicingParty",
    "invoice.issue_date": "DocumentDate",
    "invoice.due_date": "DueCalculationBaseDate+NetPaymentDays",
    "invoice.currency": "DocumentCurrency",
    "invoice.status": "SupplierInvoiceStatus",
    "invoice.lines[]": "to_SupplierInvoiceItemGLAcct[]",
    "invoice.lines[].net_amount": "to_SupplierInvoiceItemGLAcct[].SupplierInvoiceItemAmount",
    "invoice.lines[].account_code": "to_SupplierInvoiceItemGLAcct[].GLAccount",
    "invoice.lines[].tax_code": "to_SupplierInvoiceItemGLAcct[].TaxCode",
    "invoice.subtotal": "to_SupplierInvoiceItemGLAcct[].SupplierInvoiceItemAmount",
    "invoice.tax_total": "to_SupplierInvoiceTax[].TaxAmount",
    "invoice.total": "InvoiceGrossAmount",
}
BILLING_FIELDS = {
    "invoice.number": "BillingDocument",
    "invoice.reference": "PaymentReference",
    "invoice.purchase_order_number": "PurchaseOrderByCustomer",
    "invoice.party_id": "SoldToParty",
    "invoice.issue_date": "BillingDocumentDate",
    "invoice.currency": "TransactionCurrency",
    "invoice.lines[]": "to_Item[]",
    "invoice.lines[].net_amount": "to_Item[].NetAmount",
    "invoice.lines[].tax_amount": "to_Item[].TaxAmount",
    "invoice.subtotal": "TotalNetAmount",
    "invoice.tax_total": "TaxAmount",
    "invoice.total": "TotalGrossAmount",
}


def _line_number(item: str | None) -> int | None:
    return int(item) if item and item.isdigit() else None


def supplier_invoice_to_canonical(
    invoice: SupplierInvoice, ctx: SapContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A supplier invoice as a payable invoice (see the module's rules)."""
    if invoice.IsReversal:
        return []
    rid = remote_id(invoice.SupplierInvoice, invoice.FiscalYear)
    who = subject("A_SupplierInvoice", rid)
    supplier = text(invoice.InvoicingParty)
    if supplier is None:
        raise field_error(
            who, "InvoicingParty", "invoice.party_id", "a supplier invoice needs a supplier"
        )
    lines = []
    for item in invoice.to_SupplierInvoiceItemGLAcct:
        amount = item.SupplierInvoiceItemAmount or Decimal(0)
        lines.append(
            {
                "line_number": _line_number(item.SupplierInvoiceItem),
                "description": text(item.SupplierInvoiceItemText),
                "quantity": item.Quantity,
                "net_amount": -amount if item.DebitCreditCode == "H" else amount,
                "tax_code": text(item.TaxCode),
                "account_code": text(item.GLAccount),
                "dimensions": dimensions(ctx, item.CostCenter, item.ProfitCenter),
            }
        )
    tax = sum((t.TaxAmount or Decimal(0) for t in invoice.to_SupplierInvoiceTax), Decimal(0))
    reversed_ = bool(invoice.IsReversed)
    parked = invoice.SupplierInvoiceStatus == "A"
    cleared = invoice.to_Clearing is not None and bool(invoice.to_Clearing.ClearingJournalEntry)
    paid = cleared and not reversed_ and not parked
    status = "voided" if reversed_ else "draft" if parked else "paid" if paid else "authorised"
    base = invoice.DueCalculationBaseDate or invoice.DocumentDate
    due = (
        base + timedelta(days=int(invoice.NetPaymentDays))
        if base and invoice.NetPaymentDays is not None
        else None
    )
    data = {
        **record_base(ctx, "invoice", rid, raw),
        "remote_updated_at": invoice.CreationDate,
        "remote_deleted": reversed_,
        "direction": "payable",
        "document_type": "credit_note" if invoice.SupplierInvoiceIsCreditMemo == "X" else "invoice",
        "number": text(invoice.SupplierInvoiceIDByInvcgParty),
        "reference": text(invoice.DocumentHeaderText),
        "party_id": ctx.ids.hub_id("supplier", supplier),
        "issue_date": invoice.DocumentDate,
        "due_date": due,
        "currency": text(invoice.DocumentCurrency),
        "status": status,
        "tax_mode": "exclusive",
        "lines": lines,
        "tax_total": tax,
        "total": invoice.InvoiceGrossAmount,
        "amount_paid": invoice.InvoiceGrossAmount if paid else Decimal(0),
        "custom_fields": invoice.custom_fields(),
    }
    return [build_record(Invoice, data, subject=who, fields=SUPPLIER_INVOICE_FIELDS)]


def billing_document_to_canonical(
    document: BillingDocument, ctx: SapContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A billing document as a receivable invoice (see the module's rules)."""
    if document.BillingDocumentType == "S1" or text(document.CancelledBillingDocument):
        return []
    rid = document.BillingDocument
    who = subject("A_BillingDocument", rid)
    customer = text(document.SoldToParty)
    if customer is None:
        raise field_error(
            who, "SoldToParty", "invoice.party_id", "a billing document needs a customer"
        )
    lines = [
        {
            "line_number": index,
            "description": text(item.BillingDocumentItemText),
            "quantity": item.BillingQuantity,
            "net_amount": item.NetAmount or Decimal(0),
            "tax_amount": item.TaxAmount,
            "tax_code": text(item.TaxCode),
            "account_code": text(item.GLAccount),
            "item_code": text(item.Material),
            "dimensions": dimensions(ctx, item.CostCenter, item.ProfitCenter),
        }
        for index, item in enumerate(document.to_Item, start=1)
    ]
    cancelled = bool(document.BillingDocumentIsCancelled)
    cleared = document.InvoiceClearingStatus == "C"
    total = document.TotalGrossAmount
    days = ctx.terms_days(document.CustomerPaymentTerms)
    issue = document.BillingDocumentDate
    data = {
        **record_base(ctx, "invoice", rid, raw),
        "remote_updated_at": document.LastChangeDateTime,
        "remote_deleted": cancelled,
        "direction": "receivable",
        "document_type": "credit_note" if document.BillingDocumentType == "G2" else "invoice",
        "number": rid,
        "reference": text(document.PaymentReference),
        "purchase_order_number": text(document.PurchaseOrderByCustomer),
        "party_id": ctx.ids.hub_id("customer", customer),
        "issue_date": issue,
        "due_date": issue + timedelta(days=days) if issue and days is not None else None,
        "currency": text(document.TransactionCurrency),
        "status": "voided" if cancelled else "paid" if cleared else "authorised",
        "tax_mode": "exclusive",
        "lines": lines,
        "subtotal": document.TotalNetAmount,
        "tax_total": document.TaxAmount,
        "total": total,
        "amount_paid": total if cleared and not cancelled else Decimal(0),
        "custom_fields": document.custom_fields(),
    }
    return [build_record(Invoice, data, subject=who, fields=BILLING_FIELDS)]


def invoice_to_sap(
    record: Record, ctx: SapContext, supplier: str, park: bool = False
) -> dict[str, Any]:
    """A payable canonical invoice as an `A_SupplierInvoice` deep insert with its G/L lines.

    `supplier` is the SAP supplier number of the invoice's party. Tax is sent as tax lines per
    tax code (the lines' tax amounts, or the invoice's tax on the first line's code); the gross
    amount is the invoice total. `park` creates it parked (`SupplierInvoiceStatus` `A`).
    """
    if not isinstance(record, Invoice):
        raise TypeError(f"expected an Invoice, got {type(record).__name__}")
    who = f"invoice '{record.number or record.id}'"
    if record.direction != "payable":
        raise field_error(
            who,
            "A_SupplierInvoice",
            "invoice.direction",
            "SAP takes payable invoices only (billing documents are read only)",
        )
    issue = record.issue_date
    if issue is None:
        raise field_error(who, "DocumentDate", "invoice.issue_date", "is required by SAP")
    lines = []
    taxes: dict[str, Decimal] = {}
    for index, line in enumerate(record.lines):
        if not line.account_code:
            raise field_error(
                who,
                f"to_SupplierInvoiceItemGLAcct[{index}].GLAccount",
                f"invoice.lines[{index}].account_code",
                "is required by SAP",
            )
        entry: dict[str, Any] = {
            "SupplierInvoiceItem": f"{index + 1:04d}",
            "GLAccount": line.account_code,
            "SupplierInvoiceItemAmount": format(abs(line.net_amount), "f"),
            "DebitCreditCode": "H" if line.net_amount < 0 else "S",
        }
        if line.tax_code:
            entry["TaxCode"] = line.tax_code
            if line.tax_amount is not None:
                taxes[line.tax_code] = taxes.get(line.tax_code, Decimal(0)) + line.tax_amount
        if line.description:
            entry["SupplierInvoiceItemText"] = line.description[:50]
        if line.quantity is not None:
            entry["Quantity"] = format(line.quantity, "f")
            entry["QuantityUnit"] = "EA"
        dims = line.dimensions or {}
        if dims.get("cost_center"):
            entry["CostCenter"] = dims["cost_center"]
        if dims.get(ctx.profit_center_kind):
            entry["ProfitCenter"] = dims[ctx.profit_center_kind]
        lines.append(entry)
    tax_total = record.tax_total or Decimal(0)
    if tax_total and not taxes:
        code = next((line.tax_code for line in record.lines if line.tax_code), None)
        if code is None:
            raise field_error(
                who,
                "to_SupplierInvoiceTax[].TaxCode",
                "invoice.lines[].tax_code",
                "tax without a tax code",
            )
        taxes[code] = tax_total
    body: dict[str, Any] = {
        "CompanyCode": ctx.company_code,
        "DocumentDate": format_ms_date(issue),
        "PostingDate": format_ms_date(issue),
        "InvoicingParty": supplier,
        "SupplierInvoiceIDByInvcgParty": (record.number or "")[:16] or None,
        "DocumentCurrency": record.currency,
        "InvoiceGrossAmount": format(record.total if record.total is not None else Decimal(0), "f"),
        "DocumentHeaderText": (record.reference or record.memo or "")[:25] or None,
        "SupplierInvoiceIsCreditMemo": "X" if record.document_type == "credit_note" else "",
        "TaxIsCalculatedAutomatically": False,
        "to_SupplierInvoiceItemGLAcct": lines,
        "to_SupplierInvoiceTax": [
            {"TaxCode": c, "TaxAmount": format(a, "f")} for c, a in taxes.items()
        ],
    }
    if record.due_date is not None:
        body["DueCalculationBaseDate"] = format_ms_date(issue)
        body["NetPaymentDays"] = str((record.due_date - issue).days)
    if park:
        body["SupplierInvoiceStatus"] = "A"
    for key, value in (record.custom_fields or {}).items():
        if key.startswith("YY1_") and value is not None:
            body[key] = str(value)
    return {k: v for k, v in body.items() if v is not None}
