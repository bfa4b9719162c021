"""Xero invoices and credit notes and canonical invoices, both ways.

Rules worth knowing (each is tested):
- Statuses: DRAFT -> draft, SUBMITTED -> submitted, AUTHORISED -> authorised, or partially_paid
  once something is paid or credited, or paid when nothing is left due (as Xero itself would
  show it); PAID -> paid; VOIDED and DELETED -> voided and `remote_deleted`.
- Amounts: canonical `amount_paid` is what was paid *or credited*: `AmountPaid + AmountCredited`
  (credit notes, overpayments and prepayments applied), so `amount_due = total - amount_paid`
  equals Xero's `AmountDue`. A live invoice whose `AmountDue` disagrees is refused. Xero zeroes
  `AmountDue` on voided documents; there the due amount is derived and the status says it is void.
  A credit note's `amount_paid` is the part used (`Total - RemainingCredit`), its `amount_due` the
  remaining credit.
- Inclusive documents: canonical `subtotal` is the sum of the (tax-inclusive) line amounts, which
  is Xero's `SubTotal + TotalTax`.

Writes (canonical records into Xero bodies; a write sends the record's own Xero id, its
`remote_id` or else its binding, so that a POST updates instead of creating; a hub id Xero does
not know yet is a MappingError naming the Xero field, the canonical path and the hub record):
- Totals and `AmountPaid` are never sent: Xero computes them. Statuses `partially_paid` and
  `paid` are sent as `AUTHORISED` (payments make them paid), `voided` as `VOIDED`.
- Xero invoices have no memo or purchase-order field: `memo` and `purchase_order_number` are not
  written. A credit note becomes a `CreditNote` body.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from canonical import (
    DocumentType,
    Invoice,
    InvoiceDirection,
    InvoiceStatus,
    Record,
    TaxMode,
)
from connectors.xero.enums import (
    CreditNoteType,
    InvoiceType,
    LineAmountType,
    PaymentStatus,
)
from connectors.xero.enums import InvoiceStatus as XStatus
from connectors.xero.models import (
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroLineItem,
    XeroTracking,
)
from connectors.xero.translate_common import (
    TranslateContext,
    build,
    dec_sum,
    key,
    mapping_error,
    naming_the_record,
    own_id,
    text,
    tracking_to_xero,
)

DOCUMENT_FIELDS = {
    "invoice.party_id": "Contact.ContactID",
    "invoice.number": "InvoiceNumber|CreditNoteNumber",
    "invoice.issue_date": "Date",
    "invoice.due_date": "DueDate",
    "invoice.currency": "CurrencyCode",
    "invoice.exchange_rate": "CurrencyRate",
    "invoice.status": "Status",
    "invoice.tax_mode": "LineAmountTypes",
    "invoice.subtotal": "SubTotal",
    "invoice.tax_total": "TotalTax",
    "invoice.total": "Total",
    "invoice.amount_paid": "AmountPaid+AmountCredited|Total-RemainingCredit",
    "invoice.amount_due": "AmountDue|RemainingCredit",
    "invoice.lines": "LineItems",
    "invoice.lines[]": "LineItems[]",
    "invoice.lines[].description": "LineItems[].Description",
    "invoice.lines[].quantity": "LineItems[].Quantity",
    "invoice.lines[].unit_price": "LineItems[].UnitAmount",
    "invoice.lines[].discount_percent": "LineItems[].DiscountRate",
    "invoice.lines[].net_amount": "LineItems[].LineAmount",
    "invoice.lines[].tax_code": "LineItems[].TaxType",
    "invoice.lines[].tax_amount": "LineItems[].TaxAmount",
    "invoice.lines[].account_code": "LineItems[].AccountCode",
    "invoice.lines[].item_code": "LineItems[].ItemCode",
    "invoice.lines[].dimensions": "LineItems[].Tracking",
}

TAX_MODES = {
    LineAmountType.EXCLUSIVE: TaxMode.EXCLUSIVE,
    LineAmountType.INCLUSIVE: TaxMode.INCLUSIVE,
    LineAmountType.NO_TAX: TaxMode.NO_TAX,
}
_VOID = (XStatus.VOIDED, XStatus.DELETED)


# ---------------------------------------------------------------------------------------------
# Invoices and credit notes


def invoice_to_canonical(
    invoice: XeroInvoice, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A bill (ACCPAY) or sales invoice (ACCREC) as a canonical invoice."""
    rid = key(invoice.invoice_id)  # present: the base refuses an item without its id
    if invoice.type not in (InvoiceType.ACCPAY, InvoiceType.ACCREC):
        raise mapping_error(
            "Invoice", rid, "Type", "invoice.direction", f"{invoice.type} is not ACCPAY or ACCREC"
        )
    paid = dec_sum([invoice.amount_paid, invoice.amount_credited])
    if invoice.total is not None and invoice.status not in _VOID:
        expected = invoice.total - paid
        if invoice.amount_due is not None and invoice.amount_due != expected:
            raise mapping_error(
                "Invoice",
                rid,
                "AmountDue",
                "invoice.amount_due",
                f"Xero's AmountDue {invoice.amount_due} ≠ Total {invoice.total} − AmountPaid "
                f"{_or_zero(invoice.amount_paid)} − AmountCredited "
                f"{_or_zero(invoice.amount_credited)}",
            )
    data = _document(
        invoice,
        ctx,
        rid=rid,
        payable=invoice.type == InvoiceType.ACCPAY,
        document_type=DocumentType.INVOICE,
        number=invoice.invoice_number,
        paid=paid,
    )
    data["remote_data"] = raw
    return [build(Invoice, data, source="Invoice", remote_id=rid, fields=DOCUMENT_FIELDS)]


def _or_zero(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value


def credit_note_to_canonical(
    note: XeroCreditNote, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A credit note as a canonical invoice with `document_type` credit_note."""
    rid = key(note.credit_note_id)  # present: the base refuses an item without its id
    if note.type is None:
        raise mapping_error("CreditNote", rid, "Type", "invoice.direction", "is missing")
    if note.status in _VOID or note.total is None or note.remaining_credit is None:
        used = [a.amount for a in note.allocations or [] if not a.is_deleted]
        used += [p.amount for p in note.payments or [] if p.status != PaymentStatus.DELETED]
        paid = dec_sum(used)
    else:
        paid = note.total - note.remaining_credit
    data = _document(
        note,
        ctx,
        rid=rid,
        payable=note.type == CreditNoteType.ACCPAYCREDIT,
        document_type=DocumentType.CREDIT_NOTE,
        number=note.credit_note_number,
        paid=paid,
    )
    data["remote_data"] = raw
    return [build(Invoice, data, source="CreditNote", remote_id=rid, fields=DOCUMENT_FIELDS)]


def invoice_status(status: XStatus | None, paid: Decimal, due: Decimal | None) -> InvoiceStatus:
    """The canonical status of a Xero document status, given what is paid and due."""
    if status == XStatus.AUTHORISED:
        # Xero marks a document PAID itself once nothing is due (a zero total included).
        if due == 0:
            return InvoiceStatus.PAID
        return InvoiceStatus.PARTIALLY_PAID if paid > 0 else InvoiceStatus.AUTHORISED
    return {
        XStatus.DRAFT: InvoiceStatus.DRAFT,
        XStatus.SUBMITTED: InvoiceStatus.SUBMITTED,
        XStatus.AUTHORISED: InvoiceStatus.AUTHORISED,
        XStatus.PAID: InvoiceStatus.PAID,
        XStatus.VOIDED: InvoiceStatus.VOIDED,
        XStatus.DELETED: InvoiceStatus.VOIDED,
    }.get(status or XStatus.DRAFT, InvoiceStatus.DRAFT)


def _document(
    doc: XeroInvoice | XeroCreditNote,
    ctx: TranslateContext,
    *,
    rid: str,
    payable: bool,
    document_type: DocumentType,
    number: str | None,
    paid: Decimal,
) -> dict[str, Any]:
    source = "Invoice" if isinstance(doc, XeroInvoice) else "CreditNote"
    mode = TAX_MODES[doc.line_amount_types or LineAmountType.EXCLUSIVE]
    contact_id = doc.contact.contact_id if doc.contact else None
    party_kind = "supplier" if payable else "customer"
    data: dict[str, Any] = {
        "id": ctx.ids.hub_id("invoice", rid),
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_updated_at": doc.updated_date_utc,
        "remote_deleted": doc.status in _VOID,
        "direction": InvoiceDirection.PAYABLE if payable else InvoiceDirection.RECEIVABLE,
        "document_type": document_type,
        "number": text(number),
        "reference": text(doc.reference),
        "party_id": ctx.ids.hub_id(party_kind, contact_id) if contact_id else None,
        "issue_date": doc.date,
        "due_date": doc.due_date,
        "currency": text(doc.currency_code) or ctx.base_currency,
        "exchange_rate": doc.currency_rate,
        "tax_mode": mode,
        "lines": [_line(i, li, ctx, source, rid) for i, li in enumerate(doc.line_items or [])],
        "amount_paid": paid,
    }
    if doc.total_tax is not None:
        data["tax_total"] = doc.total_tax
    if doc.sub_total is not None:
        inclusive = mode == TaxMode.INCLUSIVE and doc.total_tax is not None
        data["subtotal"] = doc.sub_total + (doc.total_tax or 0) if inclusive else doc.sub_total
    due: Decimal | None = None
    if doc.total is not None:
        data["total"] = doc.total
        due = data["amount_due"] = doc.total - paid
    data["status"] = invoice_status(doc.status, paid, due)
    return data


def _line(
    index: int, line: XeroLineItem, ctx: TranslateContext, source: str, rid: str
) -> dict[str, Any]:
    amount = line.line_amount
    if amount is None:
        if line.quantity is not None or line.unit_amount is not None:
            raise mapping_error(
                source,
                rid,
                f"LineItems[{index}].LineAmount",
                f"invoice.lines[{index}].net_amount",
                "is missing on a line with a quantity or unit amount",
            )
        amount = Decimal(0)  # a description-only line
    return {
        "line_number": index + 1,
        "description": text(line.description),
        "quantity": line.quantity,
        "unit_price": line.unit_amount,
        "discount_percent": line.discount_rate,
        "net_amount": amount,
        "tax_code": text(line.tax_type),
        "tax_amount": line.tax_amount,
        "account_code": text(line.account_code),
        "item_code": text(line.item_code),
        "dimensions": dimensions(
            line.tracking or [],
            ctx,
            source=source,
            rid=rid,
            where=(f"LineItems[{index}]", f"invoice.lines[{index}]"),
        ),
    }


def dimensions(
    tracking: list[XeroTracking],
    ctx: TranslateContext,
    *,
    source: str,
    rid: str,
    where: tuple[str, str],
) -> dict[str, str]:
    """Tracking options of a line as canonical dimensions `{kind: option}`."""
    out: dict[str, str] = {}
    for j, item in enumerate(tracking):
        name, option = text(item.name), text(item.option)
        if name is None or option is None:
            raise mapping_error(
                source,
                rid,
                f"{where[0]}.Tracking[{j}].Name/Option",
                f"{where[1]}.dimensions",
                "a tracking entry needs the category name and the option",
            )
        out[ctx.kind_of(name)] = option
    return out


# ---------------------------------------------------------------------------------------------
# Writes: canonical invoices into Xero invoice and credit note bodies


LINE_AMOUNT_TYPES = {mode: amounts for amounts, mode in TAX_MODES.items()}
_WRITE_STATUSES = {
    InvoiceStatus.DRAFT: XStatus.DRAFT,
    InvoiceStatus.SUBMITTED: XStatus.SUBMITTED,
    InvoiceStatus.AUTHORISED: XStatus.AUTHORISED,
    InvoiceStatus.PARTIALLY_PAID: XStatus.AUTHORISED,
    InvoiceStatus.PAID: XStatus.AUTHORISED,
    InvoiceStatus.VOIDED: XStatus.VOIDED,
}


def _contact_ref(invoice: Invoice, ctx: TranslateContext, source: str) -> XeroContact:
    if invoice.party_id is None:
        raise mapping_error(source, None, "Contact.ContactID", "invoice.party_id", "is required")
    kind = "supplier" if invoice.direction == InvoiceDirection.PAYABLE else "customer"
    contact_id = ctx.ids.remote_id(kind, invoice.party_id)
    if contact_id is None:
        raise mapping_error(
            source,
            None,
            "Contact.ContactID",
            "invoice.party_id",
            f"{invoice.party_id} is not in Xero yet: write the {kind} first",
        )
    return XeroContact(contact_id=contact_id)


@naming_the_record
def invoice_to_xero(invoice: Record, ctx: TranslateContext) -> XeroInvoice | XeroCreditNote:
    """An Invoice as a Xero Invoice body, or a CreditNote body for a credit note."""
    if not isinstance(invoice, Invoice):
        raise TypeError(f"expected an Invoice, got {type(invoice).__name__}")
    payable = invoice.direction == InvoiceDirection.PAYABLE
    credit = invoice.document_type == DocumentType.CREDIT_NOTE
    source = "CreditNote" if credit else "Invoice"
    lines = [
        XeroLineItem(
            description=line.description,
            quantity=line.quantity,
            unit_amount=line.unit_price,
            discount_rate=line.discount_percent,
            line_amount=line.net_amount,
            tax_type=line.tax_code,
            tax_amount=line.tax_amount,
            account_code=line.account_code,
            item_code=line.item_code,
            tracking=tracking_to_xero(line.dimensions, ctx, source, f"invoice.lines[{i}]"),
        )
        for i, line in enumerate(invoice.lines)
    ]
    common = {
        "contact": _contact_ref(invoice, ctx, source),
        "date": invoice.issue_date,
        "due_date": invoice.due_date,
        "line_amount_types": LINE_AMOUNT_TYPES[invoice.tax_mode],
        "reference": invoice.reference,
        "currency_code": invoice.currency,
        "currency_rate": invoice.exchange_rate,
        "status": _WRITE_STATUSES[invoice.status],
        "line_items": lines,
    }
    if credit:
        return XeroCreditNote.model_validate(
            {
                **common,
                "type": CreditNoteType.ACCPAYCREDIT if payable else CreditNoteType.ACCRECCREDIT,
                "credit_note_id": own_id(invoice, ctx),
                "credit_note_number": invoice.number,
            }
        )
    return XeroInvoice.model_validate(
        {
            **common,
            "type": InvoiceType.ACCPAY if payable else InvoiceType.ACCREC,
            "invoice_id": own_id(invoice, ctx),
            "invoice_number": invoice.number,
        }
    )
